"""The deadline scan with a frozen clock: due soon on the working day before, overdue after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vanthu.core.models import HolidayOverride
from vanthu.organizations.choices import Role
from vanthu.organizations.tests.factories import PersonFactory
from vanthu.registry.choices import Urgency
from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.workflow.choices import AssignmentRole, AssignmentState, NotificationKind
from vanthu.workflow.models import Assignment, Notification
from vanthu.workflow.scan import ScanResult, deadlines_scan

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 4 May 2026 comes after Thursday 30/4 and Friday 1/5 (public holidays) and a weekend:
# the working day before it is Wednesday 29 April.
DUE = date(2026, 5, 4)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM)


def _assignment(cast, *, due=DUE, **fields) -> Assignment:
    incoming = IncomingDocumentFactory(
        agency=cast.agency_a,
        registered_by=cast.clerk,
        summary=fields.pop("summary", "V/v báo cáo chuyển đổi số quý II"),
        urgency=fields.pop("urgency", Urgency.NORMAL),
    )
    values = {
        "agency": cast.agency_a,
        "incoming": incoming,
        "role": AssignmentRole.LEAD,
        "assignee": cast.specialist,
        "assigned_by": cast.unit_head,
        "assigned_at": _at(date(2026, 4, 20)),
        "due_date": due,
        "state": AssignmentState.IN_PROGRESS,
    }
    values.update(fields)
    return Assignment.objects.create(**values)


def _scan(moment: datetime) -> ScanResult:
    with time_machine.travel(moment, tick=False):
        return deadlines_scan()


def _notices(kind: str | None = None) -> list[tuple[int, str]]:
    rows = Notification.objects.order_by("person_id", "kind")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("person_id", "kind"))


def test_due_soon_on_the_working_day_before_across_holidays_and_a_weekend_then_overdue(cast):
    assignment = _assignment(cast)
    # Tuesday 28/4: two working days ahead (29/4 and 4/5) — not even looked at
    assert _scan(_at(date(2026, 4, 28), 16)) == ScanResult(checked=0, due_soon=0, overdue=0)
    assert _notices() == []
    # Wednesday 29/4, the last working day before the due date: due soon, to the assignee
    assert _scan(_at(date(2026, 4, 29), 0, 5)).due_soon == 1
    assert _notices() == [(cast.specialist.pk, NotificationKind.DUE_SOON)]
    # scans every 15 minutes over the holidays, the weekend and the due day add nothing
    for moment in (
        _at(date(2026, 4, 29), 0, 20),
        _at(date(2026, 4, 30)),
        _at(date(2026, 5, 2)),
        _at(date(2026, 5, 4), 0, 1),
        _at(date(2026, 5, 4), 23, 59),
    ):
        assert _scan(moment) == ScanResult(checked=1, due_soon=0, overdue=0)
    # Tuesday 5/5: overdue, to the assignee and to the one who assigned it
    assert _scan(_at(date(2026, 5, 5), 0, 5)).overdue == 2
    assert sorted(_notices(NotificationKind.OVERDUE)) == sorted(
        [
            (cast.specialist.pk, NotificationKind.OVERDUE),
            (cast.unit_head.pk, NotificationKind.OVERDUE),
        ]
    )
    # and once only
    assert _scan(_at(date(2026, 5, 6))) == ScanResult(checked=1, due_soon=0, overdue=0)
    assert Notification.objects.count() == 3
    notice = Notification.objects.get(person=cast.specialist, kind=NotificationKind.OVERDUE)
    assert notice.title == "Hạn xử lý 04/05/2026: V/v báo cáo chuyển đổi số quý II"
    assert notice.link == f"/van-ban/den/{assignment.incoming_id}/"
    assert notice.agency_id == cast.agency_a.pk
    assigner = Notification.objects.get(person=cast.unit_head)
    assert assigner.title.startswith(f"Giao cho {cast.specialist.full_name}, hạn 04/05/2026")


def test_every_deadline_notice_queues_its_mail(cast):
    _assignment(cast)
    _scan(_at(date(2026, 4, 29)))
    _scan(_at(date(2026, 5, 5)))
    tasks = DBTaskResult.objects.filter(task_path="vanthu.workflow.mail.notification_email_task")
    assert tasks.count() == 3


def test_a_unit_assignment_without_a_person_goes_to_the_unit_heads(cast):
    second_head = PersonFactory(
        agency=cast.agency_a, roles=[Role.UNIT_HEAD, Role.SPECIALIST], roles__unit=cast.unit_a
    )
    PersonFactory(agency=cast.agency_a, roles=[Role.UNIT_HEAD], roles__unit=cast.office_a)
    _assignment(cast, assignee=None, assignee_unit=cast.unit_a, assigned_by=cast.leader)
    _scan(_at(date(2026, 4, 29)))
    # the heads of that unit, not its specialists nor other units' heads
    assert sorted(_notices()) == sorted(
        [
            (cast.unit_head.pk, NotificationKind.DUE_SOON),
            (second_head.pk, NotificationKind.DUE_SOON),
        ]
    )
    _scan(_at(date(2026, 5, 5)))
    overdue = {person for person, _ in _notices(NotificationKind.OVERDUE)}
    assert overdue == {cast.unit_head.pk, second_head.pk, cast.leader.pk}
    assigner = Notification.objects.get(person=cast.leader)
    assert assigner.title.startswith(f"Giao cho {cast.unit_a.name}, hạn 04/05/2026")


def test_closed_cancelled_and_undated_assignments_are_left_alone(cast):
    for state in (
        AssignmentState.DONE,
        AssignmentState.CLOSED,
        AssignmentState.CANCELLED,
        AssignmentState.RETURNED,
    ):
        _assignment(cast, state=state)
    _assignment(cast, due=None)
    for state in (AssignmentState.NEW, AssignmentState.DELEGATED):
        _assignment(cast, state=state, assignee=cast.leader)
    result = _scan(_at(date(2026, 5, 5)))
    assert result == ScanResult(checked=2, due_soon=0, overdue=4)
    assert {person for person, _ in _notices()} == {cast.leader.pk, cast.unit_head.pk}


def test_an_extended_due_date_is_announced_again(cast):
    assignment = _assignment(cast)
    _scan(_at(date(2026, 4, 29)))
    # the assigner grants an extension to Friday 8 May
    Assignment.objects.filter(pk=assignment.pk).update(due_date=date(2026, 5, 8))
    assert _scan(_at(date(2026, 5, 5))) == ScanResult(checked=0, due_soon=0, overdue=0)
    assert _scan(_at(date(2026, 5, 7))).due_soon == 1
    assert _scan(_at(date(2026, 5, 11))).overdue == 2
    assert len(_notices(NotificationKind.DUE_SOON)) == 2


def test_a_due_date_on_a_day_off_moves_to_the_next_working_day(cast):
    # Saturday 2 May: the last day to act is Monday 4 May (Bộ luật Dân sự Điều 148.5)
    _assignment(cast, due=date(2026, 5, 2))
    assert _scan(_at(date(2026, 4, 28))).due_soon == 0
    assert _scan(_at(date(2026, 4, 29))).due_soon == 1
    assert _scan(_at(date(2026, 5, 3))).overdue == 0
    assert _scan(_at(date(2026, 5, 4), 16)).overdue == 0
    assert _scan(_at(date(2026, 5, 5))).overdue == 2


def test_a_declared_day_off_counts_like_a_holiday(cast):
    # given a due date on Monday 15 June 2026: on Thursday 11 June it is two working days away
    _assignment(cast, due=date(2026, 6, 15))
    assert _scan(_at(date(2026, 6, 11))).due_soon == 0
    # when Friday 12 June is declared a day off, Thursday becomes the working day before
    HolidayOverride.objects.create(
        date=date(2026, 6, 12), kind=HolidayOverride.Kind.DAY_OFF, name="Nghỉ bù"
    )
    assert _scan(_at(date(2026, 6, 11), 10)).due_soon == 1


def test_how_many_working_days_ahead_is_a_setting(cast, settings):
    settings.DUE_SOON_WORKING_DAYS = 2
    _assignment(cast)
    assert _scan(_at(date(2026, 4, 27))).due_soon == 0  # 27/4 is the Hùng Kings holiday (nghỉ bù)
    assert _scan(_at(date(2026, 4, 28))).due_soon == 1


def test_an_urgent_document_makes_its_deadline_notices_urgent(cast):
    _assignment(cast, urgency=Urgency.FLASH)
    _scan(_at(date(2026, 4, 29)))
    assert Notification.objects.get().is_urgent is True


def test_the_command_scans_and_reports(cast):
    _assignment(cast)
    out = StringIO()
    with time_machine.travel(_at(date(2026, 5, 5)), tick=False):
        call_command("workflow", "scan", stdout=out, stderr=StringIO())
        assert timezone.localdate() == date(2026, 5, 5)
    text = out.getvalue()
    assert "Đã xét 1 phân công có hạn: 0 thông báo sắp đến hạn, 2 thông báo quá hạn." in text
    assert "Đã gửi lại 0 thư thông báo." in text
    assert len(_notices(NotificationKind.OVERDUE)) == 2


def test_the_command_repeats_every_n_seconds_until_sigterm(tmp_path):
    # given a migrated database of its own (as `vanthu demo` runs the scan beside the server)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "VANTHU_", "DJANGO_", "PYTEST", "AWS_"))
    }
    env.update(VANTHU_VAR_DIR=str(tmp_path), VANTHU_DEMO="1", PYTHONUNBUFFERED="1")
    cli = [sys.executable, "-m", "vanthu.config.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    # when the scan runs every second
    log_path = tmp_path / "scan.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*cli, "workflow", "scan", "--every", "1", "--no-mail-retry"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while log_path.read_text().count("Đã xét") < 2 and time.monotonic() < deadline:
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.2)
            # then it has scanned at least twice, and stops cleanly on SIGTERM
            assert log_path.read_text().count("Đã xét 0 phân công có hạn") >= 2
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_the_command_refuses_a_negative_interval():
    with pytest.raises(CommandError, match="--every không được âm"):
        call_command("workflow", "scan", "--every", "-5", stdout=StringIO())
