"""`vanthu texts extract [--missing] [--now]`: extract the text of files already stored.

Without `--missing` every current file is queued again; with it, only the files that have no
text row yet (stored before extraction existed) or whose extraction failed. `--now` runs the
extraction in this process (showing each file) instead of queueing it for the worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q

from vanthu.registry.models import DocumentFile
from vanthu.texts.models import TextState
from vanthu.texts.services import file_text_extract, file_text_request


class Command(BaseCommand):
    help = "Trích xuất nội dung (và nhận dạng chữ) các tệp văn bản đã lưu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract"])
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Chỉ các tệp chưa trích xuất hoặc trích xuất bị lỗi.",
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="Trích xuất ngay trong lệnh này thay vì xếp hàng cho tiến trình nền.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = DocumentFile.objects.filter(is_current=True).order_by("id")
        if options["missing"]:
            files = files.filter(Q(extracted__isnull=True) | Q(extracted__state=TextState.FAILED))
        ids = list(files.values_list("pk", flat=True))
        total = len(ids)
        for index, file_id in enumerate(ids, start=1):
            stored = DocumentFile.objects.get(pk=file_id)
            row = file_text_request(stored)
            if options["now"]:
                state = file_text_extract(row.pk)
                self.stdout.write(
                    f"[{index}/{total}] {stored.original_name}: {TextState(state).label}"
                )
        if options["now"]:
            self.stdout.write(f"Đã trích xuất {total} tệp.")
        else:
            self.stdout.write(f"Đã xếp hàng trích xuất {total} tệp cho tiến trình nền.")
