"""`vanthu import-agencies FILE`: load an agency directory (CSV or JSON), all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import VanthuError
from vanthu.organizations.directory import (
    FIELDS,
    MAX_DIRECTORY_BYTES,
    DirectoryError,
    parse_directory,
)
from vanthu.organizations.services import ImportResult, agency_import


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


class Command(BaseCommand):
    help = "Nhập danh bạ cơ quan (mã định danh QCVN 102) từ tệp CSV hoặc JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="Tệp CSV (có dòng tiêu đề) hoặc JSON (danh sách đối tượng), mã UTF-8; - là "
            "đầu vào chuẩn. Cột: " + ", ".join(FIELDS) + ".",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Kiểm tra và đếm, không lưu gì.",
        )

    def _read(self, name: str) -> bytes:
        if name == "-":
            data: bytes = sys.stdin.buffer.read(MAX_DIRECTORY_BYTES + 1)
            return data
        path = Path(name)
        try:
            with path.open("rb") as handle:
                # One byte more than allowed, so the parser can say the file is too large.
                return handle.read(MAX_DIRECTORY_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {name}: {exc.strerror}.") from None

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        data = self._read(name)
        try:
            rows = parse_directory(data, filename=name)
        except DirectoryError as exc:
            if len(exc.problems) > 1:  # a single problem is already in the message
                for problem in exc.problems:
                    self.stderr.write(str(problem))
            raise CommandError(exc.message) from None
        actor = Actor.system("vanthu import-agencies")
        try:
            if options["dry_run"]:
                try:
                    with transaction.atomic():
                        raise _DryRun(agency_import(actor=actor, rows=rows))
                except _DryRun as dry:
                    result = dry.result
            else:
                result = agency_import(actor=actor, rows=rows)
        except VanthuError as exc:
            for field, messages in exc.fields.items():
                for message in messages:
                    self.stderr.write(f"{field}: {message}")
            raise CommandError(f"Không nhập được danh bạ, chưa lưu gì. {exc.message}") from None
        prefix = "Thử (không lưu): " if options["dry_run"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{len(rows)} cơ quan trong tệp: {result.created} tạo mới, "
                f"{result.updated} cập nhật, {result.unchanged} không đổi."
            )
        )
