"""`vanthu workflow scan`: the periodic job of handling (run it every 15 minutes).

It notifies the assignments that are due soon or overdue (`workflow.scan.deadlines_scan`) and
mails again the notices whose mail failed (`workflow.mail.notification_email_retry`).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.workflow.mail import notification_email_retry
from vanthu.workflow.scan import deadlines_scan


class Command(BaseCommand):
    help = (
        "Quét hạn xử lý: báo văn bản sắp đến hạn, quá hạn và gửi lại thư thông báo chưa gửi "
        "được (chạy 15 phút một lần, ví dụ bằng cron hoặc systemd timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["scan"])
        parser.add_argument(
            "--no-mail-retry",
            action="store_true",
            help="Không gửi lại thư thông báo chưa gửi được.",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="GIÂY",
            help=(
                "Chạy mãi, mỗi GIÂY giây một lần (ví dụ 900), cho tới khi nhận SIGTERM hoặc "
                "Ctrl+C; mặc định chạy một lần rồi thôi."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: int = options["every"]
        if every < 0:
            raise CommandError("--every không được âm.")
        if not every:
            self._scan(options)
            return
        stopped = threading.Event()

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            stopped.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, on_signal)
        while not stopped.is_set():
            try:
                self._scan(options)
            except Exception as exc:  # a failed round (database away) must not end the loop
                self.stderr.write(f"Lượt quét lỗi: {exc!r}")
            stopped.wait(every)

    def _scan(self, options: dict[str, Any]) -> None:
        result = deadlines_scan()
        self.stdout.write(
            f"Đã xét {result.checked} phân công có hạn: {result.due_soon} thông báo sắp đến "
            f"hạn, {result.overdue} thông báo quá hạn."
        )
        if options["no_mail_retry"]:
            return
        retry = notification_email_retry()
        line = f"Đã gửi lại {retry.sent} thư thông báo."
        if retry.failed:
            line += f" Máy chủ thư chưa nhận thư: {retry.error}"
            self.stderr.write(line)
        else:
            self.stdout.write(line)
