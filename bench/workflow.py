"""Monitoring benchmark on PostgreSQL: 1,000,000 incoming documents, 3,000,000 assignments.

Issue 5 check: "dashboard p95 with 1,000,000 documents and 3,000,000 assignments on PostgreSQL
(target under 200 ms)." The pages measured are the monitoring pages ("Theo dõi xử lý") of the
busiest agency at agency, unit and person scope, a drill-down list, and the dashboard with the
person's own monitoring card, through Django's test Client.

Subcommands, each against the dedicated database `vanthu_bench_workflow` (`--db-name`):

    uv run python -m bench.workflow load      # new database, demo org, 1M docs, 3M assignments
    uv run python -m bench.workflow pages     # p95 of the monitoring pages and the dashboard
    uv run python -m bench.workflow explain   # EXPLAIN ANALYZE of the monitoring queries
    uv run python -m bench.workflow all       # load, pages

The documents come from `bench.data.generate_incoming` (as `bench.registers load`); the
assignments are written by COPY after them (see `generate_assignments`).
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from bench.registers import _admin, _environment, _log, _machine, _percentile, _summary

TARGET_P95_MS = 200.0

ASSIGNMENT_COLUMNS = (
    "id", "agency_id", "incoming_id", "submission_id", "parent_id", "role", "assignee_unit_id",
    "assignee_id", "assigned_by_id", "assigned_at", "note", "due_date", "state", "accepted_at",
    "completed_at", "completed_late", "handling_days", "result_note", "reply_id", "created_at",
    "updated_at",
)  # fmt: skip

NOTES = [
    "Đề nghị nghiên cứu, tham mưu văn bản trả lời.",
    "Chủ trì, phối hợp các đơn vị liên quan tham mưu UBND tỉnh.",
    "Tham mưu báo cáo theo yêu cầu.",
    "Phối hợp cung cấp số liệu.",
    "Để biết, theo dõi.",
]
RESULTS = [
    "Đã tham mưu văn bản trả lời.",
    "Đã báo cáo lãnh đạo.",
    "Đã cung cấp số liệu cho đơn vị chủ trì.",
    "Đã tổ chức thực hiện.",
]


class _People:
    """Units, unit heads, staff and leaders of every agency, read once from the database."""

    def __init__(self) -> None:
        from vanthu.organizations.models import RoleGrant, Unit

        self.units: dict[int, list[int]] = {}
        for agency_id, unit_id in Unit.objects.order_by("pk").values_list("agency_id", "pk"):
            self.units.setdefault(agency_id, []).append(unit_id)
        self.heads: dict[int, int] = {}
        self.staff: dict[int, list[int]] = {}
        self.leaders: dict[int, list[int]] = {}
        grants = RoleGrant.objects.order_by("pk").values_list(
            "role", "agency_id", "unit_id", "person_id"
        )
        for role, agency_id, unit_id, person_id in grants:
            if role == "leader":
                self.leaders.setdefault(agency_id, []).append(person_id)
            elif role == "unit_head" and unit_id:
                self.heads.setdefault(unit_id, person_id)
            elif role == "specialist" and unit_id:
                self.staff.setdefault(unit_id, []).append(person_id)
        for unit_ids in self.units.values():
            for unit_id in unit_ids:
                if unit_id not in self.staff and unit_id in self.heads:
                    self.staff[unit_id] = [self.heads[unit_id]]


def _add_workdays(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def generate_assignments(total: int, seed: int) -> dict[str, Any]:
    """Write about `total` assignments for the stored incoming documents with COPY.

    Per directed document: the leader gives the lead (chủ trì) to a unit, whose head passes it
    to one of the unit's specialists (a child assignment); some documents also go to one or two
    units in co-ordination (phối hợp), some for information (để biết) to another unit. As the
    services write them (`handling._create_assignments`), a unit's assignment names the unit
    only (its heads act on it) and the specialist's names the person only. States
    follow the document's status: a done document's assignments are done (about 15 % late),
    one in progress has the unit's assignment delegated and the specialist's new or in progress
    with due dates around today (some overdue), a revoked one's are cancelled, a document only
    registered has none. Due dates are 5 to 15 working days after the assignment. A completed
    row records whether it was late and its working days, as `handling._complete` does (the
    same calendar rules, `timing.completion_facts`, with the days looked up once each).
    """
    from zoneinfo import ZoneInfo

    import psycopg
    from django.conf import settings
    from django.db import connection, transaction

    from vanthu.core.calendar import working_calendar
    from vanthu.workflow.scan import effective_due

    rng = random.Random(seed)
    tz = ZoneInfo(settings.TIME_ZONE)
    people = _People()
    today = datetime.now(tz).date()
    calendar = working_calendar()
    # Working days up to each date (a running count) and each due date's last day to act.
    index: dict[date, int] = {}
    day, count = today - timedelta(days=1200), 0
    while day <= today + timedelta(days=400):
        count += calendar.is_working_day(day)
        index[day] = count
        day += timedelta(days=1)
    last_day: dict[date, date] = {}

    def facts(assigned_at: datetime, due: date | None, done: datetime) -> tuple[bool, int]:
        finished = done.astimezone(tz).date()
        if due is not None and due not in last_day:
            last_day[due] = effective_due(calendar, due)
        late = due is not None and finished > last_day[due]
        return late, max(0, index[finished] - index[assigned_at.astimezone(tz).date()])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM registry_incomingdocument WHERE status <> 'registered'"
        )
        active = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM workflow_assignment")
        next_id = cursor.fetchone()[0] + 1
    # Per document: the lead unit, its specialist when the unit has staff, and co-ordination and
    # information rows to make `total` on average (per agency, as units without staff add none).
    base = total / max(active, 1) - 1.0
    with_staff = {
        agency_id: sum(1 for u in unit_ids if people.staff.get(u)) / len(unit_ids)
        for agency_id, unit_ids in people.units.items()
    }
    written = 0
    counts: dict[str, int] = {}
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        # The documents are read through a second connection: a server-side cursor on the
        # connection that is in COPY cannot fetch its next batch (psycopg waits on its own lock).
        reader = psycopg.connect(**connection.get_connection_params())
        read = reader.cursor(name="bench_documents")
        read.itersize = 20_000
        read.execute(
            "SELECT id, agency_id, received_at, status FROM registry_incomingdocument "
            "WHERE status <> 'registered' ORDER BY id"
        )
        columns = ", ".join(ASSIGNMENT_COLUMNS)
        with cursor.cursor.copy(f"COPY workflow_assignment ({columns}) FROM STDIN") as copy:

            def row(**values: Any) -> None:
                nonlocal next_id, written
                values.setdefault("created_at", values["assigned_at"])
                values.setdefault("updated_at", values["completed_at"] or values["assigned_at"])
                if values["state"] == "done":
                    values["completed_late"], values["handling_days"] = facts(
                        values["assigned_at"], values["due_date"], values["completed_at"]
                    )
                copy.write_row(
                    [next_id if c == "id" else values.get(c) for c in ASSIGNMENT_COLUMNS]
                )
                key = f"{values['role']}/{values['state']}"
                counts[key] = counts.get(key, 0) + 1
                next_id += 1
                written += 1

            for incoming_id, agency_id, received_at, status in read:
                if written >= total:
                    break
                units = people.units.get(agency_id)
                leaders = people.leaders.get(agency_id)
                if not units or not leaders:
                    continue
                leader = rng.choice(leaders)
                assigned_at = received_at + timedelta(hours=rng.uniform(1, 30))
                local_day = assigned_at.astimezone(tz).date()
                due = _add_workdays(local_day, rng.choice([5, 7, 10, 10, 15]))
                if status == "in_progress":
                    # Open work is recent: move the due date around today.
                    due = today + timedelta(days=rng.randint(-12, 14))
                lead_unit = rng.choice(units)
                late = rng.random() < 0.15

                # Loop values are bound as defaults: the helpers serve this document only.
                def completed(
                    parent_done: datetime | None = None,
                    late: bool = late,
                    due: date = due,
                    assigned_at: datetime = assigned_at,
                ) -> datetime:
                    if parent_done is not None:
                        return parent_done
                    days = rng.randint(1, 12) if late else rng.randint(0, 4)
                    finish = datetime.combine(
                        due + timedelta(days=days) if late else due - timedelta(days=days),
                        datetime.min.time(),
                        tz,
                    )
                    finish = max(
                        finish + timedelta(hours=rng.uniform(7.5, 16.5)),
                        assigned_at + timedelta(hours=1),
                    )
                    return finish

                def states(
                    parent: bool, status: str = status, assigned_at: datetime = assigned_at
                ) -> tuple[str, datetime | None, datetime | None]:
                    if status == "done":
                        finish = completed()
                        return "done", assigned_at + timedelta(hours=2), finish
                    if status == "revoked":
                        return "cancelled", None, None
                    if parent:
                        return "delegated", assigned_at + timedelta(hours=2), None
                    if rng.random() < 0.35:
                        return "new", None, None
                    return "in_progress", assigned_at + timedelta(hours=3), None

                # Lead unit and the specialist it passes the document to.
                state, accepted, finish = states(parent=True)
                head = people.heads.get(lead_unit)
                parent_id = next_id
                row(
                    agency_id=agency_id, incoming_id=incoming_id, role="lead",
                    assignee_unit_id=lead_unit, assignee_id=None, assigned_by_id=leader,
                    assigned_at=assigned_at, note=rng.choice(NOTES[:3]), due_date=due,
                    state=state, accepted_at=accepted, completed_at=finish,
                    result_note=rng.choice(RESULTS) if finish else "",
                )  # fmt: skip
                staff = people.staff.get(lead_unit)
                if staff and written < total:
                    child_state, child_accepted, _ = states(parent=False)
                    row(
                        agency_id=agency_id, incoming_id=incoming_id, parent_id=parent_id,
                        role="lead", assignee_unit_id=None, assignee_id=rng.choice(staff),
                        assigned_by_id=head or leader,
                        assigned_at=assigned_at + timedelta(hours=1), note=NOTES[2],
                        due_date=due, state=child_state, accepted_at=child_accepted,
                        completed_at=finish, result_note=rng.choice(RESULTS) if finish else "",
                    )  # fmt: skip
                extra_mean = max(0.0, base - with_staff.get(agency_id, 0.0))
                extra = int(extra_mean) + (1 if rng.random() < extra_mean % 1 else 0)
                for k in range(extra):
                    if written >= total:
                        break
                    unit = rng.choice(units)
                    info = k == extra - 1 and rng.random() < 0.4
                    if info:
                        role, state_ = "info", ("closed" if status == "done" else "new")
                        accepted, finish_ = None, None
                    else:
                        role = "co"
                        state_, accepted, finish_ = states(parent=False)
                        if state_ == "done":
                            finish_ = completed(late=rng.random() < 0.1)
                    row(
                        agency_id=agency_id, incoming_id=incoming_id, role=role,
                        assignee_unit_id=unit, assignee_id=None,
                        assigned_by_id=leader, assigned_at=assigned_at,
                        note=NOTES[4] if info else NOTES[3], due_date=None if info else due,
                        state=state_, accepted_at=accepted, completed_at=finish_,
                        result_note=rng.choice(RESULTS[2:]) if finish_ else "",
                    )  # fmt: skip
            read.close()
            reader.close()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('workflow_assignment', 'id'), %s)", [next_id]
        )
    return {
        "written": written,
        "seconds": time.perf_counter() - start,
        "counts": dict(sorted(counts.items())),
    }


# --- load ---------------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace) -> None:
    """Drop and create the database, migrate, demo organisation, documents, assignments."""
    with _admin(args.pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db_name}"')
    _environment(args)
    from django.core.management import call_command
    from django.db import connection

    from bench.data import generate_incoming
    from vanthu.core.actor import Actor
    from vanthu.organizations.demo import load_demo_data
    from vanthu.organizations.models import Agency
    from vanthu.registry.registers import registers_ensure_defaults

    _log(f"database {args.db_name}; {_machine()}")
    start = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    # The organisation only: the sample documents that the registers, signatures and handling
    # add to the demo are not part of the measured data.
    from vanthu.organizations.signals import demo_data_loaded

    for uid in ("registry.demo", "signatures.demo", "workflow.demo"):
        demo_data_loaded.disconnect(dispatch_uid=uid)
    summary = load_demo_data(actor=Actor.system("bench.workflow"))
    for agency_id in Agency.objects.values_list("pk", flat=True):
        registers_ensure_defaults(agency_id=agency_id)
    _log(
        f"migrated; demo organisation: {summary.agencies} agencies, {summary.people} people "
        f"({time.perf_counter() - start:.1f}s)"
    )
    start = time.perf_counter()
    report = generate_incoming(args.rows, args.seed, busy_share=args.busy_share)
    _log(
        f"{report.counts['incoming_documents']:,} incoming documents in "
        f"{time.perf_counter() - start:.1f}s; busiest agency "
        f"{report.counts['busiest_agency_rows']:,}"
    )
    result = generate_assignments(args.assignments, args.seed + 1)
    _log(
        f"{result['written']:,} assignments in {result['seconds']:.1f}s "
        f"({result['written'] / result['seconds']:,.0f} rows/s); by role/state: {result['counts']}"
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM workflow_assignment a LEFT JOIN registry_incomingdocument d "
            "ON d.id = a.incoming_id WHERE d.id IS NULL OR d.agency_id <> a.agency_id"
        )
        orphans = cursor.fetchone()[0]
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('workflow_assignment'))")
        table = cursor.fetchone()[0]
    _log(
        f"LOAD done: orphan assignments {orphans}; VACUUM ANALYZE + CHECKPOINT "
        f"{time.perf_counter() - start:.1f}s; workflow_assignment {table} (with indexes), "
        f"database {size}"
    )


# --- pages --------------------------------------------------------------------------------


def _busy() -> dict[str, Any]:
    """Return the busiest agency and, in it, a leader, the busiest unit, its head, a specialist."""
    from django.db.models import Count

    from vanthu.organizations.models import Agency, Person, RoleGrant
    from vanthu.workflow.models import Assignment

    row = (
        Assignment.objects.values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n", "agency_id")
        .first()
    )
    if row is None:
        raise SystemExit("no assignments: run `python -m bench.workflow load` first")
    agency = Agency.objects.get(pk=row["agency_id"])
    leader = RoleGrant.objects.filter(agency=agency, role="leader").order_by("pk").first()
    heads = RoleGrant.objects.filter(agency=agency, role="unit_head", unit__isnull=False)
    unit_rows = (
        Assignment.objects.filter(agency=agency, assignee_unit_id__in=heads.values("unit_id"))
        .values("assignee_unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    unit_id = unit_rows[0]["assignee_unit_id"]
    head = heads.filter(unit_id=unit_id).order_by("pk").first()
    staff = RoleGrant.objects.filter(agency=agency, unit_id=unit_id, role="specialist")
    person_row = (
        Assignment.objects.filter(
            agency=agency, parent__isnull=False, assignee_id__in=staff.values("person_id")
        )
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert leader is not None
    assert head is not None
    assert person_row is not None, "the busiest unit has no specialist with work"
    return {
        "agency": agency,
        "leader": leader.person,
        "unit_id": unit_id,
        "head": head.person,
        "specialist": Person.objects.get(pk=person_row["assignee_id"]),
        "assignments": row["n"],
    }


def _cases(busy: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Return (label, person signed in, URL) of every page measured."""
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    year = f"tu_ngay={date(today.year, 1, 1):%d/%m/%Y}&den_ngay={today:%d/%m/%Y}"
    page = reverse("workflow:monitoring")
    documents = reverse("workflow:monitoring_documents")
    unit = busy["unit_id"]
    return [
        ("agency scope, this month (leader)", busy["leader"], f"{page}?pham_vi=agency"),
        ("agency scope, this year (leader)", busy["leader"], f"{page}?pham_vi=agency&{year}"),
        ("unit scope, this month (unit head)", busy["head"], f"{page}?pham_vi=unit"),
        ("unit scope, this year (unit head)", busy["head"], f"{page}?pham_vi=unit&{year}"),
        ("unit scope, this year (leader)", busy["leader"],
         f"{page}?pham_vi=unit&don_vi={unit}&{year}"),
        ("person scope, this month (specialist)", busy["specialist"], f"{page}?pham_vi=person"),
        ("person scope, this year (specialist)", busy["specialist"],
         f"{page}?pham_vi=person&{year}"),
        ("drill-down agency overdue (leader)", busy["leader"],
         f"{documents}?pham_vi=agency&nhom=overdue"),
        ("drill-down agency done late, year (leader)", busy["leader"],
         f"{documents}?pham_vi=agency&nhom=done_late&{year}"),
        ("drill-down unit in progress (unit head)", busy["head"],
         f"{documents}?pham_vi=unit&nhom=in_progress"),
        ("dashboard with the card (specialist)", busy["specialist"], "/"),
        ("dashboard with the card (leader)", busy["leader"], "/"),
    ]  # fmt: skip


def cmd_pages(args: argparse.Namespace) -> None:
    """p95 of every monitoring page through the test Client, each as the person it is for."""
    _environment(args, static=True)
    from django.db import connection
    from django.test import Client

    from vanthu.registry.models import IncomingDocument
    from vanthu.workflow.models import Assignment

    busy = _busy()
    documents = IncomingDocument.objects.count()
    assignments = Assignment.objects.count()
    _log(
        f"{_machine()}; {documents:,} documents, {assignments:,} assignments; busiest agency "
        f"{busy['agency'].short_name} with {busy['assignments']:,} assignments"
    )
    browsers: dict[int, Client] = {}
    everything: list[float] = []
    worst = ("", 0.0)
    for label, person, url in _cases(busy):
        if args.only and not re.search(args.only, label):
            continue
        browser = browsers.get(person.pk)
        if browser is None:
            browser = browsers[person.pk] = Client(SERVER_NAME="127.0.0.1")
            browser.force_login(person)
        for _ in range(args.warmup):
            response = browser.get(url)
            assert response.status_code == 200, (label, url, response.status_code)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        latencies = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = browser.get(url)
            latencies.append((time.perf_counter() - start) * 1000)
        with connection.execute_wrapper(count):
            browser.get(url)
        p95 = _percentile(latencies, 95)
        everything += latencies
        if p95 > worst[1]:
            worst = (label, p95)
        print(f"  {label:46s} {_summary(latencies)}  [{len(queries)} queries]", flush=True)
    _log(
        f"PAGES overall {_summary(everything)}; worst '{worst[0]}' p95 {worst[1]:.1f} ms "
        f"(target < {TARGET_P95_MS:.0f} ms per page: "
        f"{'met' if worst[1] < TARGET_P95_MS else 'NOT met'})"
    )


def cmd_explain(args: argparse.Namespace) -> None:
    """Print EXPLAIN ANALYZE of every aggregate and list query of each measured page."""
    _environment(args, static=True)
    from django.db import connection
    from django.test import Client

    busy = _busy()
    for label, person, url in _cases(busy):
        if args.only and not re.search(args.only, label):
            continue
        browser = Client(SERVER_NAME="127.0.0.1")
        browser.force_login(person)
        captured: list[tuple[str, Any]] = []

        def grab(execute, sql, params, many, context, captured=captured):  # type: ignore[no-untyped-def]
            if '"workflow_assignment"' in sql:
                captured.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(grab):
            browser.get(url)
        for sql, sql_params in captured:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            print(f"\n== {label}\n{sql}\n{plan}", flush=True)


def main() -> None:
    """Parse the subcommand and run it."""
    parser = argparse.ArgumentParser(description="Monitoring benchmark on PostgreSQL.")
    parser.add_argument("command", choices=["load", "pages", "explain", "all"])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db-name", default="vanthu_bench_workflow")
    parser.add_argument("--rows", type=int, default=1_000_000, help="load: incoming documents")
    parser.add_argument("--assignments", type=int, default=3_000_000, help="load: assignments")
    parser.add_argument("--busy-share", type=float, default=0.25, help="load: busiest agency")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--repeat", type=int, default=30, help="pages: timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="pages: untimed requests per page")
    parser.add_argument("--only", default="", help="pages, explain: pages whose label matches")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_name):
        raise SystemExit("--db-name must be a plain identifier")
    commands: dict[str, Callable[[argparse.Namespace], None]] = {
        "load": cmd_load,
        "pages": cmd_pages,
        "explain": cmd_explain,
    }
    if args.command == "all":
        for name in ("load", "pages"):
            commands[name](args)
    else:
        commands[args.command](args)


if __name__ == "__main__":
    main()
