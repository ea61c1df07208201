"""`vanthu search rebuild [--restart] [--batch N]`: rebuild the full-text index.

Batch by batch, in id order, with a progress bar on stderr. The progress is saved after each
batch: an interrupted rebuild resumes after the last document written (`--restart` starts
over). Searching keeps working meanwhile: rows are rewritten in place.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.search.choices import EntryKind
from vanthu.search.index import entry_write, fts_purge_orphans
from vanthu.search.models import IndexRebuild

KINDS: list[tuple[EntryKind, type[IncomingDocument] | type[OutgoingDocument]]] = [
    (EntryKind.INCOMING, IncomingDocument),
    (EntryKind.OUTGOING, OutgoingDocument),
]


def progress_bar(out: TextIO, label: str, done: int, total: int, width: int = 30) -> None:
    """Draw `label [#####.....] done/total` on one line of a terminal."""
    filled = width * done // total if total else width
    out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    out.flush()


class Command(BaseCommand):
    help = "Tìm kiếm toàn văn: lập lại chỉ mục (rebuild) của mọi văn bản đến và đi."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rebuild", help="Lập lại chỉ mục tìm kiếm, từng lô, tiếp tục được."
        )
        rebuild.add_argument(
            "--restart", action="store_true", help="Bỏ lần lập dở dang, bắt đầu lại từ đầu."
        )
        rebuild.add_argument(
            "--batch", type=int, default=200, metavar="N", help="Số văn bản mỗi lô (mặc định 200)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch: int = options["batch"]
        if batch < 1:
            raise CommandError("--batch phải lớn hơn 0.")
        # The bar redraws one line with \r: write to the raw stream, not OutputWrapper's lines.
        err: TextIO = getattr(self.stderr, "_out", sys.stderr)
        run = IndexRebuild.objects.filter(finished_at__isnull=True).order_by("-started_at").first()
        if run is not None and options["restart"]:
            run.delete()
            run = None
        if run is None:
            run = IndexRebuild.objects.create(kind=KINDS[0][0], last_object_id=0)
        else:
            err.write(f"Tiếp tục lần lập dở dang: {run.kind} sau mã {run.last_object_id}.\n")
        order = [kind for kind, _model in KINDS]
        for kind, model in KINDS[order.index(EntryKind(run.kind)) :]:
            if kind != run.kind:
                run.kind, run.last_object_id = kind, 0
                run.save(update_fields=["kind", "last_object_id"])
            label = str(kind.label)
            total = model.objects.count()
            done = model.objects.filter(pk__lte=run.last_object_id).count()
            progress_bar(err, label, done, total)
            while True:
                ids = list(
                    model.objects.filter(pk__gt=run.last_object_id)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:batch]
                )
                if not ids:
                    break
                with transaction.atomic():
                    for object_id in ids:
                        entry_write(kind=kind, object_id=object_id)
                    run.last_object_id = ids[-1]
                    run.done += len(ids)
                    run.save(update_fields=["last_object_id", "done"])
                done += len(ids)
                progress_bar(err, label, done, total)
            err.write("\n")
        purged = fts_purge_orphans()
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        self.stdout.write(f"Đã lập chỉ mục {run.done} văn bản; bỏ {purged} dòng thừa.")
