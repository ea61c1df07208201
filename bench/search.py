"""Full-text search benchmark: p50/p95 of realistic queries as the clerk of one agency.

Issue 7 check: search p95 under 100 ms over 100,000 documents on SQLite and 1,000,000 on
PostgreSQL. Documents are made from the sentences of the seed regulation (QĐ 22/2017) with
varied agencies (200), types, senders and dates; the index is bulk-loaded directly (SQLite:
executemany into search_entry and the FTS5 table; PostgreSQL: COPY, the tsvector is generated
by the database; then the vocabulary of spelling correction is filled from ts_stat), then
every query is timed through `search_documents`, snippets included.

    uv run python -m bench.search --docs 100000                        # SQLite, temp file
    uv run python -m bench.search --docs 100000 --postgres h_search_bench   # drops it after
    uv run python -m bench.search --docs 1000000 --postgres h_search_bench --keep  # keeps it
    uv run python -m bench.search --postgres h_search_bench --reuse --keep  # measure again
    uv run python -m bench.search --docs 100000 --sqlite-file /tmp/s.sqlite3  # kept; --reuse

Nothing else is touched: SQLite uses a temporary directory, PostgreSQL its own database.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = Path("/work/shared/seed/QD-22-2017-UBND-KhanhHoa.txt")
AGENCIES = 200
ACTOR_AGENCY = 7
TYPES = [
    (1, "Công văn"),
    (2, "Quyết định"),
    (3, "Kế hoạch"),
    (4, "Báo cáo"),
    (5, "Tờ trình"),
    (6, "Thông báo"),
    (7, "Giấy mời"),
    (8, "Chỉ thị"),
]
SENDERS = [
    "Ủy ban nhân dân tỉnh Khánh Hòa",
    "Sở Thông tin và Truyền thông",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Ủy ban nhân dân thành phố Nha Trang",
    "Ủy ban nhân dân thành phố Cam Ranh",
    "Ủy ban nhân dân huyện Cam Lâm",
    "Ủy ban nhân dân thị xã Ninh Hòa",
    "Sở Kế hoạch và Đầu tư",
    "Bộ Thông tin và Truyền thông",
    "Văn phòng Chính phủ",
    "Ủy ban nhân dân thành phố Đà Nẵng",
]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thị Dung", "Đặng Văn Đức"]
QUERIES = [
    "quyet dinh",
    "văn bản điện tử",
    "trao doi van ban dien tu",
    '"chữ ký số"',
    "ho so cong viec",
    "luu tru",
    "dinh",
    "da nang",
    "chuyen*",
    "thu tuc hanh chinh",
    "Sở Tài chính báo cáo",
    '"quản lý văn bản và điều hành"',
    "bảo mật thông tin",
    "125/STTTT-VP",
    "Nha Trnag",  # a typo: no exact hit, so PostgreSQL corrects it against the vocabulary
]


def sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8").replace("*", "")
    parts = re.split(r"(?<=[.;:])\s+|\n+", text)
    return [" ".join(p.split()) for p in parts if len(p.split()) >= 6]


def documents(n: int, rng: random.Random):
    pool = sentences()
    start = date(2020, 1, 1)
    for i in range(1, n + 1):
        type_id, type_name = rng.choice(TYPES)
        agency = rng.randint(1, AGENCIES)
        summary = (type_name + " về việc " + rng.choice(pool)[:180]).strip()
        number = f"{rng.randint(1, 3000)}/{rng.choice(['STTTT', 'STC', 'SNV', 'UBND'])}-VP"
        meta = "\n".join(
            [
                number,
                summary,
                "Nơi gửi: " + rng.choice(SENDERS),
                "Người ký: " + rng.choice(SIGNERS) + " Giám đốc",
                type_name,
                f"Số đến {i}",
            ]
        )
        body = " ".join(rng.choice(pool) for _ in range(rng.randint(4, 12)))
        kind = "incoming" if rng.random() < 0.7 else "outgoing"
        day = start + timedelta(days=rng.randint(0, 6 * 365))
        yield (
            i,
            kind,
            i,
            agency,
            agency * 2 + (kind == "outgoing"),
            type_id,
            day,
            number,
            summary[:500],
            meta,
            body,
        )


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    os.environ.setdefault("VANTHU_TESTING", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "search", verbosity=0)


COLUMNS = (
    "id, kind, object_id, agency_id, register_id, document_type_id, date, number, summary, "
    "meta, body, indexed_at"
)


def load(n: int, seed: int) -> float:
    from django.db import connection
    from django.utils import timezone

    from vanthu.search.index import scope_token, vocabulary_fill
    from vanthu.search.text import fold

    rng = random.Random(seed)
    now = timezone.now()
    began = time.perf_counter()
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Bulk load: the GIN indexes are dropped during COPY and built once afterwards
            # (maintaining them row by row is most of the load time).
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entry' "
                "AND indexdef LIKE '%%USING gin%%'"
            )
            gin = cursor.fetchall()
            for name, _definition in gin:
                cursor.execute(f'DROP INDEX "{name}"')
            raw = cursor.cursor
            with raw.copy(f"COPY search_entry ({COLUMNS}) FROM STDIN") as copy:
                for row in documents(n, rng):
                    copy.write_row((*row, now))
            print(f"copied in {time.perf_counter() - began:.1f} s; building indexes…")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in gin:
                cursor.execute(definition)
            words = vocabulary_fill()
            print(
                f"indexes built at {time.perf_counter() - began:.1f} s; vocabulary: {words:,} words"
            )
        else:

            def flush() -> None:
                cursor.executemany(
                    f"INSERT INTO search_entry ({COLUMNS}) VALUES ({', '.join(['%s'] * 12)})",
                    [(*r, now) for r in batch],
                )
                cursor.executemany(
                    "INSERT INTO search_fts (rowid, scope, meta, body) VALUES (%s, %s, %s, %s)",
                    [(r[0], scope_token(r[3]), fold(r[9]), fold(r[10])) for r in batch],
                )
                batch.clear()

            for row in documents(n, rng):
                batch.append(row)
                if len(batch) == 5000:
                    flush()
            flush()
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    if connection.vendor == "postgresql":
        connection.commit() if not connection.get_autocommit() else None
        with connection.cursor() as cursor:
            # As autovacuum would leave it (visibility map set): else the first searches set
            # hint bits and an autovacuum of a million rows may start in the middle of a run.
            cursor.execute("VACUUM ANALYZE search_entry")
            cursor.execute("VACUUM ANALYZE search_word")
    return time.perf_counter() - began


def measure(rounds: int) -> list[tuple[str, list[float], int, bool]]:
    from vanthu.core.actor import Actor, Grant
    from vanthu.search.selectors import SearchFilters, search_documents

    actor = Actor(
        person_id=1,
        name="Văn thư",
        agency_id=ACTOR_AGENCY,
        grants=frozenset({Grant(role="clerk", agency_id=ACTOR_AGENCY)}),
    )
    cases = [(q, SearchFilters(), 1) for q in QUERIES]
    cases += [
        ("quyet dinh", SearchFilters(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31)), 1),
        ("van ban dien tu", SearchFilters(kind="outgoing", document_type_id=2), 1),
        ("van ban", SearchFilters(), 3),
    ]
    results = []
    for query, filters, page in cases:
        times = []
        total = 0
        fuzzy = False
        corrected = ""
        search_documents(actor=actor, query=query, filters=filters, page=page)  # warm
        for _ in range(rounds):
            t = time.perf_counter()
            result = search_documents(actor=actor, query=query, filters=filters, page=page)
            times.append((time.perf_counter() - t) * 1000)
            total = result.total
            fuzzy = result.fuzzy
            corrected = result.corrected
        label = (
            ("~" if fuzzy else "")
            + query
            + ("" if filters == SearchFilters() else " +filters")
            + (f" p{page}" if page > 1 else "")
            + (f" → {corrected}" if corrected else "")
        )
        results.append((label, times, total, fuzzy))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--postgres", metavar="DBNAME", help="benchmark PostgreSQL in DBNAME")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a kept database or SQLite file (no load)"
    )
    parser.add_argument("--sqlite-file", help="SQLite file to load into or reuse (kept)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-search-")
    reuse = False
    if args.postgres:
        import psycopg

        admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.postgres]
        ).fetchone()
        reuse = bool(args.reuse and exists)
        if not reuse:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.postgres}"')
            admin.execute(f'CREATE DATABASE "{args.postgres}"')
        url = f"postgres://postgres@127.0.0.1:5432/{args.postgres}"
    else:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        if args.sqlite_file:
            url = f"sqlite:///{args.sqlite_file}"
            reuse = bool(args.reuse and Path(args.sqlite_file).exists())
    os.environ["VANTHU_VAR_DIR"] = tmp
    setup(url)
    from django.db import connection

    if reuse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_entry")
            print(f"{connection.vendor}: reusing {cursor.fetchone()[0]:,} documents")
    else:
        print(f"{connection.vendor}: loading {args.docs:,} documents, {AGENCIES} agencies…")
        seconds = load(args.docs, seed=22)
        print(f"loaded in {seconds:.1f} s ({args.docs / seconds:,.0f} documents/s)")
    print("load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    results = measure(args.rounds)
    every: list[float] = []
    exact: list[float] = []
    print(
        f"{'query (~ = corrected by the typo fallback)':45} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8}"
    )
    for label, times, total, fuzzy in results:
        every.extend(times)
        if not fuzzy:
            exact.extend(times)
        q = statistics.quantiles(times, n=20)
        print(f"{label[:45]:45} {total:7} {statistics.median(times):8.1f} {q[18]:8.1f}")
    q = statistics.quantiles(every, n=20)
    print(f"ALL {len(every)} searches: p50 {statistics.median(every):.1f} ms, p95 {q[18]:.1f} ms")
    if len(exact) != len(every):
        q = statistics.quantiles(exact, n=20)
        print(
            f"without the fuzzy fallback, {len(exact)} searches: "
            f"p50 {statistics.median(exact):.1f} ms, p95 {q[18]:.1f} ms"
        )
    print("load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    connection.close()
    if args.postgres and not args.keep:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.postgres}"')
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
