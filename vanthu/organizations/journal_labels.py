"""How journal rows read in the interface: Vietnamese action labels and before/after changes.

The one place that names journal actions for people. An action missing here is shown by its
code, so a new action is never hidden, only untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vanthu.organizations.choices import AgencyKind, Role

ACTION_LABELS: dict[str, str] = {
    "agency.create": "Thêm cơ quan",
    "agency.update": "Sửa thông tin cơ quan",
    "agency.import": "Nhập danh mục cơ quan",
    "unit.create": "Tạo đơn vị",
    "unit.update": "Sửa đơn vị",
    "position.create": "Thêm chức vụ",
    "person.create": "Tạo tài khoản cán bộ",
    "person.update": "Sửa thông tin cán bộ",
    "person.password_reset": "Đặt lại mật khẩu",
    "person.password_change": "Đổi mật khẩu",
    "role_grant.add": "Thêm vai trò",
    "role_grant.remove": "Bỏ vai trò",
    "auth.login": "Đăng nhập",
    "auth.logout": "Đăng xuất",
    "auth.login_failed": "Đăng nhập thất bại",
    "auth.lockout": "Tạm khóa đăng nhập",
    "auth.otp_failed": "Xác thực hai lớp thất bại",
    "auth.otp_enrolled": "Đăng ký xác thực hai lớp",
    "auth.otp_reset": "Hủy thiết bị xác thực hai lớp",
    "auth.agency_switch": "Chuyển cơ quan làm việc",
    "auth.token_obtain": "Cấp khóa truy cập API",
    "auth.token_revoke": "Thu hồi khóa truy cập API",
    "journal.verify": "Kiểm tra toàn vẹn nhật ký",
    "holiday_override.create": "Thêm ngày nghỉ, làm bù",
    "holiday_override.update": "Sửa ngày nghỉ, làm bù",
    "holiday_override.delete": "Xóa ngày nghỉ, làm bù",
    "registry.incoming.register": "Vào sổ văn bản đến",
    "registry.incoming.paper_copy_record": "Ghi nhận đã nhận bản giấy",
    "registry.outgoing.create": "Thêm văn bản đi",
    "registry.outgoing.update": "Sửa văn bản đi",
    "registry.outgoing.delete": "Xóa văn bản đi",
    "registry.outgoing.issue": "Phát hành văn bản đi",
    "registry.outgoing.send": "Ghi nhận đã gửi văn bản đi",
    "registry.paper_dispatch.complete": "Đã gửi bản giấy",
    "registry.outgoing.files_add": "Thêm tệp văn bản đi",
    "registry.outgoing.revoke": "Thu hồi văn bản đi",
    "registry.field.create": "Thêm lĩnh vực",
    "registry.field.update": "Sửa lĩnh vực",
    "registry.exchange_policy_rule.create": "Thêm dòng bảng trao đổi văn bản",
    "registry.exchange_policy_rule.update": "Sửa dòng bảng trao đổi văn bản",
    "registry.exchange_policy_rule.delete": "Xóa dòng bảng trao đổi văn bản",
    "signatures.check": "Kiểm tra chữ ký số",
    "signatures.sign": "Ký số văn bản",
    "signatures.signed_upload": "Nhận bản đã ký số bằng công cụ khác",
    "signatures.agency_sign": "Ký số của cơ quan khi phát hành",
    "signatures.preserve": "Bổ sung dấu thời gian bảo toàn chữ ký số",
    "signatures.key.register": "Khai báo khóa ký số",
    "signatures.key.retire": "Ngừng dùng khóa ký số",
    "exchange.delivery.create": "Gửi văn bản liên thông",
    "registry.register.create": "Thêm sổ văn bản",
    "registry.register.update": "Sửa sổ văn bản",
    "registry.incoming.revoke": "Thu hồi văn bản đến theo yêu cầu nơi gửi",
    "exchange.reception.receive": "Tiếp nhận văn bản liên thông vào sổ",
    "exchange.reception.return": "Trả lại văn bản liên thông",
    "exchange.reception.match": "Gắn văn bản liên thông với văn bản đến đã vào sổ",
    "exchange.change_request.accept": "Đồng ý cho nơi gửi lấy lại văn bản",
    "exchange.change_request.refuse": "Từ chối cho nơi gửi lấy lại văn bản",
    "exchange.delivery.retry": "Gửi lại văn bản liên thông",
    "exchange.outbox.retry": "Gửi lại tình trạng, yêu cầu lấy lại văn bản",
    "texts.rerun": "Trích xuất lại nội dung tệp",
}

# The order here is the order in which a row's fields are shown.
FIELD_LABELS: dict[str, str] = {
    "document_types": "Loại văn bản",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "identifier": "Mã định danh",
    "name": "Tên",
    "short_name": "Ký hiệu",
    "role": "Vai trò",
    "unit": "Đơn vị",
    "position": "Chức vụ",
    "rank": "Thứ bậc",
    "parent": "Cấp trên",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
    "kind": "Loại",
    "qd20_code": "Mã định danh điện tử (QĐ 20)",
    "address": "Địa chỉ",
    "website": "Trang thông tin",
    "is_hosted": "Sử dụng hệ thống này",
    "office_sessions": "Giờ hành chính",
    "date": "Ngày",
    "reason": "Lý do",
    "second_factor": "Xác thực hai bước",
    "failures": "Số lần sai",
    "minutes": "Số phút tạm khóa",
    "stage": "Bước",
    "via": "Qua",
    "created": "Khóa mới",
    "user_agent": "Trình duyệt",
    "is_active": "Đang hoạt động",
    "agency": "Cơ quan",
    "agency_id": "Cơ quan",
    # Registers (văn bản đến, văn bản đi).
    "register": "Sổ",
    "year": "Năm",
    "arrival_number": "Số đến",
    "number": "Số",
    "notation": "Ký hiệu",
    "document_date": "Ngày văn bản",
    "document_type": "Loại văn bản",
    "summary": "Trích yếu",
    "sender_agency": "Cơ quan gửi",
    "sender_name": "Nơi gửi",
    "channel": "Hình thức nhận",
    "received_at": "Thời điểm nhận",
    "entered_at": "Thời điểm vào hệ thống",
    "field": "Lĩnh vực",
    "signer_name": "Người ký",
    "signer_position": "Chức vụ người ký",
    "urgency": "Độ khẩn",
    "due_date": "Hạn xử lý",
    "page_count": "Số trang",
    "filing_location": "Nơi lưu",
    "notes": "Ghi chú",
    "status": "Trạng thái",
    "paper_received_at": "Nhận bản giấy lúc",
    "drafting_unit": "Đơn vị soạn thảo",
    "purpose": "Mục đích",
    "is_permanent_retention": "Bảo quản vĩnh viễn",
    "exchange_mode": "Hình thức trao đổi",
    "copies": "Số lượng bản",
    "recipients": "Nơi nhận",
    "sent_at": "Thời điểm gửi",
    "due_at": "Hạn gửi bản giấy",
    "done_at": "Đã gửi lúc",
    "files": "Tệp (mã băm SHA-256)",
    "code": "Mã",
    "mode": "Hình thức trao đổi",
    "legal_basis": "Căn cứ",
    "priority": "Thứ tự áp dụng",
    "is_legal_normative": "Văn bản QPPL",
    "original_required": "Nơi nhận phải lưu bản chính",
    "revocation_reason": "Lý do thu hồi",
    "revoked_at": "Thu hồi lúc",
    "sha256": "Mã băm SHA-256",
    "file": "Tệp",
    "key": "Khóa ký số",
    "token_label": "Nhãn token",
    "key_label": "Nhãn khóa",
    "subject_name": "Chủ thể chứng thư",
    "not_after": "Hiệu lực đến",
}

_FIELD_ORDER = {name: index for index, name in enumerate(FIELD_LABELS)}

# Coded values of sign-in events, as people say them.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "reason": {
        "bad_credentials": "Sai tên đăng nhập hoặc mật khẩu",
        "locked_out": "Tài khoản đang bị tạm khóa",
        "bad_token": "Mã xác thực không đúng",
    },
    "second_factor": {"totp": "Có (mã TOTP)", "none": "Không"},
    "stage": {"setup": "Thiết lập", "disable": "Tắt", "login": "Đăng nhập"},
    "via": {"api": "Giao diện lập trình (API)"},
}

# Keys that never help a reader: surrogate keys, timestamps, Django-internal flags.
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "password",
        "last_login",
        "date_joined",
        "is_superuser",
        "is_staff",
        "groups",
        "user_permissions",
        "person",
    }
)

# Which kind of record an identifier field points to, per object type (a unit's parent is a
# unit, an agency's parent an agency).
_REFERENCES: dict[str, dict[str, str]] = {
    "organizations.unit": {"parent": "unit", "agency": "agency"},
    "organizations.agency": {"parent": "agency"},
    "registry.incomingdocument": {"sender_agency": "agency"},
    "registry.outgoingdocument": {"drafting_unit": "unit"},
}
_DEFAULT_REFERENCES = {
    "agency": "agency",
    "unit": "unit",
    "position": "position",
    "agency_id": "agency",
}

EMPTY = "—"

Names = Mapping[str, Mapping[int, str]]


@dataclass(frozen=True, slots=True)
class Change:
    """One field of a journal row as shown: its label, the value before and after."""

    field: str
    label: str
    before: str
    after: str


def action_label(action: str) -> str:
    """Return the Vietnamese label of a journal action, or its code when none is known."""
    return ACTION_LABELS.get(action, action)


def field_label(field: str) -> str:
    """Return the Vietnamese label of a snapshot field, or its name when none is known."""
    return FIELD_LABELS.get(field, field)


def _display(field: str, value: Any, *, object_type: str, names: Names) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if field == "role" and value in Role.values:
        return str(Role(value).label)
    if field == "kind" and value in AgencyKind.values:
        return str(AgencyKind(value).label)
    if isinstance(value, str) and value in VALUE_LABELS.get(field, {}):
        return VALUE_LABELS[field][value]
    kind = {**_DEFAULT_REFERENCES, **_REFERENCES.get(object_type, {})}.get(field)
    if kind is not None and isinstance(value, int) and not isinstance(value, bool):
        # The record may since have been removed; its number still identifies it.
        return names.get(kind, {}).get(value, f"#{value}")
    if isinstance(value, list):
        return ", ".join(
            "\u2013".join(str(p) for p in item) if isinstance(item, list) else str(item)
            for item in value
        )
    if isinstance(value, dict):
        return ", ".join(
            f"{field_label(k)}: {_display(k, v, object_type=object_type, names=names)}"
            for k, v in value.items()
            if k not in HIDDEN_FIELDS
        )
    return str(value)


def _flatten(data: Mapping[str, Any] | None) -> dict[str, Any]:
    # A grant is journalled on its person as {"grant": {...}}: show its fields directly.
    flat: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if key == "grant" and isinstance(value, Mapping):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def journal_changes(
    *,
    object_type: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    names: Names | None = None,
    agency_id: int | None = None,
) -> list[Change]:
    """Return the fields a journal row changed, in a stable order, ready to show.

    A creation (nothing before) lists the values that were set; a removal (nothing after) the
    values that were removed; an update only the fields whose value differs. The agency is
    left out when it is the row's own agency (`agency_id`): it goes without saying.
    """
    names = names or {}
    old, new = _flatten(before), _flatten(after)
    keys = [k for k in (*old, *(k for k in new if k not in old)) if k not in HIDDEN_FIELDS]
    if agency_id is not None:
        keys = [
            k
            for k in keys
            if not (k == "agency" and old.get(k, agency_id) == new.get(k, agency_id) == agency_id)
        ]
    keys.sort(key=lambda k: _FIELD_ORDER.get(k, len(_FIELD_ORDER)))
    changes: list[Change] = []
    for key in keys:
        in_old, in_new = key in old, key in new
        if in_old and in_new and old[key] == new[key]:
            continue
        if not before and not new.get(key) and new.get(key) is not False:
            continue  # a creation: leave out fields left empty
        if not after and not old.get(key) and old.get(key) is not False:
            continue
        changes.append(
            Change(
                field=key,
                label=field_label(key),
                before=_display(key, old.get(key), object_type=object_type, names=names)
                if in_old
                else "",
                after=_display(key, new.get(key), object_type=object_type, names=names)
                if in_new
                else "",
            )
        )
    return changes
