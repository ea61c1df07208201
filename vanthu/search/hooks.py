"""Keeping the index current: document saves and ready texts enqueue an index task.

The task is enqueued inside the saving transaction (ADR 0003): it commits or rolls back with
the change. `file_text_ready` is sent on commit, so its task is enqueued on its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.search.choices import EntryKind
from vanthu.search.tasks import search_index_task
from vanthu.texts.models import FileText
from vanthu.texts.signals import file_text_ready


def index_enqueue(*, kind: str, object_id: int) -> None:
    """Enqueue the (re)indexing of one object."""
    search_index_task.enqueue(str(kind), object_id)


def on_incoming_saved(sender: Any, instance: IncomingDocument, raw: bool = False, **_: Any) -> None:
    if not raw:
        index_enqueue(kind=EntryKind.INCOMING, object_id=instance.pk)


def on_outgoing_saved(sender: Any, instance: OutgoingDocument, raw: bool = False, **_: Any) -> None:
    if not raw:
        index_enqueue(kind=EntryKind.OUTGOING, object_id=instance.pk)


def on_file_text_ready(sender: Any, file_text: FileText, **_: Any) -> None:
    stored = file_text.file
    if stored.incoming_id is not None:
        index_enqueue(kind=EntryKind.INCOMING, object_id=stored.incoming_id)
    elif stored.outgoing_id is not None:
        index_enqueue(kind=EntryKind.OUTGOING, object_id=stored.outgoing_id)


def connect() -> None:
    """Connect the receivers (called from the app's `ready`)."""
    post_save.connect(on_incoming_saved, sender=IncomingDocument, dispatch_uid="search.incoming")
    post_save.connect(on_outgoing_saved, sender=OutgoingDocument, dispatch_uid="search.outgoing")
    file_text_ready.connect(on_file_text_ready, dispatch_uid="search.file_text")
