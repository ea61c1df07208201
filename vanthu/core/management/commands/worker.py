"""`vanthu worker`: run the background worker (django_tasks_db) and publish a heartbeat.

django_tasks_db records no worker liveness, so each `vanthu worker` writes a small heartbeat file
under `VANTHU_VAR_DIR/run/` every few seconds and removes it when it stops; `vanthu check` reads
them (ADR 0007). Run as many workers as the load needs, on as many machines as needed.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

HEARTBEAT_SECONDS = 10
# A heartbeat older than this is a worker that stopped without cleaning up (killed, frozen).
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS


def heartbeat_dir() -> Path:
    """Return the directory of worker heartbeat files."""
    return Path(settings.VAR_DIR) / "run"


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The last sign of life of one worker process."""

    host: str
    pid: int
    worker_id: str
    queues: str
    beat_at: datetime

    def is_alive(self, now: datetime) -> bool:
        """Return whether the worker is running: fresh heartbeat, and a live process if local."""
        if (now - self.beat_at).total_seconds() > HEARTBEAT_STALE_SECONDS:
            return False
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # the process exists but belongs to another user
        return True


def read_heartbeats() -> list[Heartbeat]:
    """Return the heartbeats found in the run directory (unreadable files are skipped)."""
    beats = []
    for path in sorted(heartbeat_dir().glob("worker-*.json")):
        try:
            data = json.loads(path.read_text())
            beats.append(
                Heartbeat(
                    host=str(data["host"]),
                    pid=int(data["pid"]),
                    worker_id=str(data["worker_id"]),
                    queues=str(data["queues"]),
                    beat_at=datetime.fromisoformat(data["beat_at"]),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being replaced right now, or not ours
    return beats


class _HeartbeatWriter:
    def __init__(self, worker_id: str, queues: str) -> None:
        self.host = socket.gethostname()
        self.path = heartbeat_dir() / f"worker-{self.host}-{os.getpid()}.json"
        self.worker_id = worker_id
        self.queues = queues
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="vanthu-heartbeat", daemon=True)

    def _beat(self) -> None:
        payload = {
            "host": self.host,
            "pid": os.getpid(),
            "worker_id": self.worker_id,
            "queues": self.queues,
            "beat_at": datetime.now(UTC).isoformat(),
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload))
        os.replace(tmp, self.path)  # readers never see half a file

    def _run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            try:
                self._beat()
            except OSError:
                continue  # a full disk must not stop the worker; `vanthu check` will tell

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._beat()
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.path.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Chạy tiến trình nền xử lý hàng đợi tác vụ (OCR, gửi thư, liên thông…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="*",
            help="Hàng đợi cần xử lý, phân cách bằng dấu phẩy; * là tất cả (mặc định).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            # A document's arrival and its "01" wait for an idle worker's next look (issue 6:
            # under 1 s both ways); with the connection kept, a look is one indexed query.
            default=0.1,
            help="Số giây chờ giữa hai lần tìm tác vụ khi hàng đợi trống (mặc định 0,1).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Xử lý hết các tác vụ đang chờ rồi thoát."
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Thoát sau khi xử lý chừng này tác vụ."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 0 or (
            options["max_tasks"] is not None and options["max_tasks"] < 1
        ):
            raise CommandError("--interval không được âm và --max-tasks phải lớn hơn 0.")
        worker_id = f"{socket.gethostname()}-{os.getpid()}"[-64:]
        heartbeat = _HeartbeatWriter(worker_id, options["queue_name"])
        heartbeat.start()
        try:
            call_command(
                "db_worker",
                queue_name=options["queue_name"],
                interval=options["interval"],
                batch=options["batch"],
                max_tasks=options["max_tasks"],
                worker_id=worker_id,
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            heartbeat.stop()
