"""Bulk generator of realistic organisation data for benchmarks: agencies, staff, journal.

`generate()` fills an empty, migrated database with a province's agencies (valid QCVN 102
identifiers under `settings.PROVINCE_CODE`), their units and positions, staff with Vietnamese
names and one or two role grants each, and a hash-chained journal telling the story of that data
(agency, unit, position and person creation, grants, sign-ins, edits) that
`vanthu.core.journal.journal_verify()` accepts. Rows are written with `bulk_create`, not through
the services: a service call per row would take hours at 50,000 people.

Run on its own against the configured database (which must be empty and migrated):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x uv run python -m bench.data --verify
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

BENCH_PASSWORD = "Mat-khau-bench-2026!"  # every generated person signs in with this
DEFAULT_SEED = 20261125
BATCH = 5000

SURNAMES = [  # weights roughly follow the national distribution (Nguyễn ~38 %)
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Huỳnh", 5), ("Hoàng", 3),
    ("Phan", 4), ("Võ", 4), ("Vũ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Mai", 1), ("Cao", 1),
]  # fmt: skip
MIDDLE = {
    "m": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Ngọc", "Xuân", "Tấn", "Anh"],
    "f": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Phương", "Mỹ", "Hoài", "Bảo"],
}
GIVEN = {
    "m": [
        "An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hòa", "Hoàng",
        "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam",
        "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng",
        "Thành", "Thiện", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ"
    ],
    "f": [
        "Anh", "Ánh", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng",
        "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Nga",
        "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Thảo", "Thoa", "Thủy",
        "Trang", "Trâm", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Yến"
    ],
}  # fmt: skip
DEPARTMENTS = [
    ("Sở Nội vụ", "SNV"), ("Sở Tư pháp", "STP"), ("Sở Tài chính", "STC"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"), ("Sở Công Thương", "SCT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"), ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Xây dựng", "SXD"), ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Thông tin và Truyền thông", "STTTT"), ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Văn hóa và Thể thao", "SVHTT"), ("Sở Du lịch", "SDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"), ("Sở Y tế", "SYT"), ("Thanh tra tỉnh", "TTT"),
    ("Ban Dân tộc", "BDT"), ("Ban Quản lý Khu kinh tế Vân Phong", "BQLKKT"),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "VPĐĐBQH"),
]  # fmt: skip
DISTRICTS = [  # (name, short name, first syllable of its communes' names)
    ("thành phố Nha Trang", "Nha Trang", "Vĩnh"), ("thành phố Cam Ranh", "Cam Ranh", "Cam"),
    ("thị xã Ninh Hòa", "Ninh Hòa", "Ninh"), ("huyện Vạn Ninh", "Vạn Ninh", "Vạn"),
    ("huyện Diên Khánh", "Diên Khánh", "Diên"), ("huyện Cam Lâm", "Cam Lâm", "Suối"),
    ("huyện Khánh Vĩnh", "Khánh Vĩnh", "Khánh"), ("huyện Khánh Sơn", "Khánh Sơn", "Sơn"),
    ("huyện Trường Sa", "Trường Sa", "Sinh"),
]  # fmt: skip
PLACE_TAILS = [
    "Xuân", "Hải", "Bình", "Phú", "Thạnh", "Hòa", "Lộc", "Thọ", "Phước", "Trung", "An", "Hiệp",
    "Đông", "Tây", "Thủy", "Phụng", "Lâm", "Thành", "Tân", "Hưng", "Lợi", "Quang", "Long",
    "Thắng", "Nghĩa", "Mỹ", "Sơn", "Tiến", "Đức", "Vinh"
]  # fmt: skip
SERVICE_UNITS = ["Trung tâm", "Chi cục", "Ban Quản lý dự án", "Trung tâm Dịch vụ", "Quỹ"]
OFFICE_UNITS = [
    ("Văn phòng", "VP"), ("Phòng Tổ chức cán bộ", "TCCB"), ("Phòng Kế hoạch - Tài chính", "KHTC"),
    ("Thanh tra", "TTR"), ("Phòng Pháp chế", "PC"), ("Phòng Nghiệp vụ", "NV"),
    ("Phòng Quản lý chuyên ngành", "QLCN"), ("Phòng Công nghệ thông tin", "CNTT"),
]  # fmt: skip
COMMUNE_UNITS = [
    ("Văn phòng - Thống kê", "VP"), ("Địa chính - Xây dựng", "ĐCXD"),
    ("Tài chính - Kế toán", "TCKT"), ("Tư pháp - Hộ tịch", "TPHT"), ("Văn hóa - Xã hội", "VHXH"),
    ("Bộ phận Một cửa", "MC"),
]  # fmt: skip
OFFICE_POSITIONS = [
    ("Chánh Văn phòng", 30), ("Phó Chánh Văn phòng", 35), ("Trưởng phòng", 40),
    ("Phó Trưởng phòng", 50), ("Chuyên viên", 80), ("Văn thư", 90), ("Lưu trữ viên", 95),
]  # fmt: skip


@dataclass
class Report:
    """Counts and timings of one generation run."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        """Return a one-line summary."""
        counts = ", ".join(f"{k} {v:,}" for k, v in self.counts.items())
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        return f"{counts} | {steps} | total {sum(self.seconds.values()):.1f}s"


@contextmanager
def _timed(report: Report, step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    report.seconds[step] = report.seconds.get(step, 0.0) + time.perf_counter() - start


@contextmanager
def _historical_timestamps(*models: Any) -> Iterator[None]:
    # bulk_create calls pre_save, which would stamp every row with "now"; the generator backdates
    # rows to match their journal history, so switch auto_now(_add) off for the duration.
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _agency_plan(n: int, rng: random.Random, province: str, code: str) -> list[dict[str, Any]]:
    """Return `n` agencies, parents first: the province, departments, districts, then level 3."""
    from vanthu.organizations.choices import AgencyKind

    if n > 1 + 99 + 99 * 99:
        raise ValueError("At most 9,901 agencies fit in levels 1-3 of one province's codes.")
    kind = AgencyKind.PROVINCIAL_COMMITTEE
    root = {"id": f"000.00.00.{code}", "name": f"Ủy ban nhân dân tỉnh {province}",
            "short": "UBND tỉnh", "kind": kind, "parent": None}  # fmt: skip
    level2 = [("Văn phòng UBND tỉnh", "VP UBND", AgencyKind.PROVINCIAL_OFFICE, "")]
    level2 += [(name, short, AgencyKind.DEPARTMENT, "") for name, short in DEPARTMENTS]
    level2 += [
        (f"UBND {d}", f"UBND {short}", AgencyKind.DISTRICT_COMMITTEE, stem)
        for d, short, stem in DISTRICTS
    ]
    n_level2 = min(n - 1, len(level2))
    while n_level2 < 99 and 1 + n_level2 * 100 < n:  # more level-2 bodies only when needed
        n_level2 += 1
        level2.append((f"Cơ quan trực thuộc số {n_level2}", f"CQ{n_level2}", AgencyKind.OTHER, ""))
    plan = [root]
    parents = []
    for k, (name, short, kind, stem) in enumerate(level2[:n_level2], start=1):
        row = {"id": f"000.00.{k:02d}.{code}", "name": name, "short": short, "kind": kind,
               "parent": root["id"], "stem": stem, "children": 0}  # fmt: skip
        plan.append(row)
        parents.append(row)
    # Level 3 round-robin, districts weighted three to one: communes outnumber service units.
    weighted = [p for p in parents for _ in range(3 if p["stem"] else 1)]
    i = 0
    while len(plan) < n:
        parent = weighted[i % len(weighted)]
        i += 1
        if parent["children"] == 99:
            continue
        parent["children"] += 1
        k = parent["children"]
        if parent["stem"]:
            tail = PLACE_TAILS[(k - 1) % len(PLACE_TAILS)]
            suffix = ["", " Bắc", " Nam", " Đông"][(k - 1) // len(PLACE_TAILS) % 4]
            word = rng.choice(["xã", "xã", "phường", "thị trấn"])
            name = f"UBND {word} {parent['stem']} {tail}{suffix}"
            kind, short = AgencyKind.COMMUNE_COMMITTEE, f"UBND {parent['stem']} {tail}{suffix}"
        else:
            name = f"{SERVICE_UNITS[k % len(SERVICE_UNITS)]} số {k} thuộc {parent['name']}"
            kind, short = AgencyKind.PUBLIC_SERVICE_UNIT, f"{parent['short']}-ĐV{k}"
        ident = f"000.{k:02d}.{parent['id'][7:9]}.{code}"
        plan.append(
            {"id": ident, "name": name, "short": short[:30], "kind": kind, "parent": parent["id"]}
        )
    return plan


class _Clock:
    """Random moments inside office hours (07:00-17:00 Asia/Ho_Chi_Minh, Monday to Friday)."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng, self.now = rng, now

    def between(self, start: datetime, end: datetime) -> datetime:
        # Exactly two draws per call, whatever the dates: the same seed gives the same data on
        # any day (only the dates shift).
        u, v = self.rng.random(), self.rng.random()
        end = min(end, self.now)
        if end <= start:
            return start + timedelta(microseconds=1 + int(v * 999_999))
        moment = start + (end - start) * u
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        day -= timedelta(days=max(0, day.weekday() - 4))  # Saturday, Sunday -> Friday
        moment = day + timedelta(seconds=v * 10 * 3600)  # 07:00-17:00 at UTC+7
        return moment if start < moment < end else start + (end - start) * u


def _person_name(rng: random.Random) -> str:
    sex = rng.choice("mf")
    surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    return f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def _username(full_name: str, taken: dict[str, int]) -> str:
    from vanthu.core.text import fold

    parts = fold(full_name).split()
    base = parts[-1] + "".join(p[0] for p in parts[:-1])
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}{taken[base]}"


def _staff_roles(m: int, rng: random.Random) -> list[str]:
    """Return the first role of each of `m` people of one agency: admin, leader, clerk first."""
    head = ["agency_admin", "leader", "clerk", "unit_head", "unit_head", "leader", "archivist"]
    rest = rng.choices(
        ["specialist", "unit_head", "clerk", "leader", "archivist"],
        weights=[70, 12, 8, 6, 4],
        k=max(0, m - len(head)),
    )
    return (head + rest)[:m]


def _grants(role: str, i: int, unit: Any, office: Any, top: str) -> list[tuple[str, Any, str]]:
    """Return (role, unit, position name) of the grants of a person whose first role is `role`."""
    if role == "agency_admin":  # administrators are usually specialists of the office
        return [("agency_admin", None, "Chuyên viên"), ("specialist", office, "Chuyên viên")]
    if role == "leader":
        return [("leader", None, top if i == 1 else f"Phó {top}")]
    if role == "unit_head":
        return [("unit_head", unit, "Chánh Văn phòng" if unit is office else "Trưởng phòng")]
    if role == "clerk":
        return [("clerk", office, "Văn thư")]
    if role == "archivist":
        return [("archivist", office, "Lưu trữ viên")]
    return [("specialist", unit, "Chuyên viên")]


class Event(NamedTuple):
    """One journal row to be: when, who, what, about which object."""

    at: datetime
    actor: Any
    action: str
    obj: Any
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    object_type: str = ""
    object_repr: str = ""


@dataclass
class _World:
    """What the generator has created so far, shared by its steps."""

    rng: random.Random
    clock: _Clock
    now: datetime
    rollout: datetime
    agencies: list[Any] = field(default_factory=list)
    units: dict[int, list[Any]] = field(default_factory=dict)
    positions: dict[int, dict[str, Any]] = field(default_factory=dict)
    people: list[Any] = field(default_factory=list)
    admins: dict[int, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _create_organisations(w: _World, n_agencies: int) -> None:
    from django.conf import settings

    from vanthu.organizations.identifiers import parse_identifier
    from vanthu.organizations.models import Agency, Position, Unit

    province, code, rng = settings.PROVINCE_NAME, settings.PROVINCE_CODE, w.rng
    plan = _agency_plan(n_agencies, rng, province, code)
    by_ident: dict[str, Any] = {}
    for depth in (1, 2, 3):  # parents first, so children can point at them
        rows = []
        for p in [p for p in plan if parse_identifier(p["id"]).depth == depth]:
            at = w.rollout + timedelta(days=depth * 3, seconds=rng.uniform(0, 86400))
            _, l3, l2, l1 = p["id"].split(".")
            qd20 = ".".join([l1] + ([l2] if depth > 1 else []) + ([l3] if depth > 2 else []))
            street = f"{rng.randint(1, 300)} đường {rng.choice(GIVEN['m'])}"
            rows.append(Agency(
                identifier=p["id"], qd20_code=qd20, name=p["name"], short_name=p["short"],
                kind=p["kind"], parent=by_ident.get(p["parent"] or ""),
                address=f"{street}, {province}", email=f"vp.{l2}{l3}@{code.lower()}.gov.vn",
                phone=f"0258 3{rng.randint(100000, 999999)}", created_at=at, updated_at=at,
            ))  # fmt: skip
        for agency in Agency.objects.bulk_create(rows, batch_size=BATCH):
            by_ident[agency.identifier] = agency
    w.agencies = [by_ident[p["id"]] for p in plan]
    for agency in w.agencies:
        pool = COMMUNE_UNITS if agency.kind == "commune_committee" else OFFICE_UNITS
        chosen = [pool[0], *rng.sample(pool[1:], k=min(len(pool) - 1, rng.randint(3, 5)))]
        at = agency.created_at + timedelta(hours=1)
        w.units[agency.pk] = [
            Unit(agency=agency, name=name, short_name=short, created_at=t, updated_at=t)
            for k, (name, short) in enumerate(chosen)
            for t in [at + timedelta(seconds=40 * k)]
        ]
        top = "Chủ tịch" if "committee" in agency.kind else "Giám đốc"
        titles = [(top, 10), (f"Phó {top}", 20), *OFFICE_POSITIONS]
        w.positions[agency.pk] = {
            name: Position(agency=agency, name=name, rank=rank, created_at=t, updated_at=t)
            for k, (name, rank) in enumerate(titles)
            for t in [at + timedelta(minutes=10, seconds=30 * k)]
        }
    units = Unit.objects.bulk_create([u for us in w.units.values() for u in us], batch_size=BATCH)
    positions = [p for ps in w.positions.values() for p in ps.values()]
    Position.objects.bulk_create(positions, batch_size=BATCH)
    w.counts.update(agencies=len(w.agencies), units=len(units), positions=len(positions))


def _create_people(w: _World, n_people: int, logins_per_person: float) -> None:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from vanthu.organizations.models import Person, RoleGrant

    rng, clock, domain = w.rng, w.clock, f"{settings.PROVINCE_CODE.lower()}.gov.vn"
    password = make_password(BENCH_PASSWORD)  # hashed once: Argon2 per person would take hours
    big = ("provincial_committee", "provincial_office", "department", "district_committee")
    weights = [3 if a.kind in big else 1 for a in w.agencies]
    sizes = [1] * len(w.agencies)  # n_people - 2: two system administrators outside agencies
    for k in rng.choices(range(len(w.agencies)), weights, k=n_people - 2 - len(w.agencies)):
        sizes[k] += 1
    taken: dict[str, int] = {}
    plans = []
    for agency, size in [(None, 2), *zip(w.agencies, sizes, strict=True)]:
        roles = ["system_admin"] * 2 if agency is None else _staff_roles(size, rng)
        heads_left = list(w.units[agency.pk][1:]) if agency else []
        for i, role in enumerate(roles):
            if agency is None:  # the system administrators set everything up
                joined = w.rollout - timedelta(days=30 - i)
            elif i == 0:  # the agency administrator, appointed when the agency joins
                joined = clock.between(agency.created_at, agency.created_at + timedelta(days=4))
            else:
                joined = clock.between(agency.created_at + timedelta(days=5), w.now)
            logins = sorted(
                clock.between(joined, w.now)
                for _ in range(round(rng.uniform(0, 2 * logins_per_person)))
            )
            name = _person_name(rng)
            username = _username(name, taken)
            person = Person(
                username=username, full_name=name, password=password,
                email=f"{username}@{domain}", phone=f"09{rng.randint(10**7, 10**8 - 1)}",
                agency=agency, date_joined=joined, last_login=logins[-1] if logins else None,
            )  # fmt: skip
            person.logins = logins
            w.people.append(person)
            if agency is None:
                plans.append((person, w.agencies[0], [("system_admin", None, "")]))
                continue
            office = w.units[agency.pk][0]
            if role == "unit_head" and heads_left:
                unit = heads_left.pop(0)
            else:  # one head per unit; more would-be heads become specialists
                unit = rng.choice(w.units[agency.pk])
                role = "specialist" if role == "unit_head" else role
            grants = _grants(role, i, unit, office, top=next(iter(w.positions[agency.pk])))
            if role in ("specialist", "clerk") and rng.random() < 0.2:
                extra = "archivist" if role == "clerk" else rng.choice(["clerk", "archivist"])
                grants.append((extra, office, "Văn thư" if extra == "clerk" else "Lưu trữ viên"))
            if role == "agency_admin":
                w.admins[agency.pk] = person
            plans.append((person, agency, grants))
    Person.objects.bulk_create(w.people, batch_size=BATCH)
    grant_rows = []
    for person, agency, grants in plans:
        at = person.date_joined + timedelta(seconds=1)
        person.grant_rows = [
            RoleGrant(person=person, agency=agency, unit=unit, role=role, created_at=at,
                      position=w.positions[agency.pk].get(title), updated_at=at)
            for role, unit, title in grants
        ]  # fmt: skip
        grant_rows += person.grant_rows
    RoleGrant.objects.bulk_create(grant_rows, batch_size=BATCH)
    w.counts.update(people=len(w.people), role_grants=len(grant_rows))


def _person_events(w: _World, p: Any, creator: Any) -> list[Event]:
    from vanthu.core.journal import snapshot

    rng, clock = w.rng, w.clock
    ev = []
    if p.agency_id is not None:
        current = snapshot(p, exclude=("last_login",))
        created = current
        if rng.random() < 0.1:  # the phone number was corrected after creation
            created = {**current, "phone": f"09{rng.randint(10**7, 10**8 - 1)}"}
            at = clock.between(p.date_joined, w.now)
            ev.append(Event(at, creator, "person.update", p, before=created, after=current))
        ev.append(Event(p.date_joined, creator, "person.create", p, after=created))
        if rng.random() < 0.1:
            ev.append(Event(clock.between(p.date_joined, w.now), p, "person.password_change", p))
        # Sign-ins of system administrators (no agency) go to the system chain instead.
        ev += _sign_ins(w, p)
    for g in p.grant_rows:
        grant = {"grant": snapshot(g, exclude=("created_at", "updated_at"))}
        ev.append(Event(g.created_at, creator, "role_grant.add", p, after=grant))
    return ev


def _sign_ins(w: _World, p: Any) -> list[Event]:
    """Return a person's sign-ins as the sign-in view journals them, with logouts and typos."""
    ev = []
    for at in p.logins:
        kw = {"object_type": "organizations.person", "object_repr": p.username}
        if w.rng.random() < 0.05:  # a mistyped password first, journalled with no actor
            failed = at - timedelta(seconds=w.rng.uniform(5, 60))
            reason = {"reason": "bad_credentials"}
            ev.append(Event(failed, None, "auth.login_failed", p, after=reason, **kw))
        ev.append(Event(at, p, "auth.login", p, after={"second_factor": "none"}, **kw))
        if w.rng.random() < 0.5:  # most people just close the browser
            out = min(at + timedelta(hours=w.rng.uniform(0.2, 8)), w.now)
            ev.append(Event(out, p, "auth.logout", p, after={}, **kw))
    return ev


def _write_journal(w: _World) -> None:
    from vanthu.core.journal import GENESIS_HASH, SYSTEM_CHAIN, compute_hash, snapshot
    from vanthu.core.models import JournalChain, JournalEntry

    rng = w.rng
    sysadmin = w.people[0]
    by_agency: dict[int | None, list[Any]] = {}
    for person in w.people:
        by_agency.setdefault(person.agency_id, []).append(person)
    buffer: list[JournalEntry] = []
    heads: list[JournalChain] = []

    def chain(key: str, agency_id: int | None, events: list[Event]) -> None:
        # The same fields, order and hashing as journal_record, so journal_verify() agrees.
        prev, seq = GENESIS_HASH, 0
        for e in sorted(events, key=lambda e: e.at):
            seq += 1
            entry = JournalEntry(
                chain=key, seq=seq, created_at=e.at, actor_id=e.actor.pk if e.actor else None,
                actor_name=e.actor.full_name[:200] if e.actor else e.object_repr,
                agency_id=agency_id,
                ip_address=f"10.34.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                action=e.action, object_type=e.object_type or e.obj._meta.label_lower,
                object_id=str(e.obj.pk), object_repr=(e.object_repr or str(e.obj))[:300],
                before=e.before, after=e.after, prev_hash=prev,
            )  # fmt: skip
            entry.hash = prev = compute_hash(entry)
            buffer.append(entry)
        heads.append(JournalChain(key=key, last_seq=seq, last_hash=prev))
        if len(buffer) >= BATCH:
            JournalEntry.objects.bulk_create(buffer, batch_size=BATCH)
            buffer.clear()

    for agency in w.agencies:
        ev = [Event(agency.created_at, sysadmin, "agency.create", agency, after=snapshot(agency))]
        for obj in [*w.units[agency.pk], *w.positions[agency.pk].values()]:
            action = f"{obj._meta.model_name}.create"
            ev.append(Event(obj.created_at, sysadmin, action, obj, after=snapshot(obj)))
        admin = w.admins[agency.pk]
        for p in by_agency.get(agency.pk, []):
            ev += _person_events(w, p, sysadmin if p is admin else admin)
        if agency is w.agencies[0]:  # system administrators' grants sit in the root agency
            for p in by_agency[None]:
                ev += _person_events(w, p, sysadmin)
        chain(f"agency:{agency.pk}", agency.pk, ev)
    chain(SYSTEM_CHAIN, None, [e for p in by_agency[None] for e in _sign_ins(w, p)])
    JournalEntry.objects.bulk_create(buffer, batch_size=BATCH)
    JournalChain.objects.bulk_create(heads, batch_size=BATCH)
    w.counts["journal_rows"] = sum(h.last_seq for h in heads)


def generate(
    n_agencies: int = 1000,
    n_people: int = 50_000,
    seed: int = DEFAULT_SEED,
    *,
    logins_per_person: float = 1.7,
    verbose: bool = True,
) -> Report:
    """Fill an empty, migrated database with organisation data and its journal; return counts."""
    from django.db import transaction

    from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit

    if n_agencies < 1 or n_people < n_agencies + 2:
        raise ValueError("Need one agency and one person per agency, plus two system admins.")
    if Agency.objects.exists() or Person.objects.exists():
        raise RuntimeError("The database is not empty: generate() fills a fresh one.")
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    w = _World(rng=rng, clock=_Clock(rng, now), now=now, rollout=now - timedelta(days=720))
    report = Report()
    with transaction.atomic(), _historical_timestamps(Agency, Unit, Position, RoleGrant):
        with _timed(report, "organisations"):
            _create_organisations(w, n_agencies)
        with _timed(report, "people"):
            _create_people(w, n_people, logins_per_person)
        with _timed(report, "journal"):
            _write_journal(w)
    report.counts = w.counts
    if verbose:
        print("generated:", report.line(), flush=True)
    return report


# --- Incoming documents (sổ văn bản đến): one million rows for bench/registers.py ------------

# Senders outside the province's directory, written by name (central and party bodies).
EXTERNAL_SENDERS = [
    ("Văn phòng Chính phủ", "VPCP"), ("Bộ Thông tin và Truyền thông", "BTTTT"),
    ("Bộ Nội vụ", "BNV"), ("Bộ Tài chính", "BTC"), ("Bộ Kế hoạch và Đầu tư", "BKHĐT"),
    ("Bộ Tài nguyên và Môi trường", "BTNMT"), ("Bộ Y tế", "BYT"), ("Bộ Công an", "BCA"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Xây dựng", "BXD"),
    ("Tỉnh ủy Khánh Hòa", "TU"), ("Hội đồng nhân dân tỉnh Khánh Hòa", "HĐND"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Khánh Hòa", "MTTQ"),
    ("Kho bạc Nhà nước Khánh Hòa", "KBNN"), ("Cục Thuế tỉnh Khánh Hòa", "CT"),
    ("Bảo hiểm xã hội tỉnh Khánh Hòa", "BHXH"), ("Công an tỉnh Khánh Hòa", "CAT"),
    ("Bộ Chỉ huy Quân sự tỉnh Khánh Hòa", "BCHQS"),
]  # fmt: skip
# (code, weight): Công văn dominates an incoming register, then invitations and reports.
INCOMING_TYPES = [
    ("cong-van", 44), ("giay-moi", 12), ("bao-cao", 9), ("thong-bao", 8), ("quyet-dinh", 8),
    ("ke-hoach", 6), ("to-trinh", 4), ("huong-dan", 2), ("chuong-trinh", 1), ("chi-thi", 1),
    ("cong-dien", 1), ("nghi-quyet", 1), ("bien-ban", 1), ("phieu-chuyen", 1), ("de-an", 1),
]  # fmt: skip
TOPICS = [
    "triển khai chữ ký số chuyên dùng Chính phủ", "kế hoạch chuyển đổi số năm {y}",
    "thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư",
    "công tác phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão năm {y}",
    "đẩy nhanh tiến độ giải ngân vốn đầu tư công năm {y}", "công tác cải cách hành chính quý {q}",
    "tổ chức các hoạt động mừng Đảng, mừng Xuân {y}", "tuyển dụng viên chức năm {y}",
    "phòng, chống dịch sốt xuất huyết trên địa bàn tỉnh", "quản lý trật tự xây dựng đô thị",
    "bảo đảm an toàn thông tin mạng trong cơ quan nhà nước", "thu ngân sách nhà nước {m} tháng",
    "rà soát thủ tục hành chính thuộc thẩm quyền giải quyết",
    "công tác thi đua, khen thưởng năm {y}",
    "quản lý, sử dụng tài sản công", "thực hiện chính sách đối với người có công",
    "phát triển du lịch biển đảo Khánh Hòa", "bảo vệ rừng và phòng cháy, chữa cháy rừng",
    "cấp giấy chứng nhận quyền sử dụng đất", "xây dựng nông thôn mới nâng cao",
    "kiểm tra công tác văn thư, lưu trữ năm {y}", "triển khai Đề án 06 của Chính phủ",
    "vận hành Hệ thống quản lý văn bản và điều hành", "góp ý dự thảo Nghị quyết của HĐND tỉnh",
    "đánh giá, xếp loại chất lượng cán bộ, công chức năm {y}", "bảo đảm trật tự an toàn giao thông",
    "quyết toán kinh phí năm {y}", "tăng cường kỷ luật, kỷ cương hành chính",
    "triển khai dịch vụ công trực tuyến toàn trình", "hỗ trợ người dân bị ảnh hưởng bởi bão số {q}",
]  # fmt: skip
PLACES = [
    "", "", "", " trên địa bàn tỉnh", " trên địa bàn thành phố Nha Trang", " tại huyện Vạn Ninh",
    " tại thị xã Ninh Hòa", " tại thành phố Cam Ranh", " trong các cơ quan, đơn vị",
]  # fmt: skip
OPENINGS = {
    "cong-van": ["V/v ", "V/v ", "V/v triển khai ", "V/v hướng dẫn ", "V/v đề nghị báo cáo "],
    "giay-moi": ["Mời dự họp về ", "Mời dự hội nghị ", "Mời dự buổi làm việc về "],
    "bao-cao": ["Kết quả ", "Tình hình ", "Báo cáo sơ kết "],
    "thong-bao": ["Kết luận của Chủ tịch UBND tỉnh về ", "Thông báo về ", "Ý kiến chỉ đạo về "],
    "quyet-dinh": [
        "Về việc phê duyệt ", "Về việc ban hành quy chế ", "Về việc thành lập Tổ công tác ",
    ],
    "ke-hoach": ["Triển khai thực hiện ", "Kế hoạch "],
    "to-trinh": ["Đề nghị phê duyệt ", "Về việc xin chủ trương "],
}  # fmt: skip
FIELD_NAMES = [
    "Tổ chức cán bộ", "Kế hoạch - Tài chính", "Đầu tư công", "Đất đai", "Xây dựng",
    "Giáo dục - Đào tạo", "Y tế", "Văn hóa - Thể thao", "Lao động - Xã hội", "Giao thông vận tải",
    "Khoa học - Công nghệ", "Thông tin - Truyền thông", "Nông nghiệp", "Tài nguyên - Môi trường",
    "Nội chính", "Thi đua - Khen thưởng", "Cải cách hành chính", "Văn thư - Lưu trữ",
]  # fmt: skip
SIGNER_POSITIONS = [
    "Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Chánh Văn phòng",
    "Phó Chánh Văn phòng", "Bộ trưởng", "Thứ trưởng", "Trưởng ban", "Chánh Thanh tra",
]  # fmt: skip
URGENCIES = [("normal", 85), ("urgent", 10), ("very_urgent", 3), ("flash", 2)]
CHANNELS = [("exchange", 70), ("electronic", 15), ("paper_scan", 15)]
# The columns the load writes with COPY, in order.
INCOMING_COLUMNS = (
    "agency_id", "register_id", "year", "arrival_number", "entered_at", "received_at", "channel",
    "sender_agency_id", "sender_name", "number", "notation", "document_date",
    "document_type_id", "field_id", "summary", "signer_name", "signer_position", "urgency",
    "filing_location", "due_date", "page_count", "notes", "paper_received_at",
    "paper_received_by_id", "status", "registered_by_id", "created_at", "updated_at",
)  # fmt: skip


def _notation_code(agency: Any) -> str:
    """Return the agency part of a notation: `UBND` for people's committees, else its short name."""
    short = str(agency.short_name)
    return "UBND" if short.startswith("UBND") else short.replace(" ", "")


@dataclass
class IncomingWorld:
    """The agencies, registers, clerks, types and fields the incoming generator draws from."""

    agencies: list[Any]
    registers: dict[int, int]  # agency id -> its default incoming register id
    clerks: dict[int, list[int]]  # agency id -> person ids of its clerks
    fields: dict[int, list[int]]  # agency id -> its field ids
    units: dict[int, list[str]]  # agency id -> unit short names (the notation's last part)
    types: dict[str, Any]  # code -> DocumentType
    busy: Any  # the agency that receives the most

    @classmethod
    def build(cls) -> IncomingWorld:
        """Read (and create where missing) registers and fields of every agency in the database."""
        from vanthu.organizations.models import Agency, RoleGrant, Unit
        from vanthu.registry.choices import RegisterKind
        from vanthu.registry.models import DocumentType, Field
        from vanthu.registry.registers import register_for

        agencies = list(Agency.objects.order_by("pk"))
        types = {t.code: t for t in DocumentType.objects.all()}
        missing = [
            Field(agency=a, name=name, code=f"LV{k:02d}")
            for a in agencies
            if not Field.objects.filter(agency=a).exists()
            for k, name in enumerate(FIELD_NAMES, start=1)
        ]
        Field.objects.bulk_create(missing, batch_size=BATCH)
        registers = {
            a.pk: register_for(
                agency_id=a.pk, kind=RegisterKind.INCOMING, document_type=types["cong-van"]
            ).pk
            for a in agencies
        }
        clerks: dict[int, list[int]] = {}
        for agency_id, person_id in RoleGrant.objects.filter(role="clerk").values_list(
            "agency_id", "person_id"
        ):
            clerks.setdefault(agency_id, []).append(person_id)
        fields: dict[int, list[int]] = {}
        for agency_id, field_id in Field.objects.values_list("agency_id", "pk"):
            fields.setdefault(agency_id, []).append(field_id)
        units: dict[int, list[str]] = {}
        for agency_id, short in Unit.objects.exclude(short_name="").values_list(
            "agency_id", "short_name"
        ):
            units.setdefault(agency_id, []).append(short)
        busy = next((a for a in agencies if a.kind == "provincial_office"), agencies[0])
        if any(a.pk not in clerks for a in agencies):
            raise RuntimeError("every agency needs a clerk to register its documents")
        return cls(agencies, registers, clerks, fields, units, types, busy)


class IncomingMaker:
    """Realistic metadata of one incoming document: sender, notation, type, summary, signer."""

    def __init__(self, world: IncomingWorld, rng: random.Random) -> None:
        self.w, self.rng = world, rng
        self.type_codes = [c for c, _ in INCOMING_TYPES if c in world.types]
        self.type_weights = [w for c, w in INCOMING_TYPES if c in world.types]

    def metadata(self, agency: Any, received: datetime) -> dict[str, Any]:
        """Return the IncomingData fields of one document received by `agency` at `received`."""
        rng, w = self.rng, self.w
        day = received.date()
        code = rng.choices(self.type_codes, self.type_weights)[0]
        document_type = w.types[code]
        if rng.random() < 0.8:
            sender = rng.choice(w.agencies)
            while sender.pk == agency.pk:
                sender = rng.choice(w.agencies)
            sender_id, sender_name, short = sender.pk, sender.name, _notation_code(sender)
            unit = rng.choice(w.units.get(sender.pk) or ["VP"])
        else:
            sender_id = None
            sender_name, short = rng.choice(EXTERNAL_SENDERS)
            unit = rng.choice(["VP", "KT", "TH", "NC", "KGVX", "TCCB"])
        abbreviation = document_type.abbreviation
        # 125/UBND-KT for a Công văn (agency and unit), 45/QĐ-SNV for a typed document.
        notation = f"{abbreviation}-{short}" if abbreviation else f"{short}-{unit}"
        year, quarter = day.year, (day.month - 1) // 3 + 1
        topic = rng.choice(TOPICS).format(y=year, q=quarter, m=rng.choice([6, 9]))
        opening = rng.choice(OPENINGS.get(code, ["Về ", "V/v "]))
        summary = f"{opening}{topic}{rng.choice(PLACES)}"
        field_ids = w.fields.get(agency.pk, [])
        due = day + timedelta(days=rng.randint(3, 30)) if rng.random() < 0.55 else None
        notes = rng.choice(["Bản sao", "Kèm theo hồ sơ", "Chuyển lãnh đạo xem"])
        return {
            "sender_agency_id": sender_id,
            "sender_name": sender_name,
            "number": str(rng.randint(1, 2500)),
            "notation": notation[:30],
            "document_date": day - timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5, 7])),
            "document_type_id": document_type.pk,
            "field_id": rng.choice(field_ids) if field_ids and rng.random() < 0.7 else None,
            "summary": summary[:500],
            "signer_name": _person_name(rng),
            "signer_position": rng.choice(SIGNER_POSITIONS),
            "urgency": rng.choices([u for u, _ in URGENCIES], [x for _, x in URGENCIES])[0],
            "filing_location": rng.choice(["", "", "", "Văn thư cơ quan", "Lưu hồ sơ công việc"]),
            "due_date": due,
            "page_count": rng.randint(1, 12) if rng.random() < 0.9 else None,
            "notes": notes if rng.random() < 0.05 else "",
        }


def incoming_items(
    world: IncomingWorld, agency: Any, n: int, *, seed: int = DEFAULT_SEED, first_number: int = 0
) -> list[Any]:
    """Return `n` IncomingData of documents dated in the last days, for the bulk service.

    With `first_number`, the documents' own numbers run from it, so that batches never repeat
    a stored document (which the service would refuse as a duplicate).
    """
    from django.utils import timezone

    from vanthu.registry.incoming import IncomingData

    rng = random.Random(seed)
    maker = IncomingMaker(world, rng)
    now = timezone.localtime()
    items = []
    for k in range(n):
        values = maker.metadata(agency, now - timedelta(days=rng.randint(0, 3)))
        values["document_date"] = min(values["document_date"], now.date())
        if first_number:
            values["number"] = str(first_number + k)
        items.append(IncomingData(**values))
    return items


def _status(rng: random.Random, age_days: int) -> str:
    """Handling status by age: old documents are mostly done, recent ones still open."""
    if age_days > 45:
        weights = [5, 4, 90, 1]
    elif age_days > 10:
        weights = [14, 35, 50, 1]
    else:
        weights = [50, 40, 10, 0]
    return rng.choices(["registered", "in_progress", "done", "revoked"], weights)[0]


def generate_incoming(
    n: int = 1_000_000,
    seed: int = DEFAULT_SEED,
    *,
    days: int = 730,
    busy_share: float = 0.25,
    verbose: bool = True,
) -> Report:
    """Load `n` incoming documents over the last `days` into the migrated database with COPY.

    The organisation must exist (e.g. the demo data, every agency with a clerk); registers and
    fields are created where missing. Received times fall on weekdays inside office hours
    (5 % entered the evening before and received at 07:00, QĐ 22 Điều 10); arrival numbers
    continue each register's counter per year in received order (1, 2, 3, … on an empty
    register) and the counters are set to the last ones, so registrations that follow continue
    the series. `busy_share` of the rows go to
    the busiest agency (the provincial office), the rest by agency size. Rows are written with
    PostgreSQL COPY, not through the service (hours at this size); no journal rows are written
    for them (the chains stay valid; the documents have no history). Foreign keys are not
    checked row by row during the COPY (`session_replication_role = replica`): every id comes
    from the database, and a check query after the load counts orphans (must be 0).
    """
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import connection, transaction

    from vanthu.registry.models import IncomingDocument, RegisterCounter

    if connection.vendor != "postgresql":
        raise RuntimeError("generate_incoming() loads with PostgreSQL COPY")
    report = Report()
    rng = random.Random(seed)
    tz = ZoneInfo(settings.TIME_ZONE)
    with _timed(report, "plan"):
        world = IncomingWorld.build()
        maker = IncomingMaker(world, rng)
        agencies = world.agencies
        size = {"provincial_committee": 4, "department": 3, "district_committee": 3}
        weights = [float(size.get(a.kind, 1)) for a in agencies]
        busy_index = agencies.index(world.busy)
        weights[busy_index] = 0.0
        rest = sum(weights)
        weights = [w * (1 - busy_share) / rest for w in weights]
        weights[busy_index] = busy_share
        today = datetime.now(tz).date()
        workdays = [
            d
            for k in range(days, 0, -1)
            if (d := today - timedelta(days=k)).weekday() < 5  # up to yesterday
        ]
        sessions = [(7 * 3600, 11.5 * 3600), (13.5 * 3600, 17 * 3600)]
        office_seconds = sum(end - start for start, end in sessions)
        picks = rng.choices(range(len(agencies)), weights, k=n)
        moments: list[tuple[int, float, int]] = []
        for agency_index in picks:
            day_index = rng.randrange(len(workdays))
            # 5 % entered after hours (offset -1): received at the next session, 07:00.
            offset = -1.0 if rng.random() < 0.05 else rng.random() * office_seconds
            moments.append((day_index, offset, agency_index))
        moments.sort()
    with _timed(report, "copy"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Continue each register's series where it stands (the demo loader may have
        # registered a few documents of its own already).
        agency_of = {register_id: agency_id for agency_id, register_id in world.registers.items()}
        numbers: dict[tuple[int, int], int] = {
            (agency_of[register_id], year): last
            for register_id, year, last in RegisterCounter.objects.filter(
                register_id__in=agency_of
            ).values_list("register_id", "year", "last_number")
        }
        columns = ", ".join(INCOMING_COLUMNS)
        sql = f"COPY registry_incomingdocument ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for day_index, offset, agency_index in moments:
                agency = agencies[agency_index]
                day = workdays[day_index]
                if offset < 0:
                    received = datetime(day.year, day.month, day.day, 7, tzinfo=tz)
                    entered = received - timedelta(hours=rng.uniform(8, 13))
                else:
                    start, _end = sessions[0]
                    seconds = start + offset
                    if offset >= sessions[0][1] - sessions[0][0]:
                        seconds = sessions[1][0] + offset - (sessions[0][1] - sessions[0][0])
                    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
                    received = entered = midnight + timedelta(seconds=seconds)
                year = received.year
                number = numbers[agency.pk, year] = numbers.get((agency.pk, year), 0) + 1
                meta = maker.metadata(agency, received)
                channel = rng.choices([c for c, _ in CHANNELS], [x for _, x in CHANNELS])[0]
                clerk = rng.choice(world.clerks[agency.pk])
                paper = None
                if channel == "exchange" and rng.random() < 0.1:  # an Article 5 document
                    paper = received + timedelta(days=rng.uniform(0.5, 3))
                status = _status(rng, (today - day).days)
                copy.write_row(
                    (
                        agency.pk, world.registers[agency.pk], year, number, entered, received,
                        channel, meta["sender_agency_id"], meta["sender_name"], meta["number"],
                        meta["notation"], meta["document_date"], meta["document_type_id"],
                        meta["field_id"], meta["summary"], meta["signer_name"],
                        meta["signer_position"], meta["urgency"], meta["filing_location"],
                        meta["due_date"], meta["page_count"], meta["notes"], paper,
                        clerk if paper else None, status, clerk, entered, received,
                    )
                )  # fmt: skip
        counters = [
            RegisterCounter(register_id=world.registers[agency_id], year=year, last_number=last)
            for (agency_id, year), last in numbers.items()
        ]
        RegisterCounter.objects.bulk_create(
            counters,
            update_conflicts=True,
            unique_fields=["register", "year"],
            update_fields=["last_number"],
        )
    with _timed(report, "check"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM registry_incomingdocument d"
            " LEFT JOIN organizations_agency a ON a.id = d.agency_id"
            " LEFT JOIN registry_register r ON r.id = d.register_id"
            " LEFT JOIN organizations_person p ON p.id = d.registered_by_id"
            " LEFT JOIN registry_documenttype t ON t.id = d.document_type_id"
            " LEFT JOIN organizations_agency s ON s.id = d.sender_agency_id"
            " LEFT JOIN registry_field f ON f.id = d.field_id"
            " WHERE a.id IS NULL OR r.id IS NULL OR p.id IS NULL OR t.id IS NULL"
            " OR (d.sender_agency_id IS NOT NULL AND s.id IS NULL)"
            " OR (d.field_id IS NOT NULL AND f.id IS NULL)"
        )
        orphans = cursor.fetchone()[0]
        if orphans:
            raise RuntimeError(f"{orphans} generated rows point at missing records")
    busy_rows = sum(1 for p in picks if p == busy_index)
    report.counts = {
        "incoming_documents": IncomingDocument.objects.count(),
        "busiest_agency_rows": busy_rows,
        "register_counters": len(counters),
    }
    if verbose:
        print("generated incoming:", report.line(), flush=True)
    return report


def main() -> None:
    """Generate into the configured (empty, migrated) database; optionally verify the journal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--verify", action="store_true", help="run journal_verify() afterwards")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    import django

    django.setup()
    generate(args.agencies, args.people, args.seed)
    if args.verify:
        from vanthu.core.journal import journal_verify

        start = time.perf_counter()
        problems = journal_verify()
        print(f"journal_verify: {len(problems)} problems ({time.perf_counter() - start:.1f}s)")
        for problem in problems[:20]:
            print("  ", problem)
        raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
