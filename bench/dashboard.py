"""Dashboard benchmark: latency of GET / on PostgreSQL with a province-sized organisation.

Issue check: "dashboard p95 with 1,000 agencies and 50,000 people on PostgreSQL under 20
concurrent clients (target under 150 ms)".

One run: drop and create a PostgreSQL database, migrate it, fill it with `bench.data.generate`,
start `vanthu serve` (gunicorn) on a free loopback port, sign in N different people through the
login form (a mix of roles, agency administrators first: theirs is the heaviest dashboard),
then let N client threads (stdlib `http.client`, a new connection per request unless
`--keep-alive`) request `/` a fixed number of times after a warm-up. Print count, median, p95,
p99, max and errors, overall and per role; stop the server and drop the database.

    uv run python -m bench.dashboard                      # full size: 1,000 / 50,000 / 20
    uv run python -m bench.dashboard --agencies 50 --people 2000 --clients 5 --requests 20
"""

from __future__ import annotations

import argparse
import cProfile
import html
import http.client
import json
import os
import pstats
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

TARGET_P95_MS = 150.0
ROOT = Path(__file__).resolve().parent.parent
# The role of each signed-in client, in order; cycled when there are more than 20 clients.
ROLE_MIX = [
    "agency_admin", "leader", "clerk", "agency_admin", "unit_head", "specialist", "agency_admin",
    "system_admin", "leader", "clerk", "agency_admin", "archivist", "specialist", "agency_admin",
    "unit_head", "leader", "agency_admin", "clerk", "system_admin", "agency_admin",
]  # fmt: skip


@dataclass
class Client:
    """One signed-in person and the latencies of their requests."""

    username: str
    full_name: str
    role: str
    agency: str
    cookies: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def cookie_header(self) -> str:
        """Return the Cookie header of this client's session."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def remember(self, response: http.client.HTTPResponse) -> None:
        """Keep the cookies a response sets (the session is saved on every request)."""
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value


def _log(message: str) -> None:
    # UTC: Django sets the process time zone (TZ) to TIME_ZONE once it is set up.
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def _admin_connection(base_url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(base_url.rstrip("/") + "/postgres", autocommit=True)


def _recreate_database(base_url: str, name: str) -> None:
    with _admin_connection(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(base_url: str, name: str) -> None:
    with _admin_connection(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(args: argparse.Namespace) -> list[Client]:
    """Migrate, collect static files, generate the data, analyse; return the people to sign in."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from bench.data import generate
    from vanthu.organizations.models import Agency, RoleGrant

    start = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    _log(f"migrated and collected static files in {time.perf_counter() - start:.1f}s")
    generate(args.agencies, args.people, args.seed)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # a steady-state database, not one fresh from a load
        cursor.execute("CHECKPOINT")  # write the load out now, not during the measurement
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    _log(
        f"VACUUM ANALYZE and CHECKPOINT in {time.perf_counter() - start:.1f}s; database size {size}"
    )

    # The largest agencies first: their dashboards count and list the most rows.
    largest = list(
        Agency.objects.annotate(n=Count("people")).order_by("-n", "pk").values_list("pk", flat=True)
    )
    rank = {pk: i for i, pk in enumerate(largest)}
    by_role: dict[str, list[RoleGrant]] = {}
    for grant in RoleGrant.objects.select_related("person", "agency").order_by("pk"):
        by_role.setdefault(grant.role, []).append(grant)
    for grants in by_role.values():
        grants.sort(key=lambda g: (rank[g.agency_id], g.pk))
    chosen: list[Client] = []
    used: set[int] = set()
    for i in range(args.clients):
        role = ROLE_MIX[i % len(ROLE_MIX)]
        grant = next((g for g in by_role.get(role, []) if g.person_id not in used), None)
        if grant is None:
            raise SystemExit(f"not enough people with role {role} for {args.clients} clients")
        used.add(grant.person_id)
        person = grant.person
        chosen.append(Client(person.username, person.full_name, role, grant.agency.short_name))
    if args.profile:
        _profile(chosen)
    connection.close()
    return chosen


def _profile(clients: list[Client]) -> None:
    """Render / in-process once per distinct role; print its SQL and its costliest calls."""
    from django.db import connection
    from django.test import Client as TestClient

    from vanthu.organizations.models import Person

    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql))

    seen: set[str] = set()
    for c in clients:
        if c.role in seen:
            continue
        seen.add(c.role)
        browser = TestClient(SERVER_NAME="127.0.0.1")
        browser.force_login(Person.objects.get(username=c.username))
        browser.get("/")  # warm caches (templates, URL resolver, connection)
        timings.clear()
        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            response = browser.get("/")
            elapsed = (time.perf_counter() - start) * 1000
        sql_ms = sum(t for t, _ in timings) * 1000
        print(
            f"\n== profile {c.role} ({c.username}, {c.agency}): HTTP {response.status_code}, "
            f"{elapsed:.1f} ms, {len(timings)} queries, {sql_ms:.1f} ms in SQL"
        )
        for t, sql in sorted(timings, key=lambda x: -x[0])[:6]:
            print(f"  {t * 1000:7.2f} ms  {sql[:160]}")
        profiler = cProfile.Profile()
        profiler.runcall(browser.get, "/")
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(r"vanthu/(?!config)|template/loader\.py", 10)


@contextmanager
def _server(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Iterator[int]:
    """Run the web server on a free loopback port until the block ends; yield the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = workdir / "server.log"
    sizing = ["--workers", str(args.workers), "--threads", str(args.threads)]
    vanthu = Path(sys.executable).with_name("vanthu")
    if vanthu.exists():  # the production entry point: `vanthu serve` execs gunicorn (gthread)
        command = [str(vanthu), "serve", "--bind", f"127.0.0.1:{port}", *sizing, "--no-access-log"]
    else:
        command = [
            sys.executable, "-m", "gunicorn", "vanthu.config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", *sizing, "--worker-class", "gthread",
            "--timeout", "60", "--no-control-socket",
        ]  # fmt: skip
    _log(f"starting: {' '.join(command)}")
    output = log.open("wb")
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"server exited ({process.returncode}): {log.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/dang-nhap/")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"server did not answer within 60 s: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        _log(f"server ready on 127.0.0.1:{port}")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        output.close()
        lines = [x for x in log.read_text().splitlines() if "WARNING" in x or "ERROR" in x]
        if lines:
            print("--- server log warnings and errors (last 20) ---", *lines[-20:], sep="\n")


def _sign_in(port: int, client: Client, password: str) -> None:
    """Sign in through the login form and check the dashboard greets this person."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/dang-nhap/")
    response = conn.getresponse()
    page = response.read().decode()
    client.remember(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None:
        raise SystemExit(f"login page: HTTP {response.status}, CSRF token found: {bool(token)}")
    body = urllib.parse.urlencode(
        {"username": client.username, "password": password, "csrfmiddlewaretoken": token[1]}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": client.cookie_header(),
        "Referer": f"http://127.0.0.1:{port}/dang-nhap/",
    }
    conn.request("POST", "/dang-nhap/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    client.remember(response)
    if response.status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"sign-in of {client.username} failed: HTTP {response.status}")
    conn.request("GET", "/", headers={"Cookie": client.cookie_header()})
    response = conn.getresponse()
    page = response.read().decode()
    client.remember(response)
    conn.close()
    if response.status != 200 or html.escape(client.full_name) not in page:
        raise SystemExit(f"dashboard of {client.username}: HTTP {response.status}, name missing")


def _run_client(
    port: int, client: Client, args: argparse.Namespace, barrier: threading.Barrier
) -> None:
    warmup, requests, think = args.warmup, args.requests, args.think_ms / 1000
    pause = random.Random(f"{args.seed}:{client.username}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    barrier.wait(timeout=120)
    for i in range(warmup + requests):
        if think:  # a person reading the page before the next click: 0.5 to 1.5 x think
            time.sleep(think * pause.uniform(0.5, 1.5))
        headers = {"Cookie": client.cookie_header()}
        if not args.keep_alive:
            # A new connection per request, as from a reverse proxy: each one goes to whichever
            # worker accepts it first. Kept-alive connections stay pinned to one worker.
            headers["Connection"] = "close"
        start = time.perf_counter()
        try:
            conn.request("GET", "/", headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            if not args.keep_alive:
                conn.close()
            client.remember(response)
            if response.status != 200:
                client.errors.append(f"HTTP {response.status}")
            elif i >= warmup:
                client.latencies.append(elapsed)
        except (OSError, http.client.HTTPException) as error:
            client.errors.append(type(error).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def _stats(latencies: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"count": 0}
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "count": len(ms),
        "median": statistics.median(ms),
        "p95": cuts[94],
        "p99": cuts[98],
        "max": ms[-1],
    }


def _fmt(stats: dict[str, float]) -> str:
    if not stats["count"]:
        return "count 0"
    return (
        f"count {stats['count']:>5}  median {stats['median']:7.1f} ms  p95 {stats['p95']:7.1f} ms"
        f"  p99 {stats['p99']:7.1f} ms  max {stats['max']:7.1f} ms"
    )


def _round(args: argparse.Namespace, port: int, clients: list[Client]) -> dict[str, object]:
    """Run one timed round with these clients at once; print and return its numbers."""
    for client in clients:
        client.latencies, client.errors = [], []
    barrier = threading.Barrier(len(clients) + 1)
    threads = [
        threading.Thread(target=_run_client, args=(port, c, args, barrier), daemon=True)
        for c in clients
    ]
    for thread in threads:
        thread.start()
    load_before = os.getloadavg()
    barrier.wait(timeout=120)
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=args.requests * (60 + 2 * args.think_ms / 1000))
    wall = time.perf_counter() - start
    load_after = os.getloadavg()
    everything = [x for c in clients for x in c.latencies]
    errors = [e for c in clients for e in c.errors]
    overall = _stats(everything)
    think = f"think time {args.think_ms:.0f} ms ±50 %" if args.think_ms else "no think time"
    reuse = "kept-alive connections" if args.keep_alive else "a connection per request"
    print(
        f"\nGET / — {len(clients)} clients x {args.requests} requests (+{args.warmup} warm-up),"
        f" {think}, {reuse}; server {args.workers} workers x {args.threads} threads"
    )
    print(f"  all            {_fmt(overall)}")
    per_role = {}
    for role in dict.fromkeys(c.role for c in clients):
        per_role[role] = _stats([x for c in clients if c.role == role for x in c.latencies])
        print(f"  {role:<14} {_fmt(per_role[role])}")
    throughput = (len(everything) + len(errors)) / wall if wall else 0.0
    print(f"  errors {len(errors)} {sorted(set(errors))}; {throughput:.1f} requests/s overall")
    before, after = ("/".join(f"{x:.2f}" for x in load) for load in (load_before, load_after))
    print(f"  load average (1/5/15 min) before {before}, after {after}")
    met = overall.get("count") and overall["p95"] < TARGET_P95_MS and not errors
    print(f"  target p95 < {TARGET_P95_MS:.0f} ms: {'MET' if met else 'NOT MET'}", flush=True)
    return {
        "clients": len(clients),
        "overall": overall,
        "per_role": per_role,
        "errors": len(errors),
        "requests_per_second": throughput,
        "load_average": {"before": load_before, "after": load_after},
        "target_met": bool(met),
    }


def _measure(args: argparse.Namespace, port: int, clients: list[Client]) -> dict[str, object]:
    """Sign everyone in, run the sweep rounds (if any), then the round with every client."""
    from bench.data import BENCH_PASSWORD

    for client in clients:
        _sign_in(port, client, BENCH_PASSWORD)
    _log(f"signed in {len(clients)} people; every dashboard greets its person by name")
    sizes = [k for k in args.sweep if k < len(clients)] + [len(clients)]
    rounds = [_round(args, port, clients[:k]) for k in sizes]
    return {"rounds": rounds, "people": [(c.username, c.role, c.agency) for c in clients]}


def main() -> None:
    """Run the benchmark once and print the results."""
    parser = argparse.ArgumentParser(description="Dashboard p95 benchmark on PostgreSQL.")
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--clients", type=int, default=20, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per client")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per client")
    parser.add_argument(
        "--think-ms", type=float, default=0, help="mean pause between a client's requests"
    )
    parser.add_argument(
        "--sweep",
        type=lambda v: [int(x) for x in v.split(",") if x],
        default=[],
        help="first run rounds with these smaller client counts, e.g. 1,5,10",
    )
    parser.add_argument("--keep-alive", action="store_true", help="reuse one connection per client")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--compare",
        type=lambda v: [tuple(int(n) for n in x.split("x")) for x in v.split(",") if x],
        default=[],
        help="then restart the server with these WORKERSxTHREADS and run every client again",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db-name", default="vanthu_bench_dashboard")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--profile", action="store_true", help="profile one render per role")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_name) or not 1 <= args.clients <= 200:
        raise SystemExit("--db-name must be a plain identifier; --clients between 1 and 200")

    workdir = Path(tempfile.mkdtemp(prefix="vanthu-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vanthu.config.settings",
        "DATABASE_URL": f"{args.pg.rstrip('/')}/{args.db_name}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "VANTHU_REQUIRE_2FA_FOR_ADMINS": "0",
        "VANTHU_VAR_DIR": str(workdir),
        "VANTHU_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _log(f"database {args.db_name}; scratch directory {workdir}")
    _recreate_database(args.pg, args.db_name)
    try:
        clients = _prepare(args)
        with _server(args, env, workdir) as port:
            result = _measure(args, port, clients)
        for workers, threads in args.compare:  # the same people, still signed in (sessions)
            other = argparse.Namespace(**{**vars(args), "workers": workers, "threads": threads})
            with _server(other, env, workdir) as port:
                result["rounds"].append(
                    _round(other, port, clients) | {"server": [workers, threads]}
                )
        if args.json:
            args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)},
                                             **result}, indent=2, default=str))  # fmt: skip
    finally:
        if not args.keep_db:
            _drop_database(args.pg, args.db_name)
            _log(f"dropped database {args.db_name}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
