"""Handling in the demo: what the leader, unit head and specialist of STTTT find when they sign in.

Runs on `organizations.signals.demo_data_loaded`, after the registers' sample documents
(`registry.demo`, earlier in INSTALLED_APPS). Every step goes through the public services,
acting as the demo person who takes it, so the timeline, the journal and the notices are the
real ones. Of Sở Thông tin và Truyền thông's registered documents, oldest first:

- a few are handled to the end (the unit head completes them, one after its due date);
- several are directed to Phòng Công nghệ thông tin, which leads, with Phòng Bưu chính, Viễn
  thông co-handling some and the office informed of others; the unit head passes most of them
  to the specialist, who accepts them; two are overdue and one is due soon; for one the unit
  head asks the leader for more time; for one the specialist has drafted a reply now awaiting
  the unit head's review;
- some wait for the unit head to accept them, some for the leader to direct them (urgent ones
  flagged), and the newest are registered only, for the clerk to present.

The services take their times from the clock, so all this happens at load time. For the
overdue and late examples the due dates are then moved into the past directly in the tables
(the one liberty the demo takes; the journal records the services' own changes).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import WorkingCalendar, working_calendar
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.models import Agency, Person, Unit
from vanthu.registry.choices import IncomingStatus
from vanthu.registry.models import DocumentType, IncomingDocument
from vanthu.registry.outgoing import OutgoingData, RecipientData
from vanthu.workflow import drafting
from vanthu.workflow import handling as h
from vanthu.workflow.choices import AssignmentRole
from vanthu.workflow.models import Assignment, Submission

HOME = "STTTT"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # fonts-dejavu-core
LOGINS = {
    "clerk": "vanthu.stttt",
    "leader": "lanhdao.stttt",
    "head": "truongphong.stttt",
    "specialist": "chuyenvien.stttt",
}
LEAD_UNIT, CO_UNIT, INFO_UNIT = "CNTT", "BCVT", "VP"
LEAD, CO, INFO = AssignmentRole.LEAD, AssignmentRole.CO, AssignmentRole.INFO


def _draft_pdf(summary: str, agency: str) -> bytes:
    """Return a one-page draft reply (A4, DejaVu) as a PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "DejaVuSans"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(font, str(DEJAVU)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(f"Dự thảo: {summary}")
    width, height = A4
    page.setFont(font, 12)
    page.drawString(60, height - 70, agency.upper())
    page.drawString(width - 260, height - 70, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawString(width - 220, height - 88, "Độc lập - Tự do - Hạnh phúc")
    page.drawString(60, height - 130, "DỰ THẢO")
    page.drawString(60, height - 160, summary[:90])
    lines = [
        "Thực hiện ý kiến chỉ đạo của Giám đốc Sở, Phòng Công nghệ thông tin báo cáo như sau:",
        "1. Tình hình triển khai: các nhiệm vụ đã hoàn thành đúng tiến độ.",
        "2. Khó khăn, vướng mắc: kinh phí duy trì hệ thống chưa được bố trí đủ.",
        "3. Đề xuất: bổ sung kinh phí trong dự toán năm sau.",
    ]
    for index, line in enumerate(lines):
        page.drawString(60, height - 200 - 20 * index, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _working_day_before(calendar: WorkingCalendar, day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _move_due(assignments: list[Assignment], due: date) -> None:
    """Put a directed document's due date in the past (the demo's one liberty, see above)."""
    incoming_ids = {a.incoming_id for a in assignments}
    Assignment.objects.filter(incoming_id__in=incoming_ids).update(due_date=due)
    Submission.objects.filter(incoming_id__in=incoming_ids).update(due_date=due)
    IncomingDocument.objects.filter(pk__in=incoming_ids).update(due_date=due)


def demo_handling_load() -> str:
    """Present, direct and handle STTTT's sample documents as the demo's people would."""
    agency = Agency.objects.filter(short_name=HOME).first()
    people = {p.username: p for p in Person.objects.filter(username__in=LOGINS.values())}
    if agency is None or len(people) != len(LOGINS):
        return "Xử lý văn bản mẫu: không có cơ quan hoặc cán bộ mẫu của STTTT; bỏ qua."
    actors: dict[str, Actor] = {
        key: actor_for_person(people[login], ip_address="127.0.0.1")
        for key, login in LOGINS.items()
    }
    units = {u.short_name: u for u in Unit.objects.filter(agency=agency)}
    leader_id = people[LOGINS["leader"]].pk
    specialist_id = people[LOGINS["specialist"]].pk
    calendar = working_calendar(sessions=agency.office_sessions)
    today = timezone.localdate()
    documents = list(
        IncomingDocument.objects.filter(agency=agency, status=IncomingStatus.REGISTERED).order_by(
            "year", "arrival_number"
        )
    )
    if len(documents) < 26:
        return "Xử lý văn bản mẫu: STTTT có quá ít văn bản đến; bỏ qua."
    clerk, leader, head, specialist = (actors[k] for k in ("clerk", "leader", "head", "specialist"))

    def direct(document: IncomingDocument, index: int, days: int) -> list[Assignment]:
        submission = h.submission_create(actor=clerk, incoming_id=document.pk, leader_id=leader_id)
        lines = [h.AssigneeData(LEAD, unit_id=units[LEAD_UNIT].pk)]
        if index % 3 == 0:
            lines.append(h.AssigneeData(CO, unit_id=units[CO_UNIT].pk))
        if index % 4 == 1:
            lines.append(h.AssigneeData(INFO, unit_id=units[INFO_UNIT].pk))
        return h.direction_give(
            actor=leader,
            submission_id=submission.pk,
            note="Giao Phòng Công nghệ thông tin chủ trì, tham mưu, báo cáo kết quả.",
            assignees=lines,
            due_working_days=days,
        )

    counts = {"done": 0, "in_progress": 0, "waiting": 0, "presented": 0, "overdue": 0}
    with transaction.atomic():
        for index, document in enumerate(documents[:4]):
            lead = direct(document, index, 5)[0]
            if index == 0:  # completed after its due date
                _move_due([lead], _working_day_before(calendar, today, 2))
            h.assignment_accept(actor=head, assignment_id=lead.pk)
            h.assignment_complete(
                actor=head,
                assignment_id=lead.pk,
                result="Đã tham mưu, báo cáo Giám đốc Sở; lưu hồ sơ công việc.",
            )
            counts["done"] += 1
        for index, document in enumerate(documents[4:14], start=4):
            lead = direct(document, index, 3 + index % 7)[0]
            h.assignment_accept(actor=head, assignment_id=lead.pk)
            if index == 12:  # the unit head keeps this one and asks for more time
                h.extension_request(
                    actor=head,
                    assignment_id=lead.pk,
                    requested_due=calendar.add_working_days(today, 15),
                    reason="Chờ số liệu của các huyện, thị xã gửi về.",
                )
                counts["in_progress"] += 1
                continue
            (child,) = h.assignment_delegate(
                actor=head,
                assignment_id=lead.pk,
                assignees=[h.AssigneeData(LEAD, person_id=specialist_id)],
                note="Đồng chí nghiên cứu, dự thảo văn bản trả lời.",
            )
            h.assignment_accept(actor=specialist, assignment_id=child.pk)
            if index in (5, 8):
                _move_due([lead, child], _working_day_before(calendar, today, 1 + index % 3))
                counts["overdue"] += 1
            elif index == 6:
                _move_due([lead, child], calendar.add_working_days(today, 1))
            elif index == 13:
                draft = drafting.draft_create(
                    actor=specialist,
                    data=OutgoingData(
                        document_type_id=DocumentType.objects.get(code="cong-van").pk,
                        summary=f"V/v trả lời {document.summary[:60]}",
                        drafting_unit_id=units[LEAD_UNIT].pk,
                        signer_id=leader_id,
                        signer_position="Giám đốc",
                    ),
                    recipients=[RecipientData(place=document.sender_name or "Nơi gửi")],
                    files=[("du-thao-tra-loi.pdf", _draft_pdf(document.summary, agency.name))],
                    answers_assignment_id=child.pk,
                )
                drafting.draft_submit(
                    actor=specialist, draft_id=draft.pk, note="Kính trình anh xem xét."
                )
            counts["in_progress"] += 1
        for index, document in enumerate(documents[14:20], start=14):
            direct(document, index, 5 + index % 5)
            counts["waiting"] += 1
        for document in documents[20:25]:
            h.submission_create(actor=clerk, incoming_id=document.pk, leader_id=leader_id)
            counts["presented"] += 1
    return (
        f"Xử lý văn bản mẫu STTTT: {counts['done']} đã xong, {counts['in_progress']} đang xử lý "
        f"({counts['overdue']} quá hạn), {counts['waiting']} chờ tiếp nhận, "
        f"{counts['presented']} chờ lãnh đạo cho ý kiến."
    )


def on_demo_data_loaded(sender: object, *, actor: Actor, **kwargs: Any) -> str:
    """Receiver of `organizations.signals.demo_data_loaded`: handle the sample documents."""
    return demo_handling_load()
