"""The dashboard: what awaits the signed-in person, per role; the acting-agency switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.errors import VanthuError
from vanthu.organizations import selectors_dashboard as dash
from vanthu.organizations import services_dashboard
from vanthu.organizations.choices import Role
from vanthu.organizations.dashboard_cards import dashboard_cards
from vanthu.organizations.forms_account import AgencySwitchForm
from vanthu.organizations.middleware import ACTING_AGENCY_SESSION_KEY
from vanthu.organizations.models import Agency

# What each working role does in Vanthu (NĐ 30/2020 Điều 14 to 20, QĐ 22/2017 Điều 7 to 12).
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.CLERK: (
        "Tiếp nhận, đăng ký văn bản đến và trình lãnh đạo; cấp số, đăng ký và phát hành văn "
        "bản đi; quản lý sổ văn bản của cơ quan."
    ),
    Role.LEADER: (
        "Cho ý kiến phân phối văn bản đến, giao đơn vị và cá nhân xử lý; duyệt và ký ban hành "
        "văn bản đi."
    ),
    Role.UNIT_HEAD: (
        "Nhận văn bản giao cho đơn vị, phân công chuyên viên xử lý, theo dõi thời hạn và duyệt "
        "dự thảo trước khi trình lãnh đạo."
    ),
    Role.SPECIALIST: ("Xử lý văn bản được giao, soạn dự thảo văn bản đi và lập hồ sơ công việc."),
    Role.ARCHIVIST: (
        "Tiếp nhận hồ sơ nộp lưu, quản lý thời hạn bảo quản và tổ chức tiêu hủy tài liệu hết "
        "giá trị theo quy định."
    ),
}
WORKLIST_NOTE = (
    "Các việc đang chờ bạn (sổ văn bản, phân công xử lý) hiển thị tại đây khi các phân hệ "
    "tương ứng được cài đặt trên hệ thống."
)


def _switch_form(
    agencies: list[Agency], acting_id: int | None, data: object = None
) -> AgencySwitchForm:
    form = AgencySwitchForm(
        data, choices=[(a.pk, a.name) for a in agencies], initial={"agency_id": acting_id}
    )
    return form


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Show the person's roles and account, and each role's card with what awaits them."""
    actor = request.actor  # type: ignore[attr-defined]
    person = request.user
    roles = actor.roles_in(actor.agency_id)
    agencies = dash.switchable_agencies(actor=actor)
    context = {
        "personal": dash.personal_summary(actor=actor, person=person),  # type: ignore[arg-type]
        "role_cards": [
            {"label": Role(role).label, "description": text}
            for role, text in ROLE_DESCRIPTIONS.items()
            if role in roles
        ],
        "worklist_note": WORKLIST_NOTE,
        "agency_admin": (
            dash.agency_admin_summary(actor=actor, agency_id=actor.agency_id)
            if actor.agency_id is not None and Role.AGENCY_ADMIN in roles
            else None
        ),
        "system_admin": dash.system_admin_summary(actor=actor) if actor.is_system_admin else None,
        "cards": dashboard_cards(actor=actor),
        "switch_form": (_switch_form(agencies, actor.agency_id) if len(agencies) > 1 else None),
    }
    return render(request, "organizations/dashboard/dashboard.html", context)


@login_required
@require_POST
def agency_switch_view(request: HttpRequest) -> HttpResponse:
    """Act for another agency where the person holds a role."""
    actor = request.actor  # type: ignore[attr-defined]
    agencies = dash.switchable_agencies(actor=actor)
    form = _switch_form(agencies, actor.agency_id, request.POST)
    if not form.is_valid():
        messages.error(request, "Cơ quan đã chọn không hợp lệ.")
        return redirect("dashboard")
    try:
        agency = services_dashboard.acting_agency_switch(
            actor=actor,
            person=request.user,  # type: ignore[arg-type]
            agency_id=form.cleaned_data["agency_id"],
        )
    except VanthuError as error:
        messages.error(request, error.message)
        return redirect("dashboard")
    request.session[ACTING_AGENCY_SESSION_KEY] = agency.pk
    messages.success(request, f"Đang làm việc cho: {agency.name}.")
    return redirect("dashboard")


@login_required
@require_POST
def journal_verify_view(request: HttpRequest) -> HttpResponse:
    """Check every journal chain now (system administrators); slow on a large journal."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        result = services_dashboard.journal_verification_run(actor=actor)
    except VanthuError as error:
        return render(request, "404.html", {"message": error.message}, status=error.status)
    if request.htmx:  # type: ignore[attr-defined]
        summary = dash.system_admin_summary(actor=actor)
        return render(
            request,
            "organizations/dashboard/_journal_verification.html",
            {"verification": summary.last_verification, "result": result},
        )
    if result.problems:
        messages.error(
            request,
            f"Nhật ký có {len(result.problems)} chỗ không toàn vẹn. "
            "Xem chi tiết trong bản ghi kiểm tra.",
        )
    else:
        messages.success(request, f"Đã kiểm tra {result.chain_count} chuỗi nhật ký: toàn vẹn.")
    return redirect("dashboard")
