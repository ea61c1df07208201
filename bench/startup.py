"""Startup benchmark: `uv run vanthu demo` on a fresh data directory until the first 200 response.

Measures what a newcomer waits for after typing the README's first command: interpreter and
Django start, `migrate` of an empty SQLite database, loading the Khánh Hòa demo data (Argon2
hash computed once), gunicorn and the worker starting, and the first page (the login page by
default) answering 200. Target: under 60 s.

    uv run python -m bench.startup               # 3 runs, the login page
    uv run python -m bench.startup --runs 5 --path /api/v1/schema/

Each run uses its own temporary VANTHU_VAR_DIR and a free port, and never the database named by
DATABASE_URL. Results are recorded in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TIMEOUT_SECONDS = 300.0
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def one_run(path: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="vanthu-bench-") as tmp:
        var_dir = Path(tmp) / "var"
        log_path = Path(tmp) / "demo.log"
        port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "VANTHU_", "DJANGO_", "AWS_"))
        }
        env.update(VANTHU_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
        with log_path.open("wb") as log:
            started = time.perf_counter()
            process = subprocess.Popen(
                ["uv", "run", "vanthu", "demo", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # one process group: uv, vanthu and its children
            )
            try:
                while True:
                    elapsed = time.perf_counter() - started
                    if status(port, path) == 200:
                        break
                    if process.poll() is not None or elapsed > TIMEOUT_SECONDS:
                        raise RuntimeError(
                            "vanthu demo did not answer:\n" + log_path.read_text(errors="replace")
                        )
                    time.sleep(0.05)
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        text = log_path.read_text(errors="replace")
        loaded = re.search(r"Đã nạp dữ liệu mẫu: (.+?)\. \(([\d.]+) giây\)", text)
        migrated = re.search(r"Cơ sở dữ liệu sẵn sàng \(([\d.]+) giây\)", text)
        return {
            "seconds": elapsed,
            "migrate": float(migrated.group(1)) if migrated else None,
            "load": float(loaded.group(2)) if loaded else None,
            "data": loaded.group(1) if loaded else "?",
            "db_mib": (var_dir / "vanthu.sqlite3").stat().st_size / 1024 / 1024,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", default="/dang-nhap/", help="page that must answer 200")
    args = parser.parse_args()
    results = []
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for n in range(1, args.runs + 1):
        result = one_run(args.path)
        results.append(result)
        print(
            f"run {n}: first 200 on {args.path} after {result['seconds']:.1f} s "
            f"(migrate {result['migrate']} s, demo data {result['load']} s; "
            f"SQLite {result['db_mib']:.1f} MiB)"
        )
    seconds = [float(r["seconds"]) for r in results]  # type: ignore[arg-type]
    print(f"data: {results[0]['data']}")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"median {statistics.median(seconds):.1f} s, max {max(seconds):.1f} s; target "
        f"{TARGET_SECONDS:.0f} s: {'met' if max(seconds) < TARGET_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
