"""`vanthu journal verify|show`: check the audit journal's hash chains, or read one object's rows.

`verify` is the detection half of ADR 0004: an edited row breaks its own hash, a deleted row
leaves a gap, a truncated tail disagrees with its chain head. It exits 1 when anything is wrong,
so it can run from cron or monitoring.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vanthu.core.journal import JournalProblem, journal_for_object, journal_verify
from vanthu.core.models import JournalChain, JournalEntry

# journal_verify speaks English (it is also read by developers); operators get Vietnamese.
_EXPLAINED = (
    ("edited", "nội dung không khớp mã băm — bản ghi đã bị sửa"),
    ("deleted at the end", "thiếu các bản ghi cuối chuỗi — đã bị xóa"),
    ("deleted", "thiếu bản ghi giữa chuỗi — đã bị xóa"),
    ("link to the previous row", "liên kết với bản ghi trước bị đứt"),
    ("without a chain head", "có bản ghi nhưng không có đầu chuỗi"),
)


def explain(problem: JournalProblem) -> str:
    """Return one problem in Vietnamese, with the verifier's own words in brackets."""
    for needle, text in _EXPLAINED:
        if needle in problem.message:
            return f"Chuỗi {problem.chain}, bản ghi #{problem.seq}: {text} ({problem.message})."
    return f"Chuỗi {problem.chain}, bản ghi #{problem.seq}: {problem.message}."


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn nhật ký (verify) hoặc xem nhật ký của một đối tượng (show)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="verify|show")
        verify = actions.add_parser("verify", help="Kiểm tra mọi chuỗi mã băm của nhật ký.")
        verify.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        show = actions.add_parser("show", help="Xem nhật ký của một đối tượng.")
        show.add_argument(
            "--object",
            required=True,
            metavar="LOẠI:MÃ",
            help="Đối tượng, ví dụ organizations.person:12 hoặc organizations.agency:3.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(as_json=options["json"])
        else:
            self._show(options["object"])

    def _verify(self, *, as_json: bool) -> None:
        problems = journal_verify()
        chains = JournalChain.objects.count()
        rows = JournalEntry.objects.count()
        if as_json:
            body = {
                "ok": not problems,
                "chains": chains,
                "entries": rows,
                "problems": [
                    {"chain": p.chain, "seq": p.seq, "message": p.message} for p in problems
                ],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        elif not problems:
            self.stdout.write(
                self.style.SUCCESS(f"Nhật ký toàn vẹn: {chains} chuỗi, {rows} bản ghi.")
            )
        else:
            for problem in problems:
                self.stdout.write(self.style.ERROR(explain(problem)))
        if problems:
            raise CommandError(
                f"Nhật ký có {len(problems)} vấn đề: dữ liệu nhật ký đã bị sửa hoặc xóa ngoài "
                "ứng dụng.",
                returncode=1,
            )

    def _show(self, target: str) -> None:
        object_type, sep, object_id = target.partition(":")
        if not sep or not object_type or not object_id:
            raise CommandError("--object phải có dạng LOẠI:MÃ, ví dụ organizations.person:12.")
        rows = list(journal_for_object(object_type=object_type.lower(), object_id=object_id))
        if not rows:
            raise CommandError(f"Không có bản ghi nhật ký nào về {target}.")
        for row in rows:
            when = timezone.localtime(row.created_at).strftime("%d/%m/%Y %H:%M:%S")
            ip = f" từ {row.ip_address}" if row.ip_address else ""
            self.stdout.write(
                f"{when}  {row.chain}#{row.seq}  {row.action}  {row.object_repr}  "
                f"— {row.actor_name}{ip}"
            )
            if row.before is not None:
                self.stdout.write("    trước: " + json.dumps(row.before, ensure_ascii=False))
            if row.after is not None:
                self.stdout.write("    sau:   " + json.dumps(row.after, ensure_ascii=False))
