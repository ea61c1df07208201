"""`vanthu exchange import-partners FILE` and `vanthu exchange send [--every N]`.

`import-partners` loads the partner directory (CSV or JSON), all or nothing, listing every bad
line; `send` sends the pending deliveries and outbox messages that are due (the sweep that
backs up the sending task: a row whose task was lost is still sent).
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.core.actor import Actor
from vanthu.core.errors import VanthuError
from vanthu.exchange.outbound import due_send
from vanthu.exchange.partners import (
    FIELDS,
    MAX_PARTNER_BYTES,
    PartnerFileError,
    partner_import,
    partners_parse,
)


class Command(BaseCommand):
    help = "Liên thông văn bản: nhập danh bạ hệ thống liên thông; gửi các gói tin đang chờ."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser(
            "import-partners",
            help="Nhập danh bạ hệ thống liên thông từ tệp CSV hoặc JSON (tất cả hoặc không).",
        )
        importing.add_argument(
            "file",
            help="Tệp CSV (có dòng tiêu đề) hoặc JSON, mã UTF-8; - là đầu vào chuẩn. Cột: "
            + ", ".join(FIELDS)
            + " (agency_identifiers cách nhau bởi dấu cách hoặc ;).",
        )
        sending = sub.add_parser("send", help="Gửi các gói tin đến hạn gửi (lần đầu hoặc gửi lại).")
        sending.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="GIÂY",
            help="Chạy mãi, mỗi GIÂY giây một lần, cho tới khi nhận SIGTERM hoặc Ctrl+C.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import-partners":
            self._import(options["file"])
            return
        every: int = options["every"]
        if every < 0:
            raise CommandError("--every không được âm.")
        if not every:
            self._send()
            return
        stopped = threading.Event()

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            stopped.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, on_signal)
        while not stopped.is_set():
            try:
                self._send()
            except Exception as exc:  # a failed round (database away) must not end the loop
                self.stderr.write(f"Lượt gửi lỗi: {exc!r}")
            stopped.wait(every)

    def _send(self) -> None:
        counts = due_send()
        if counts:
            self.stdout.write(
                "Đã xét gói tin chờ gửi: "
                + ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
            )

    def _import(self, name: str) -> None:
        if name == "-":
            data: bytes = sys.stdin.buffer.read(MAX_PARTNER_BYTES + 1)
        else:
            try:
                data = Path(name).read_bytes()[: MAX_PARTNER_BYTES + 1]
            except OSError as exc:
                raise CommandError(f"Không đọc được tệp {name}: {exc.strerror}.") from None
        try:
            rows = partners_parse(data, filename=name)
        except PartnerFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                "Không nhập được danh bạ hệ thống liên thông, chưa lưu gì."
            ) from None
        try:
            created, updated = partner_import(actor=Actor.system("vanthu exchange"), rows=rows)
        except VanthuError as exc:
            raise CommandError(f"Không nhập được, chưa lưu gì. {exc.message}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} hệ thống liên thông: {created} tạo mới, {updated} cập nhật."
            )
        )
