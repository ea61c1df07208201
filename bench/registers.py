"""Register benchmarks on PostgreSQL: 1,000,000 incoming documents, bulk rate, list, printout.

Issue check: "1,000,000 generated incoming documents with realistic Vietnamese metadata on
PostgreSQL; bulk registration rate through the service layer (target ≥ 2,000 documents/s);
p95 of the filtered incoming list (target under 100 ms) and of a one-month register printout."

Subcommands, each against the dedicated database `vanthu_bench_registers` (`--db-name`):

    uv run python -m bench.registers load       # drop/create, migrate, demo org, 1M rows (COPY)
    uv run python -m bench.registers bulk       # incoming_documents_register_bulk, batches of 500
    uv run python -m bench.registers list       # p95 of GET /van-ban/den/ with filters, as a clerk
    uv run python -m bench.registers printout   # one month of the busiest register, PDF and XLSX
    uv run python -m bench.registers explain    # EXPLAIN ANALYZE of each list query
    uv run python -m bench.registers all        # load, list, printout, bulk

Only `load` creates (and first drops) the database; the others reuse it, so `list` can be run
again and again on the same data. Nothing else is touched.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_BULK_PER_S = 2000.0
TARGET_LIST_P95_MS = 100.0


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _summary(values: list[float]) -> str:
    return (
        f"n={len(values)} median {statistics.median(values):.1f} ms, "
        f"p95 {_percentile(values, 95):.1f} ms, max {max(values):.1f} ms"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _environment(args: argparse.Namespace, *, static: bool = False) -> None:
    """Point Django at the bench database and a scratch data folder; set it up."""
    workdir = Path(tempfile.mkdtemp(prefix="vanthu-bench-registers-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vanthu.config.settings",
            "DATABASE_URL": f"{args.pg.rstrip('/')}/{args.db_name}",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "VANTHU_REQUIRE_2FA_FOR_ADMINS": "0",
            "VANTHU_VAR_DIR": str(workdir),
            "VANTHU_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if static:  # pages are rendered: the manifest storage needs collected static files
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def _admin(pg: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(pg.rstrip("/") + "/postgres", autocommit=True)


def _machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg()
    return f"{os.cpu_count()} cores ({cpu}); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


# --- load ---------------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace) -> None:
    """Drop and create the database, migrate, load the demo organisation and the documents."""
    with _admin(args.pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db_name}"')
    _environment(args)
    from django.core.management import call_command
    from django.db import connection

    from bench.data import generate_incoming
    from vanthu.core.actor import Actor
    from vanthu.core.journal import journal_verify
    from vanthu.organizations.demo import load_demo_data
    from vanthu.organizations.models import Agency
    from vanthu.registry.registers import registers_ensure_defaults

    _log(f"database {args.db_name}; {_machine()}")
    start = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    summary = load_demo_data(actor=Actor.system("bench.registers"))
    for agency_id in Agency.objects.values_list("pk", flat=True):
        registers_ensure_defaults(agency_id=agency_id)
    _log(
        f"migrated; demo organisation: {summary.agencies} agencies, {summary.people} people "
        f"({time.perf_counter() - start:.1f}s)"
    )
    start = time.perf_counter()
    report = generate_incoming(args.rows, args.seed, busy_share=args.busy_share)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('registry_incomingdocument'))")
        table = cursor.fetchone()[0]
    _log(f"VACUUM ANALYZE + CHECKPOINT {time.perf_counter() - start:.1f}s")
    problems = journal_verify()
    _log(
        f"LOAD {report.counts['incoming_documents']:,} incoming documents in {load_s:.1f}s "
        f"({report.counts['incoming_documents'] / load_s:,.0f} rows/s); steps: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
        + f"; busiest agency {report.counts['busiest_agency_rows']:,} rows; table {table}, "
        f"database {size}; journal_verify: {len(problems)} problems"
    )


# --- shared -------------------------------------------------------------------------------


def _busy() -> tuple[Any, Any, Any]:
    """Return the busiest agency, one of its clerks (Person) and its incoming register."""
    from django.db.models import Count

    from vanthu.organizations.models import Agency, RoleGrant
    from vanthu.registry.models import IncomingDocument, Register

    row = (
        IncomingDocument.objects.values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n", "agency_id")
        .first()
    )
    if row is None:
        raise SystemExit("no documents: run `python -m bench.registers load` first")
    agency = Agency.objects.get(pk=row["agency_id"])
    grant = (
        RoleGrant.objects.filter(agency=agency, role="clerk")
        .select_related("person")
        .order_by("pk")
        .first()
    )
    assert grant is not None
    register = Register.objects.filter(agency=agency, kind="incoming").order_by("pk").first()
    return agency, grant.person, register


# --- bulk ---------------------------------------------------------------------------------


def cmd_bulk(args: argparse.Namespace) -> None:
    """Rate of incoming_documents_register_bulk through the service layer, in batches."""
    _environment(args)
    from bench.data import IncomingWorld, incoming_items
    from vanthu.core.journal import journal_verify
    from vanthu.organizations.actors import actor_for_person
    from vanthu.registry.bulk import incoming_documents_register_bulk
    from vanthu.registry.models import IncomingDocument

    agency, clerk, register = _busy()
    actor = actor_for_person(clerk, ip_address="127.0.0.1")
    world = IncomingWorld.build()
    before = IncomingDocument.objects.count()
    # The documents' own numbers are new on every run (from the clock), so that no batch repeats
    # a stored document: the service would refuse it as a duplicate (it checks every batch).
    base = 1_000_000 + int(time.time()) % 1_000_000 * 1000
    batches = [
        incoming_items(
            world, agency, args.batch_size, seed=args.seed + b, first_number=base + b * 10_000
        )
        for b in range(args.batches + 2)
    ]
    _log(
        f"{_machine()}; {before:,} documents stored; agency {agency.short_name}; "
        f"{args.batches} batches of {args.batch_size} (+1 warm-up)"
    )
    incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=batches[0])
    times = []
    numbers: list[int] = []
    for items in batches[1:-1]:
        start = time.perf_counter()
        documents = incoming_documents_register_bulk(
            actor=actor, register_id=register.pk, items=items
        )
        times.append(time.perf_counter() - start)
        numbers += [d.arrival_number for d in documents]
    total = args.batches * args.batch_size
    rate = total / sum(times)
    gap_free = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    start = time.perf_counter()
    problems = journal_verify()
    verify_s = time.perf_counter() - start
    per_batch = [t * 1000 for t in times]
    _log(
        f"BULK {total:,} documents in {sum(times):.2f}s = {rate:,.0f} documents/s "
        f"(target ≥ {TARGET_BULK_PER_S:,.0f}: {_met(rate >= TARGET_BULK_PER_S)}); "
        f"per batch of {args.batch_size}: {_summary(per_batch)}; numbers {numbers[0]}.."
        f"{numbers[-1]} gap-free: {gap_free}; journal_verify {len(problems)} problems "
        f"({verify_s:.1f}s)"
    )
    if args.profile:
        import cProfile
        import pstats

        items = batches[-1]
        profiler = cProfile.Profile()
        profiler.runcall(
            incoming_documents_register_bulk, actor=actor, register_id=register.pk, items=items
        )
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


# --- list ---------------------------------------------------------------------------------


def _list_cases(register_id: int) -> list[tuple[str, dict[str, str]]]:
    """Return the filter combinations measured, as (label, query parameters of /van-ban/den/)."""
    from django.utils import timezone

    from vanthu.registry.models import DocumentType

    today = timezone.localdate()
    month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - timedelta(days=1)
    year_ago = today - timedelta(days=365)
    types = {t.code: str(t.pk) for t in DocumentType.objects.all()}

    def dmy(d: date) -> str:
        return f"{d:%d/%m/%Y}"

    return [
        ("no filter (newest first)", {}),
        ("period (last month) + register", {"tu_ngay": dmy(month_start),
                                            "den_ngay": dmy(month_end), "so": str(register_id)}),
        ("type = Quyết định", {"loai": types["quyet-dinh"]}),
        ("type = Công điện (rare)", {"loai": types["cong-dien"]}),
        ("sender text 'Sở Tài chính'", {"noi_gui": "Sở Tài chính"}),
        ("sender text 'bộ y tế' (rare)", {"noi_gui": "bộ y tế"}),
        ("urgency = Hỏa tốc", {"do_khan": "flash"}),
        ("status = Đang xử lý", {"trang_thai": "in_progress"}),
        ("overdue", {"qua_han": "on"}),
        ("period (1 year) + type + urgency", {"tu_ngay": dmy(year_ago), "den_ngay": dmy(today),
                                              "loai": types["cong-van"], "do_khan": "urgent"}),
        ("search 'chuyển đổi số'", {"q": "chuyển đổi số"}),
        ("search without a match", {"q": "không có văn bản nào như thế"}),
        ("sort by due date", {"sap_xep": "due_date"}),
        ("sort by arrival number", {"sap_xep": "-arrival_number"}),
    ]  # fmt: skip


def _deep_cursor(actor: Any, params: dict[str, str], depth: int) -> str | None:
    """Return the keyset cursor after row `depth` of a list, as the page links carry it."""
    from vanthu.core.pagination import _encode, _key
    from vanthu.registry import selectors

    filters = selectors.IncomingFilters(**params)  # type: ignore[arg-type]
    qs = selectors.incoming_list(actor=actor, filters=filters)
    key = _key(qs)
    row = qs.values_list(*[name for name, _, _ in key])[depth : depth + 1].first()
    return None if row is None else _encode(list(row))


def cmd_list(args: argparse.Namespace) -> None:
    """p95 of the incoming list page through Django's test Client, signed in as a clerk."""
    _environment(args, static=True)
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    from vanthu.organizations.actors import actor_for_person

    agency, clerk, register = _busy()
    actor = actor_for_person(clerk, ip_address="127.0.0.1")
    browser = Client(SERVER_NAME="127.0.0.1")
    browser.force_login(clerk)
    cases = _list_cases(register.pk)
    for depth in args.depths:
        cursor = _deep_cursor(actor, {}, depth)
        if cursor:
            cases.append((f"page after row {depth:,} (keyset)", {"sau": cursor}))
    cursor = _deep_cursor(actor, {"document_type_id": _type_id("cong-van")}, 100_000)
    if cursor:
        cases.append(("type = Công văn, after row 100,000", {"loai": _type_id("cong-van"),
                                                            "sau": cursor}))  # fmt: skip
    rows = _count_rows(agency.pk)
    _log(
        f"{_machine()}; agency {agency.short_name} with {rows:,} documents; clerk {clerk.username}"
    )
    everything: list[float] = []
    results = []
    for label, params in cases:
        url = "/van-ban/den/" + (f"?{urlencode(params)}" if params else "")
        for _ in range(args.warmup):
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)
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
            response = browser.get(url)
        shown = len(set(re.findall(rb'href="/van-ban/den/(\d+)/"', response.content)))
        everything += latencies
        p95 = _percentile(latencies, 95)
        results.append((label, p95))
        print(
            f"  {label:42s} {_summary(latencies)}  [{len(queries)} queries, {shown} rows]",
            flush=True,
        )
    worst = max(results, key=lambda r: r[1])
    overall = _percentile(everything, 95)
    _log(
        f"LIST overall {_summary(everything)}; worst case '{worst[0]}' p95 {worst[1]:.1f} ms "
        f"(target < {TARGET_LIST_P95_MS:.0f} ms per case: "
        f"{'met' if worst[1] < TARGET_LIST_P95_MS else 'NOT met'}; overall p95 {overall:.1f} ms)"
    )


def _type_id(code: str) -> str:
    from vanthu.registry.models import DocumentType

    return str(DocumentType.objects.get(code=code).pk)


def _count_rows(agency_id: int) -> int:
    from vanthu.registry.models import IncomingDocument

    return IncomingDocument.objects.filter(agency_id=agency_id).count()


def cmd_explain(args: argparse.Namespace) -> None:
    """Print EXPLAIN ANALYZE of the page query of every list case, as the list view sends it."""
    _environment(args, static=True)
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    _agency, clerk, register = _busy()
    browser = Client(SERVER_NAME="127.0.0.1")
    browser.force_login(clerk)
    captured: list[tuple[str, Any]] = []

    def grab(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if 'FROM "registry_incomingdocument"' in sql and "LIMIT" in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    for label, params in _list_cases(register.pk):
        if args.only and not re.search(args.only, label):
            continue
        captured.clear()
        with connection.execute_wrapper(grab):
            browser.get("/van-ban/den/" + (f"?{urlencode(params)}" if params else ""))
        for sql, sql_params in captured[:1]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            print(f"\n== {label}\n{sql}\n{plan}", flush=True)


# --- printout -----------------------------------------------------------------------------


def cmd_printout(args: argparse.Namespace) -> None:
    """Time a one-month incoming register book of the busiest agency, PDF and XLSX, via the view."""
    _environment(args, static=True)
    from django.test import Client
    from django.utils import timezone

    from vanthu.registry.models import IncomingDocument
    from vanthu.reports.registers import _local_bounds

    agency, clerk, register = _busy()
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    start_at, end_at = _local_bounds(first, last)
    rows = IncomingDocument.objects.filter(
        register=register, received_at__gte=start_at, received_at__lt=end_at
    ).count()
    browser = Client(SERVER_NAME="127.0.0.1")
    browser.force_login(clerk)
    _log(f"{_machine()}; {agency.short_name}, {register.name}, {first:%m/%Y}: {rows:,} rows")
    from vanthu.organizations.actors import actor_for_person
    from vanthu.reports.registers import Book, register_book_get

    actor = actor_for_person(clerk, ip_address="127.0.0.1")
    reads = []
    for _ in range(args.runs):
        start = time.perf_counter()
        book = register_book_get(
            actor=actor, book=Book.INCOMING, register_id=register.pk, date_from=first, date_to=last
        )
        streamed = sum(1 for _ in book.rows)
        reads.append((time.perf_counter() - start) * 1000)
    _log(f"PRINTOUT rows only (heading + {streamed:,} rows streamed, no file): {_summary(reads)}")
    for fmt in ("pdf", "xlsx"):
        params = {
            "mau_so": "incoming",
            "so": register.pk,
            "tu_ngay": first.isoformat(),
            "den_ngay": last.isoformat(),
            "dinh_dang": fmt,
        }
        times = []
        size = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            response = browser.get("/van-ban/in-so/tai/", params)
            # The book is streamed: reading it all is part of serving it.
            content = response.getvalue()
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            size = len(content)
        extra = ""
        if fmt == "pdf":
            import io

            from pypdf import PdfReader

            extra = f", {len(PdfReader(io.BytesIO(content)).pages):,} pages"
        _log(
            f"PRINTOUT {fmt.upper()} {rows:,} rows: {_summary(times)} "
            f"({size / 1024 / 1024:.1f} MiB{extra}; "
            f"{rows / (statistics.median(times) / 1000):,.0f} rows/s)"
        )


def main() -> None:
    """Parse the subcommand and run it."""
    parser = argparse.ArgumentParser(description="Register benchmarks on PostgreSQL.")
    parser.add_argument("command", choices=["load", "bulk", "list", "printout", "explain", "all"])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db-name", default="vanthu_bench_registers")
    parser.add_argument("--rows", type=int, default=1_000_000, help="load: incoming documents")
    parser.add_argument("--busy-share", type=float, default=0.25, help="load: busiest agency")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--batches", type=int, default=20, help="bulk: timed batches")
    parser.add_argument("--batch-size", type=int, default=500, help="bulk: documents per batch")
    parser.add_argument("--profile", action="store_true", help="bulk: cProfile one batch")
    parser.add_argument("--repeat", type=int, default=30, help="list: timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="list: untimed requests per case")
    parser.add_argument(
        "--depths",
        type=lambda v: [int(x) for x in v.split(",") if x],
        default=[1_000, 100_000, 240_000],
        help="list: keyset pages after these rows of the unfiltered list",
    )
    parser.add_argument("--runs", type=int, default=3, help="printout: runs per format")
    parser.add_argument("--only", default="", help="explain: cases whose label matches")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_name):
        raise SystemExit("--db-name must be a plain identifier")
    commands: dict[str, Callable[[argparse.Namespace], None]] = {
        "load": cmd_load,
        "bulk": cmd_bulk,
        "list": cmd_list,
        "printout": cmd_printout,
        "explain": cmd_explain,
    }
    if args.command == "all":
        # bulk last: its documents, all received "now", would sit on top of the measured list.
        for name in ("load", "list", "printout", "bulk"):
            commands[name](args)
    else:
        commands[args.command](args)


if __name__ == "__main__":
    main()
