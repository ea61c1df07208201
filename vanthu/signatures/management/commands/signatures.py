"""`vanthu signatures preserve`: the periodic job that keeps stored signatures verifiable.

Exits with status 1 when a file that needed a new timestamp did not get one (a timestamp
authority unreachable or not configured), so that cron or the systemd timer reports it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.signatures.preservation import signatures_preserve


class Command(BaseCommand):
    help = (
        "Kiểm tra lại chữ ký số đã lưu; bổ sung dữ liệu kiểm tra và dấu thời gian cho tệp có "
        "chứng thư hoặc dấu thời gian sắp hết hạn (chạy hằng ngày, ví dụ bằng cron hoặc "
        "systemd timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["preserve"])
        parser.add_argument("--limit", type=int, default=500, help="Số tệp tối đa mỗi lần.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Số ngày trước khi chứng thư hết hạn (mặc định VANTHU_SIGNATURE_RENEW_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = signatures_preserve(limit=options["limit"], days=options["days"])
        self.stdout.write(
            f"Đã kiểm tra lại {result.checked} tệp; bổ sung dấu thời gian cho {result.preserved} "
            f"tệp; {result.failed} tệp không bổ sung được."
            + (f" {result.skipped_reason}" if result.skipped_reason else "")
        )
        if result.failed:
            raise CommandError(
                f"{result.failed} tệp cần bổ sung dấu thời gian nhưng chưa bổ sung được "
                "(xem nhật ký của máy chủ)."
            )
