"""Demonstration data: Khánh Hòa's provincial agencies of 2017 with units, positions and staff.

Agency names are those of the era of QĐ 22/2017/QĐ-UBND. Identifiers follow QCVN 102 levels
(department and district `000.00.NN.<P>`, ward or commune `000.MM.NN.<P>`) built from
`settings.PROVINCE_CODE`; the level-2/3 numbers, the people and their names are invented.

Why not the services: `person_create` hashes each password (Argon2, ~50 ms) and validates it,
so some 500 accounts would take half a minute. The loader instead creates rows in bulk inside
one transaction, hashes the demo password once, and writes the same journal record per created
object that the services write (`agency.create`, `unit.create`, `position.create`,
`person.create`, `role_grant.add`), so the journal of a demo is indistinguishable from one
built by hand and `vanthu journal verify` covers it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, PermissionDenied
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import fold
from vanthu.organizations import permissions
from vanthu.organizations.choices import AgencyKind, Role
from vanthu.organizations.identifiers import parse_identifier
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.signals import agencies_created, demo_data_loaded

DEMO_PASSWORD = "demo-Vanthu-2026"  # noqa: S105 - published, demo only
MAIL_DOMAIN = "khanhhoa.gov.vn"
SEED = 22_2017  # QĐ 22/2017: the same people on every machine

STTTT = "Sở Thông tin và Truyền thông"
PROVINCE = "Ủy ban nhân dân tỉnh Khánh Hòa"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A fixed demo account: what it is and what it is for (printed by `vanthu demo`)."""

    username: str
    role: str
    agency: str
    unit: str
    purpose: str


# The web-interface tests and the README rely on these exact names.
# fmt: off
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("vanthu.stttt", "Văn thư", STTTT, "Văn phòng",
              "tiếp nhận, đăng ký, phát hành văn bản"),
    DemoLogin("lanhdao.stttt", "Lãnh đạo (Giám đốc)", STTTT, "",
              "chỉ đạo xử lý, duyệt và ký văn bản"),
    DemoLogin("truongphong.stttt", "Trưởng đơn vị", STTTT, "Phòng Công nghệ thông tin",
              "phân công, duyệt trong phòng"),
    DemoLogin("chuyenvien.stttt", "Chuyên viên", STTTT, "Phòng Công nghệ thông tin",
              "xử lý văn bản, soạn dự thảo"),
    DemoLogin("luutru.stttt", "Lưu trữ", STTTT, "Văn phòng", "lập hồ sơ, lưu trữ"),
    DemoLogin("kiemnhiem.stttt", "Trưởng đơn vị + Chuyên viên", STTTT,
              "Phòng Bưu chính, Viễn thông + Phòng Công nghệ thông tin",
              "một người, hai vai trò ở hai đơn vị"),
    DemoLogin("quantri.stttt", "Quản trị cơ quan", STTTT, "",
              "quản lý đơn vị, chức vụ, cán bộ, vai trò của Sở; xem nhật ký"),
    DemoLogin("vanthu.stc", "Văn thư", "Sở Tài chính", "Văn phòng",
              "văn thư cơ quan khác: không thấy dữ liệu nội bộ của Sở TT&TT"),
    DemoLogin("quantri", "Quản trị hệ thống", PROVINCE, "",
              "quản lý danh bạ cơ quan và tài khoản toàn tỉnh"),
)
# fmt: on
# Every other agency has the same six accounts: vanthu.<ký hiệu>, lanhdao.<…>, truongphong.<…>,
# chuyenvien.<…>, luutru.<…>, quantri.<…> (ký hiệu in lower-case ASCII, e.g. vanthu.sgddt).
ROLE_LOGIN_PREFIXES = ("vanthu", "lanhdao", "truongphong", "chuyenvien", "luutru", "quantri")

_Unit = tuple[str, str]  # (name, short name used in notations)


def _units(text: str) -> tuple[_Unit, ...]:
    """Read "Phòng Kinh tế=KT; Phòng Nội chính=NC" into (name, short name) pairs."""
    pairs = (part.rsplit("=", 1) for part in text.split(";"))
    return tuple((name.strip(), short.strip()) for name, short in pairs)


@dataclass(frozen=True, slots=True)
class _AgencySpec:
    code: str  # "NN" (level 2) or "MM.NN" (levels 3 and 2)
    short_name: str
    name: str
    kind: str
    units: tuple[_Unit, ...]  # specialised units; the first holds truongphong/chuyenvien
    slug: str = ""  # empty: the short name folded to lower-case ASCII
    office: _Unit = ("Văn phòng", "VP")
    head: str = "Giám đốc"
    parent: str = ""  # slug of the parent; empty = the provincial committee


_D, _DC, _CC = AgencyKind.DEPARTMENT, AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE
# fmt: off
_COMMITTEE = _AgencySpec(
    "00", "UBND", PROVINCE, AgencyKind.PROVINCIAL_COMMITTEE,
    _units("Phòng Kinh tế=KT; Phòng Nội chính=NC; Phòng Khoa giáo - Văn xã=KGVX"),
    head="Chủ tịch")
_PROVINCIAL: tuple[_AgencySpec, ...] = (
    _AgencySpec("01", "VPUBND", "Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa",
                AgencyKind.PROVINCIAL_OFFICE,
                _units("Phòng Kinh tế=KT; Phòng Nội chính=NC; Trung tâm Công báo - Tin học=CBTH"),
                office=("Phòng Hành chính - Tổ chức", "HCTC"), head="Chánh Văn phòng"),
    _AgencySpec("02", "SNV", "Sở Nội vụ", _D, _units(
        "Phòng Tổ chức, biên chế=TCBC; Phòng Công chức, viên chức=CCVC; "
        "Chi cục Văn thư - Lưu trữ=CCVTLT")),
    _AgencySpec("03", "STP", "Sở Tư pháp", _D, _units(
        "Phòng Xây dựng và Kiểm tra văn bản=XDKTVB; Phòng Hành chính tư pháp=HCTP; "
        "Thanh tra Sở=TTr")),
    _AgencySpec("04", "SKHĐT", "Sở Kế hoạch và Đầu tư", _D, _units(
        "Phòng Tổng hợp, quy hoạch=THQH; Phòng Đăng ký kinh doanh=ĐKKD; "
        "Phòng Kinh tế đối ngoại=KTĐN")),
    _AgencySpec("05", "SCT", "Sở Công Thương", _D, _units(
        "Phòng Quản lý thương mại=QLTM; Phòng Quản lý công nghiệp=QLCN")),
    _AgencySpec("06", "SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", _D, _units(
        "Phòng Kế hoạch - Tài chính=KHTC; Chi cục Thủy lợi=CCTL; Chi cục Kiểm lâm=CCKL")),
    _AgencySpec("07", "SGTVT", "Sở Giao thông vận tải", _D, _units(
        "Phòng Quản lý vận tải=QLVT; Phòng Quản lý kết cấu hạ tầng giao thông=QLKCHT")),
    _AgencySpec("08", "SXD", "Sở Xây dựng", _D, _units(
        "Phòng Quản lý xây dựng=QLXD; Phòng Quản lý nhà và thị trường bất động sản=QLN")),
    _AgencySpec("09", "STNMT", "Sở Tài nguyên và Môi trường", _D, _units(
        "Phòng Quản lý đất đai=QLĐĐ; Phòng Khoáng sản=KS; Chi cục Bảo vệ môi trường=CCBVMT")),
    _AgencySpec("10", "SLĐTBXH", "Sở Lao động - Thương binh và Xã hội", _D, _units(
        "Phòng Lao động - Việc làm=LĐVL; Phòng Người có công=NCC; Phòng Bảo trợ xã hội=BTXH")),
    _AgencySpec("11", "SVHTT", "Sở Văn hóa và Thể thao", _D, _units(
        "Phòng Quản lý văn hóa=QLVH; Phòng Quản lý thể dục thể thao=QLTDTT")),
    _AgencySpec("12", "STTTT", STTTT, _D, _units(
        "Phòng Công nghệ thông tin=CNTT; Phòng Bưu chính, Viễn thông=BCVT; "
        "Phòng Thông tin - Báo chí - Xuất bản=TTBCXB; Thanh tra Sở=TTr")),
    _AgencySpec("13", "STC", "Sở Tài chính", _D, _units(
        "Phòng Quản lý ngân sách=QLNS; Phòng Tài chính hành chính sự nghiệp=HCSN; "
        "Phòng Tài chính đầu tư=TCĐT; Thanh tra Sở=TTr")),
    _AgencySpec("14", "SKHCN", "Sở Khoa học và Công nghệ", _D, _units(
        "Phòng Quản lý khoa học=QLKH; Phòng Quản lý công nghệ=QLCN")),
    _AgencySpec("15", "SGDĐT", "Sở Giáo dục và Đào tạo", _D, _units(
        "Phòng Giáo dục Trung học=GDTrH; Phòng Giáo dục Mầm non=GDMN; "
        "Phòng Khảo thí và Quản lý chất lượng giáo dục=KTQLCL")),
    _AgencySpec("16", "SYT", "Sở Y tế", _D, _units(
        "Phòng Nghiệp vụ Y=NVY; Phòng Nghiệp vụ Dược=NVD; Phòng Kế hoạch - Tài chính=KHTC")),
    _AgencySpec("17", "SDL", "Sở Du lịch", _D, _units(
        "Phòng Quản lý lữ hành=QLLH; Phòng Quản lý cơ sở lưu trú=QLLT")),
    _AgencySpec("18", "TTr", "Thanh tra tỉnh", _D, _units(
        "Phòng Nghiệp vụ 1=NV1; Phòng Nghiệp vụ 2=NV2; "
        "Phòng Tiếp công dân, xử lý đơn thư=TCD"), head="Chánh Thanh tra"),
    _AgencySpec("19", "SNgV", "Sở Ngoại vụ", _D, _units(
        "Phòng Hợp tác quốc tế=HTQT; Phòng Lãnh sự - Việt kiều=LSVK")),
)
_DISTRICTS: tuple[_AgencySpec, ...] = tuple(
    _AgencySpec(code, short, f"Ủy ban nhân dân {place}", _DC, _units(
        "Phòng Nội vụ=NV; Phòng Tài chính - Kế hoạch=TCKH; Phòng Tài nguyên và Môi trường=TNMT"),
        slug=slug, office=("Văn phòng HĐND và UBND", "VP"), head="Chủ tịch")
    for code, short, place, slug in (
        ("30", "UBND TP Nha Trang", "thành phố Nha Trang", "nhatrang"),
        ("31", "UBND TP Cam Ranh", "thành phố Cam Ranh", "camranh"),
        ("32", "UBND TX Ninh Hòa", "thị xã Ninh Hòa", "ninhhoa"),
        ("33", "UBND H. Diên Khánh", "huyện Diên Khánh", "dienkhanh"),
        ("34", "UBND H. Vạn Ninh", "huyện Vạn Ninh", "vanninh"),
    )
)
_COMMUNES: tuple[_AgencySpec, ...] = tuple(
    _AgencySpec(f"{level3}.{district.code}", short, f"Ủy ban nhân dân {place}", _CC,
                _units("Bộ phận Địa chính - Xây dựng=ĐCXD; Bộ phận Tư pháp - Hộ tịch=TPHT"),
                slug=slug, office=("Bộ phận Văn phòng - Thống kê", "VP"), head="Chủ tịch",
                parent=district.slug)
    for district, level3, place, short, slug in (
        (_DISTRICTS[0], "01", "phường Lộc Thọ", "UBND P. Lộc Thọ", "loctho"),
        (_DISTRICTS[0], "02", "phường Vĩnh Hải", "UBND P. Vĩnh Hải", "vinhhai"),
        (_DISTRICTS[0], "03", "phường Phước Hải", "UBND P. Phước Hải", "phuochai"),
        (_DISTRICTS[0], "04", "phường Tân Lập", "UBND P. Tân Lập", "tanlap"),
        (_DISTRICTS[0], "05", "xã Vĩnh Lương", "UBND X. Vĩnh Lương", "vinhluong"),
        (_DISTRICTS[1], "01", "phường Cam Nghĩa", "UBND P. Cam Nghĩa", "camnghia"),
        (_DISTRICTS[2], "01", "phường Ninh Hiệp", "UBND P. Ninh Hiệp", "ninhhiep"),
        (_DISTRICTS[3], "01", "thị trấn Diên Khánh", "UBND TT Diên Khánh", "ttdienkhanh"),
        (_DISTRICTS[3], "02", "xã Suối Tiên", "UBND X. Suối Tiên", "suoitien"),
        (_DISTRICTS[4], "01", "thị trấn Vạn Giã", "UBND TT Vạn Giã", "vangia"),
        (_DISTRICTS[4], "02", "xã Vạn Thắng", "UBND X. Vạn Thắng", "vanthang"),
    )
)

# Names: family names by rough frequency, gendered middle and given names.
_FAMILY = ("Nguyễn",) * 8 + ("Trần",) * 3 + ("Lê",) * 3 + ("Phạm",) * 2 + (
    "Hoàng", "Huỳnh", "Huỳnh", "Phan", "Vũ", "Võ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý")
_MIDDLE = {"m": ("Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Ngọc", "Hoài", "Công", "Xuân"),
           "f": ("Thị", "Thị", "Ngọc", "Thanh", "Thu", "Hoài", "Minh", "Kim", "Thị Thu")}
_GIVEN = {"m": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Huy", "Khoa", "Long", "Nam",
                "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Thành", "Tuấn", "Việt",
                "Vinh", "Trung", "Khánh", "Lộc", "Nhân", "Tài", "Hiếu", "Đạt", "Toàn"),
          "f": ("Anh", "Châu", "Diễm", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan",
                "Linh", "Mai", "My", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo",
                "Trang", "Trinh", "Uyên", "Vân", "Yến", "Nga", "Thủy")}
_RANKS = ("Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Chánh Văn phòng",
          "Phó Chánh Văn phòng", "Chánh Thanh tra", "Phó Chánh Thanh tra", "Chi cục trưởng",
          "Phó Chi cục trưởng", "Giám đốc Trung tâm", "Phó Giám đốc Trung tâm", "Trưởng phòng",
          "Phó Trưởng phòng", "Chuyên viên", "Văn thư", "Lưu trữ viên")
# fmt: on


def _unit_head_title(unit_name: str) -> str:
    for prefix, title in (
        ("Thanh tra", "Chánh Thanh tra"),
        ("Chi cục", "Chi cục trưởng"),
        ("Trung tâm", "Giám đốc Trung tâm"),
        ("Văn phòng", "Chánh Văn phòng"),
    ):
        if unit_name.startswith(prefix):
            return title
    return "Trưởng phòng"


@dataclass(frozen=True, slots=True)
class _Staff:
    username: str  # "" = made from the person's name
    position: str
    grants: tuple[tuple[str, str | None], ...]  # (role, unit short name or None: agency-wide)


def _staff(spec: _AgencySpec, slug: str) -> list[_Staff]:
    """Return the people of one agency: every role present, the fixed logins among them."""
    office, first = spec.office[1], spec.units[0][1]
    if spec.kind == AgencyKind.COMMUNE_COMMITTEE:
        vp, dc = "Công chức Văn phòng - Thống kê", "Công chức Địa chính - Xây dựng"
        return [
            _Staff(f"lanhdao.{slug}", spec.head, ((Role.LEADER, None),)),
            _Staff("", "Phó " + spec.head, ((Role.LEADER, None),)),
            _Staff(f"vanthu.{slug}", vp, ((Role.CLERK, office),)),
            _Staff(f"luutru.{slug}", vp, ((Role.ARCHIVIST, office),)),
            _Staff(f"quantri.{slug}", vp, ((Role.AGENCY_ADMIN, None),)),
            # In a commune each bộ phận is led by its own civil servant.
            _Staff(f"truongphong.{slug}", dc, ((Role.UNIT_HEAD, first),)),
            _Staff("", dc, ((Role.SPECIALIST, first),)),
            _Staff(
                f"chuyenvien.{slug}",
                "Công chức Tư pháp - Hộ tịch",
                ((Role.SPECIALIST, spec.units[1][1]),),
            ),
        ]
    deputies = 2 if len(spec.units) > 2 else 1
    people = [
        _Staff(f"lanhdao.{slug}", spec.head, ((Role.LEADER, None),)),
        *[_Staff("", "Phó " + spec.head, ((Role.LEADER, None),)) for _ in range(deputies)],
        _Staff("", _unit_head_title(spec.office[0]), ((Role.UNIT_HEAD, office),)),
        _Staff(f"vanthu.{slug}", "Văn thư", ((Role.CLERK, office),)),
        _Staff(f"luutru.{slug}", "Lưu trữ viên", ((Role.ARCHIVIST, office),)),
        _Staff(f"quantri.{slug}", "Chuyên viên", ((Role.AGENCY_ADMIN, None),)),
    ]
    for index, (name, short) in enumerate(spec.units):
        head = _unit_head_title(name)
        if index == 0:
            people += [
                _Staff(f"truongphong.{slug}", head, ((Role.UNIT_HEAD, short),)),
                _Staff("", "Phó " + head, ((Role.UNIT_HEAD, short),)),
                _Staff(f"chuyenvien.{slug}", "Chuyên viên", ((Role.SPECIALIST, short),)),
            ]
        else:
            people.append(_Staff("", head, ((Role.UNIT_HEAD, short),)))
        people.append(_Staff("", "Chuyên viên", ((Role.SPECIALIST, short),)))
    if slug == "stttt":
        # One person, two roles in two units: deputy head of BCVT, specialist of CNTT.
        people.append(
            _Staff(
                "kiemnhiem.stttt",
                "Phó Trưởng phòng",
                ((Role.UNIT_HEAD, "BCVT"), (Role.SPECIALIST, "CNTT")),
            )
        )
    return people


@dataclass(frozen=True, slots=True)
class PlannedAgency:
    """One agency of the demo, as plain data, with the people who work there."""

    spec: _AgencySpec
    slug: str
    staff: tuple[_Staff, ...]

    @property
    def identifier(self) -> str:
        return agency_identifier(self.spec.code)

    @property
    def level(self) -> int:
        if self.spec.kind == AgencyKind.PROVINCIAL_COMMITTEE:
            return 0
        return 2 if self.spec.parent else 1


def demo_plan() -> list[PlannedAgency]:
    """Return the whole demo as plain data (no database), parents before children."""
    return [
        PlannedAgency(spec, slug, tuple(_staff(spec, slug)))
        for spec, slug in (
            (_COMMITTEE, "ubnd"),
            *((s, s.slug or fold(s.short_name)) for s in (*_PROVINCIAL, *_DISTRICTS, *_COMMUNES)),
        )
    ]


def agency_identifier(code: str) -> str:
    """Return the QCVN 102 identifier of a demo code "NN" or "MM.NN" in the configured province."""
    level3, level2 = code.split(".") if "." in code else ("00", code)
    value = f"000.{level3}.{level2}.{settings.PROVINCE_CODE}"
    parse_identifier(value)  # fail loudly if PROVINCE_CODE is not a level-1 code
    return value


def _qd20(code: str) -> str:
    # QĐ 20/2020 codes grow left to right: province, then level 2, then level 3.
    return ".".join([settings.PROVINCE_CODE, *(p for p in code.split(".")[::-1] if p != "00")])


def _address(planned: PlannedAgency, by_slug: dict[str, PlannedAgency]) -> str:
    places = []
    spec: _AgencySpec | None = planned.spec
    while spec is not None and spec.kind in (_DC, _CC):
        places.append(spec.name.removeprefix("Ủy ban nhân dân "))
        spec = by_slug[spec.parent].spec if spec.parent else None
    if not places:
        places.append("thành phố Nha Trang")
    text = ", ".join([*places, "tỉnh Khánh Hòa"])
    return text[0].upper() + text[1:]


class _Names:
    """Deterministic Vietnamese names and the usernames made from them."""

    def __init__(self) -> None:
        self.random = random.Random(SEED)
        self.used: set[str] = set()

    def person(self) -> tuple[str, str]:
        sex = self.random.choice("mf")
        family = self.random.choice(_FAMILY)
        middle = self.random.choice(_MIDDLE[sex])
        given = self.random.choice(_GIVEN[sex])
        # Office convention: given name then initials, e.g. Nguyễn Văn An -> annv.
        initials = "".join(part[0] for part in fold(f"{family} {middle}").split())
        return f"{family} {middle} {given}", fold(given) + initials

    def username(self, wanted: str, made: str, slug: str) -> str:
        if wanted:
            self.used.add(wanted)
            return wanted
        candidate, n = f"{made}.{slug}", 1
        while candidate in self.used:
            n += 1
            candidate = f"{made}{n}.{slug}"
        self.used.add(candidate)
        return candidate


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What `load_demo_data` created."""

    agencies: int
    units: int
    positions: int
    people: int
    grants: int
    journal_entries: int
    # One line from each app that added sample data of its own (the demo_data_loaded hook).
    more: tuple[str, ...] = ()


def _rank(title: str) -> int:
    return _RANKS.index(title) if title in _RANKS else len(_RANKS)


def _journal_created(actor: Actor, action: str, objects: Iterable[models.Model]) -> int:
    count = 0
    for obj in objects:
        agency_id = obj.pk if isinstance(obj, Agency) else obj.agency_id  # type: ignore[attr-defined]
        exclude = ("last_login",) if isinstance(obj, Person) else ()
        journal_record(
            actor=actor,
            action=action,
            instance=obj,
            agency_id=agency_id,
            after=snapshot(obj, exclude=exclude),
        )
        count += 1
    return count


def load_demo_data(*, actor: Actor) -> DemoSummary:
    """Load the Khánh Hòa demonstration data into a database that has no agency yet."""
    if not permissions.can_manage_directory(actor):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    plan = demo_plan()
    by_slug = {p.slug: p for p in plan}
    names = _Names()
    # Hashed once: every demo account shares the published demo password.
    password = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        if Agency.objects.exists():
            raise Conflict(
                "Cơ sở dữ liệu đã có cơ quan; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu "
                "trống. Hãy dùng một thư mục dữ liệu (VANTHU_VAR_DIR) mới."
            )
        agencies: dict[str, Agency] = {}
        for level in (0, 1, 2):  # parents get their keys before their children are built
            batch = [p for p in plan if p.level == level]
            created = Agency.objects.bulk_create(
                Agency(
                    identifier=p.identifier,
                    qd20_code=_qd20(p.spec.code),
                    parent=agencies[p.spec.parent or "ubnd"] if level else None,
                    name=p.spec.name,
                    short_name=p.spec.short_name,
                    kind=p.spec.kind,
                    address=_address(p, by_slug),
                    email=f"{p.slug}@{MAIL_DOMAIN}",
                    website=f"https://{p.slug}.{MAIL_DOMAIN}" if level == 1 else "",
                )
                for p in batch
            )
            agencies.update(zip((p.slug for p in batch), created, strict=True))
        entries = _journal_created(actor, "agency.create", agencies.values())

        units: dict[tuple[str, str], Unit] = {}
        positions: dict[tuple[str, str], Position] = {}
        for p in plan:
            for name, short in (p.spec.office, *p.spec.units):
                units[p.slug, short] = Unit(agency=agencies[p.slug], name=name, short_name=short)
            titles = sorted({s.position for s in p.staff}, key=lambda t: (_rank(t), t))
            for rank, title in enumerate(titles, start=1):
                positions[p.slug, title] = Position(
                    agency=agencies[p.slug], name=title, rank=rank * 10
                )
        Unit.objects.bulk_create(units.values())
        Position.objects.bulk_create(positions.values())
        entries += _journal_created(actor, "unit.create", units.values())
        entries += _journal_created(actor, "position.create", positions.values())

        people: list[Person] = []
        grants: list[RoleGrant] = []
        for p in plan:
            for staff in p.staff:
                full_name, made = names.person()
                username = names.username(staff.username, made, p.slug)
                person = Person(
                    username=username,
                    full_name=full_name,
                    password=password,
                    email=f"{username}@{MAIL_DOMAIN}",
                    agency=agencies[p.slug],
                )
                people.append(person)
                grants += [
                    RoleGrant(
                        person=person,
                        agency=agencies[p.slug],
                        role=role,
                        unit=units[p.slug, unit] if unit else None,
                        position=positions[p.slug, staff.position],
                    )
                    for role, unit in staff.grants
                ]
        full_name, _made = names.person()
        admin = Person(
            username=names.username("quantri", "", ""),
            full_name=full_name,
            password=password,
            email=f"quantri@{MAIL_DOMAIN}",
            agency=None,
        )
        people.append(admin)
        grants.append(RoleGrant(person=admin, agency=agencies["ubnd"], role=Role.SYSTEM_ADMIN))
        Person.objects.bulk_create(people)
        for grant in grants:
            grant.person_id = grant.person.pk  # the people have their keys only now
        RoleGrant.objects.bulk_create(grants)
        # The system administrator has no agency: its record goes to the system chain.
        entries += _journal_created(actor, "person.create", people)
        for grant in grants:
            journal_record(
                actor=actor,
                action="role_grant.add",
                instance=grant.person,
                agency_id=grant.agency_id,
                after={"grant": snapshot(grant, exclude=("created_at", "updated_at"))},
            )
            entries += 1
        agencies_created.send(
            sender=Agency, agency_ids=[a.pk for a in agencies.values()], actor=actor
        )
        replies = demo_data_loaded.send(sender=Agency, actor=actor)
    return DemoSummary(
        agencies=len(agencies),
        units=len(units),
        positions=len(positions),
        people=len(people),
        grants=len(grants),
        journal_entries=entries,
        more=tuple(reply for _receiver, reply in replies if isinstance(reply, str)),
    )
