"""Exchange benchmark: two Vanthu instances on one machine, packets signed and checked.

Issue 6 check: "packets per second between two instances on one machine with signatures
checked (target >= 100/s); issue-to-"01 arrived" latency (target p95 under 1 s)".

Two instances (`vanthu serve` + `vanthu worker`, own VANTHU_VAR_DIR and database, as in
`vanthu/exchange/tests/test_two_instances.py`) sign every packet they send with a test-CA key
(VANTHU_EXCHANGE_SIGNING_KEY/CERT) and check every packet they receive against that CA
(VANTHU_TRUST_ANCHORS_DIR). SQLite by default; `--postgres URL` gives each instance its own
PostgreSQL database on that server (`bench_exchange_a`, `bench_exchange_b`, dropped and made
again).

- Warm-up: `--warmup` documents (20) are exchanged first, not measured: every process has
  imported its code and loaded its key before the window.
- Throughput: everything is started and idle; agency A's workers are paused (SIGSTOP) while its
  clerk issues N documents to B, then resumed. Reported: the time from the first packet built
  at A to the last reception written at B (packets per second delivered), and to the last "01"
  stored back at A (the whole exchange settled: each document is two signed packets); and the
  CPU seconds all processes of both instances used in that window, per document.
- Latency: with everything running, A issues M more documents (`--pause` s apart; default
  back to back); for each, the time from the clerk's send (`sent_at`) to A storing B's "01".

    uv run python -m bench.exchange [--documents 200] [--latency 30] [--workers 2]
        [--web 2] [--pause 0] [--warmup 20] [--py-spy FOLDER]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from vanthu.exchange.tests.pki import issue, make_ca
from vanthu.exchange.tests.test_two_instances import KEY_ID, SECRET, _env, _free_port

TICKS = os.sysconf("SC_CLK_TCK")


def _ts(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value)).timestamp()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _machine() -> str:
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1]
    load = os.getloadavg()
    return f"{cores} cores, memory: {' '.join(memory.split()[:2])}, load {load[0]:.2f}"


def _cpu_seconds(groups: set[int]) -> dict[int, float]:
    """CPU seconds (user + system) used so far by the processes of each process group."""
    total = dict.fromkeys(groups, 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) in groups:  # pgrp
            total[int(fields[2])] += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


class Side:
    """One instance of the benchmark: data directory, database, port, processes."""

    def __init__(self, name: str, base: Path, extra: dict[str, str], postgres: str) -> None:
        self.name = name
        self.var_dir = base / name
        self.port = _free_port()
        self.log = base / f"{name}.log"
        self.env = {**_env(self.var_dir), **extra}
        self.database = ""
        if postgres:
            self.database = f"bench_exchange_{name}"
            self.env["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/" + self.database
        self.processes: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *argv: str) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, *argv],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )

    def call(self, *argv: str) -> None:
        if self.run(*argv).wait() != 0:
            raise SystemExit(f"{argv} failed on {self.name}:\n{self.tail()}")

    def tail(self) -> str:
        return f"--- {self.name}\n" + self.log.read_text(errors="replace")[-3000:]

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.database:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as connection:
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        uri = f"file:{self.var_dir / 'vanthu.sqlite3'}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def count(self, sql: str, *params: Any) -> int:
        return int(self.query(sql, *params)[0][0])

    def is_up(self) -> bool:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/api/v1/exchange/packets/")
            return connection.getresponse().status > 0
        except OSError:
            return False
        finally:
            connection.close()

    def workers_ready(self, count: int) -> bool:
        return len(list((self.var_dir / "run").glob("worker-*.json"))) >= count

    def signal_workers(self, sig: int) -> None:
        for process in self.workers:
            os.killpg(process.pid, sig)

    def pause_workers(self) -> None:
        """SIGSTOP the workers, never while one holds SQLite's write lock (it would stay held)."""
        for _ in range(100):
            self.signal_workers(signal.SIGSTOP)
            if self.database:
                return
            connection = sqlite3.connect(self.var_dir / "vanthu.sqlite3", timeout=0.2)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.rollback()
                return
            except sqlite3.OperationalError:
                self.signal_workers(signal.SIGCONT)
                time.sleep(0.01)
            finally:
                connection.close()
        raise RuntimeError(f"the workers of {self.name} keep the database locked")

    def groups(self) -> set[int]:
        return {p.pid for p in self.processes + self.workers}


def _wait(predicate: Callable[[], bool], limit: float, what: str, sides: list[Side]) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out: {what}\n" + "\n".join(s.tail() for s in sides))


def _prepare(sides: list[Side], base: Path, postgres: str) -> None:
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as connection:
            for side in sides:
                connection.execute(f"drop database if exists {side.database} with (force)")
                connection.execute(f"create database {side.database}")
        for side in sides:
            side.call("-m", "vanthu.config.cli", "migrate", "-v0")
            side.call("-m", "vanthu.config.cli", "collectstatic", "--noinput", "-v0")
        return
    template = base / "template"
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "-m", "vanthu.config.cli", *command], env=_env(template), check=True
        )
    for side in sides:
        shutil.copytree(template, side.var_dir)


def _spies_start(folder: str, sides: list[Side]) -> list[subprocess.Popen[bytes]]:
    """Start py-spy (collapsed stacks) on every process of both instances."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    spies = []
    for side in sides:
        for role, processes in (("web", side.processes), ("workers", side.workers)):
            for process in processes:
                output = Path(folder) / f"{side.name}-{role}-{process.pid}.txt"
                command = ["py-spy", "record", "--pid", str(process.pid), "--subprocesses"]
                command += ["--format", "raw", "--rate", "200", "--nonblocking", "-o", str(output)]
                spies.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
    time.sleep(1)
    return spies


def _spies_stop(spies: list[subprocess.Popen[bytes]]) -> None:
    for spy in spies:
        spy.send_signal(signal.SIGINT)
    for spy in spies:
        spy.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--latency", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2, help="task workers per instance")
    parser.add_argument("--web", type=int, default=2, help="gunicorn processes per instance")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds between the latency run's documents"
    )
    parser.add_argument(
        "--postgres", default="", help="a PostgreSQL URL: each instance gets its own database"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="documents exchanged before the measured window (not measured)",
    )
    parser.add_argument(
        "--py-spy",
        default="",
        help="a folder: sample every process of both instances with py-spy during the "
        "throughput window (collapsed stacks, one file per process)",
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="vanthu-bench-exchange-"))
    # A test CA and one signing key per instance; each trusts the CA.
    _ca_key, ca_certificate = make_ca()
    from cryptography.hazmat.primitives import serialization

    trust = base / "trust"
    trust.mkdir()
    (trust / "ca.pem").write_bytes(ca_certificate.public_bytes(serialization.Encoding.PEM))
    sides: list[Side] = []
    for name in ("a", "b"):
        issued = issue(f"Vanthu bench {name}")
        (base / f"{name}-key.pem").write_bytes(issued.key_pem)
        (base / f"{name}-cert.pem").write_bytes(issued.certificate_pem)
        extra = {
            "VANTHU_EXCHANGE_SIGNING_KEY": str(base / f"{name}-key.pem"),
            "VANTHU_EXCHANGE_SIGNING_CERT": str(base / f"{name}-cert.pem"),
            "VANTHU_TRUST_ANCHORS_DIR": str(trust),
        }
        sides.append(Side(name, base, extra, args.postgres))
    a, b = sides
    _prepare(sides, base, args.postgres)
    peers = "vanthu.exchange.tests.peers"
    for side, other in ((a, b), (b, a)):
        side.call("-m", peers, "setup", side.name, other.url, KEY_ID, SECRET)
    try:
        for side in sides:
            serve = ["serve", "--bind", f"127.0.0.1:{side.port}", "--workers", str(args.web)]
            serve += ["--threads", "4", "--no-access-log"]
            side.processes.append(side.run("-m", "vanthu.config.cli", *serve))
            for _ in range(args.workers):
                side.workers.append(side.run("-m", "vanthu.config.cli", "worker"))
        _wait(
            lambda: all(s.is_up() and s.workers_ready(args.workers) for s in sides),
            600,
            "servers and workers",
            sides,
        )
        time.sleep(2)  # the last worker's first poll
        groups = a.groups() | b.groups()
        status_sql = "select count(*) from exchange_packet where direction='in' and kind='status'"
        received_sql = "select count(*) from exchange_reception"
        unchecked_sql = "select count(*) from exchange_receptionfile where signature_status = ''"
        if args.warmup:
            # Every process imports its code, opens its database and loads its key once: a
            # first exchange, not measured, so the window shows the steady state.
            a.call("-m", peers, "send", "a", str(args.warmup))
            _wait(lambda: a.count(status_sql) >= args.warmup, 300, "warm-up", sides)
            _wait(lambda: b.count(unchecked_sql) == 0, 300, "warm-up checks", sides)
        # Only what happens after the warm-up is measured.
        a_packets = a.count("select coalesce(max(id), 0) from exchange_packet")
        b_receptions = b.count("select coalesce(max(id), 0) from exchange_reception")
        b_packets = b.count("select coalesce(max(id), 0) from exchange_packet")
        a_statuses = a.count(status_sql)
        # Throughput: N documents issued while A's workers are paused, then released.
        n = args.documents
        a.pause_workers()
        started = time.monotonic()
        a.call("-m", peers, "send", "a", str(n))
        issuing = time.monotonic() - started
        roles = {p.pid: f"{s.name}-web" for s in sides for p in s.processes}
        roles |= {p.pid: f"{s.name}-workers" for s in sides for p in s.workers}
        spies = _spies_start(args.py_spy, sides) if args.py_spy else []
        cpu_before = _cpu_seconds(groups)
        a.signal_workers(signal.SIGCONT)
        _wait(lambda: b.count(received_sql) >= n + args.warmup, 900, "receptions", sides)
        cpu_delivered = _cpu_seconds(groups)
        _wait(lambda: a.count(status_sql) >= n + a_statuses, 900, "01 statuses", sides)
        cpu_settled = _cpu_seconds(groups)
        _spies_stop(spies)
        _wait(lambda: b.count(unchecked_sql) == 0, 900, "signature checks of the files", sides)
        cpu_checked = _cpu_seconds(groups)
        first = min(
            _ts(r[0])
            for r in a.query(
                "select at from exchange_packet where direction='out' and kind='document' "
                "and id > ?",
                a_packets,
            )
        )
        last = max(
            _ts(r[0])
            for r in b.query("select arrived_at from exchange_reception where id > ?", b_receptions)
        )
        settled = max(
            _ts(r[0])
            for r in a.query(
                "select at from exchange_packet where direction='in' and kind='status' and id > ?",
                a_packets,
            )
        )
        valid_sql = "select count(*) from exchange_packet where id > ? and direction='in' and " + (
            "signature_report->>'status' = 'valid'"
            if args.postgres
            else "json_extract(signature_report, '$.status') = 'valid'"
        )
        signed_b, signed_a = b.count(valid_sql, b_packets), a.count(valid_sql, a_packets)
        rate = (n - 1) / (last - first) if last > first else float("inf")

        def spent(at: dict[int, float]) -> float:
            return sum(at.values()) - sum(cpu_before.values())

        by_role: dict[str, float] = {}
        for pid, seconds in cpu_checked.items():
            by_role[roles[pid]] = by_role.get(roles[pid], 0.0) + seconds - cpu_before[pid]
        settled_rate = (n - 1) / (settled - first) if settled > first else float("inf")
        # Latency: M documents issued while everything runs.
        before = a.count("select coalesce(max(id), 0) from registry_outgoingdocument")
        a.call("-m", peers, "send", "a", str(args.latency), str(args.pause))
        m = args.latency
        sql = (
            "select o.sent_at, pin.at from registry_outgoingdocument o "
            "join exchange_delivery d on d.outgoing_id = o.id "
            "join exchange_packet pout on pout.delivery_id = d.id and pout.direction = 'out' "
            "join exchange_packet pin on pin.direction = 'in' and pin.kind = 'status' "
            "and pin.document_id = pout.document_id where o.id > ?"
        )
        _wait(lambda: len(a.query(sql, before)) >= m, 300, "latency 01 statuses", sides)
        latencies = [_ts(arrived) - _ts(sent) for sent, arrived in a.query(sql, before)]
        p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
        database = "PostgreSQL" if args.postgres else "SQLite"
        print(f"machine: {_machine()}")
        print(
            f"{database}; per instance: {args.web} gunicorn processes x 4 threads, "
            f"{args.workers} workers"
        )
        print(f"issued {n} documents in {issuing:.1f} s (before the transport, not measured)")
        print(
            f"throughput: {n} documents delivered in {last - first:.2f} s = {rate:.1f} packets/s "
            f"({signed_b} received at B with a valid signature); target >= 100/s: "
            f"{'met' if rate >= 100 else 'NOT met'}"
        )
        print(
            f"settled: {n} '01' back at A in {settled - first:.2f} s = {settled_rate:.1f} "
            f"documents/s, {2 * settled_rate:.1f} packets/s both ways ({signed_a} statuses "
            "received at A with a valid signature)"
        )
        print(
            f"CPU of both instances: {spent(cpu_delivered):.1f} s until delivered, "
            f"{spent(cpu_settled):.1f} s until settled, "
            f"{spent(cpu_checked):.1f} s until the files' signatures were checked = "
            f"{spent(cpu_checked) / n * 1000:.0f} ms per document; by role: "
            + ", ".join(f"{role} {by_role[role] / n * 1000:.0f} ms" for role in sorted(by_role))
        )
        print(
            f"latency issue -> 01 at sender, {m} documents {args.pause:g} s apart: "
            f"p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; target p95 < 1 s: "
            f"{'met' if p95 < 1 else 'NOT met'}"
        )
    finally:
        for side in sides:
            for process in side.processes + side.workers:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGCONT)
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if args.keep:
            print(f"kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
        if args.postgres and not args.keep:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as connection:
                for side in sides:
                    connection.execute(f"drop database if exists {side.database} with (force)")


if __name__ == "__main__":
    main()
