"""Exchange benchmark: two Vanthu instances on one machine, packets signed and checked.

Issue 6 check: "packets per second between two instances on one machine with signatures
checked (target >= 100/s); issue-to-"01 arrived" latency (target p95 under 1 s)".

Two instances (`vanthu serve` + `vanthu worker`, own VANTHU_VAR_DIR and SQLite, as in
`vanthu/exchange/tests/test_two_instances.py`) sign every packet they send with a test-CA key
(VANTHU_EXCHANGE_SIGNING_KEY/CERT) and check every packet they receive against that CA
(VANTHU_TRUST_ANCHORS_DIR).

- Throughput: agency A's clerk issues N documents to B while the workers are stopped; then the
  workers start and the time from the first packet built at A to the last reception written
  at B gives packets per second (each also makes B send "01" back, not counted).
- Latency: with everything running, A issues M more documents (`--pause` s apart; default
  back to back); for each, the time
  from the clerk's send (`sent_at`) to A storing B's "01" status packet.

    uv run python -m bench.exchange [--documents 200] [--latency 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from vanthu.exchange.tests.pki import issue, make_ca
from vanthu.exchange.tests.test_two_instances import (
    KEY_ID,
    SECRET,
    Instance,
    _env,
    _free_port,
)


def _ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _wait(predicate, limit: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out: {what}")


def _machine() -> str:
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1]
    load = os.getloadavg()
    return f"{cores} cores, memory: {' '.join(memory.split()[:2])}, load {load[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--latency", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2, help="task workers per instance")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds between the latency run's documents"
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="vanthu-bench-exchange-"))
    # A test CA and one signing key per instance; each trusts the CA.
    _ca_key, ca_certificate = make_ca()
    from cryptography.hazmat.primitives import serialization

    trust = base / "trust"
    trust.mkdir()
    (trust / "ca.pem").write_bytes(ca_certificate.public_bytes(serialization.Encoding.PEM))
    extra: dict[str, dict[str, str]] = {}
    for side in ("a", "b"):
        issued = issue(f"Vanthu bench {side}")
        (base / f"{side}-key.pem").write_bytes(issued.key_pem)
        (base / f"{side}-cert.pem").write_bytes(issued.certificate_pem)
        extra[side] = {
            "VANTHU_EXCHANGE_SIGNING_KEY": str(base / f"{side}-key.pem"),
            "VANTHU_EXCHANGE_SIGNING_CERT": str(base / f"{side}-cert.pem"),
            "VANTHU_TRUST_ANCHORS_DIR": str(trust),
        }
    template = base / "template"
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "-m", "vanthu.config.cli", *command], env=_env(template), check=True
        )
    a, b = (Instance(s, base / s, _free_port(), base / f"{s}.log") for s in ("a", "b"))
    for instance in (a, b):
        shutil.copytree(template, instance.var_dir)

    def run(instance: Instance, *argv: str) -> subprocess.Popen[bytes]:
        env = {**_env(instance.var_dir), **extra[instance.side]}
        with instance.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, *argv],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )

    peers = "vanthu.exchange.tests.peers"
    for instance, other in ((a, b), (b, a)):
        assert (
            run(instance, "-m", peers, "setup", instance.side, other.url, KEY_ID, SECRET).wait()
            == 0
        )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        started = time.monotonic()
        assert run(a, "-m", peers, "send", "a", str(args.documents)).wait() == 0
        issuing = time.monotonic() - started
        for instance in (a, b):
            processes.append(
                run(
                    instance,
                    "-m",
                    "vanthu.config.cli",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{instance.port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--no-access-log",
                )
            )
        _wait(lambda: a.is_up() and b.is_up(), 120, "servers")
        for instance in (a, b):
            for _ in range(args.workers):
                processes.append(
                    run(instance, "-m", "vanthu.config.cli", "worker", "--interval", "0.05")
                )
        n = args.documents
        _wait(
            lambda: int(b.query("select count(*) from exchange_reception")[0][0]) >= n,
            600,
            "receptions",
        )
        first = min(
            _ts(r[0])
            for r in a.query(
                "select at from exchange_packet where direction='out' and kind='document'"
            )
        )
        last = max(_ts(r[0]) for r in b.query("select arrived_at from exchange_reception"))
        signed = b.query(
            "select count(*) from exchange_packet where direction='in' and "
            "json_extract(signature_report, '$.status') = 'valid'"
        )[0][0]
        rate = (n - 1) / (last - first) if last > first else float("inf")
        # Latency: M documents issued while everything runs.
        before = int(a.query("select coalesce(max(id), 0) from registry_outgoingdocument")[0][0])
        assert run(a, "-m", peers, "send", "a", str(args.latency), str(args.pause)).wait() == 0
        m = args.latency
        sql = (
            "select o.sent_at, pin.at from registry_outgoingdocument o "
            "join exchange_delivery d on d.outgoing_id = o.id "
            "join exchange_packet pout on pout.delivery_id = d.id and pout.direction = 'out' "
            "join exchange_packet pin on pin.direction = 'in' and pin.kind = 'status' "
            "and pin.document_id = pout.document_id where o.id > ?"
        )
        _wait(lambda: len(a.query(sql, before)) >= m, 300, "01 statuses")
        latencies = [_ts(arrived) - _ts(sent) for sent, arrived in a.query(sql, before)]
        p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
        print(f"machine: {_machine()}")
        print(f"issued {n} documents in {issuing:.1f} s (before the transport, not measured)")
        print(
            f"throughput: {n} packets in {last - first:.2f} s = {rate:.1f} packets/s "
            f"({signed} received with a valid signature); target >= 100/s: "
            f"{'met' if rate >= 100 else 'NOT met'}"
        )
        print(
            f"latency issue -> 01 at sender, {m} documents {args.pause:g} s apart: "
            f"p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; target p95 < 1 s: "
            f"{'met' if p95 < 1 else 'NOT met'}"
        )
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, 9)
                process.wait()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
