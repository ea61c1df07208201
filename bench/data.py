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
