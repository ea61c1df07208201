"""Reading extracted texts (search reads a document's text only through `document_text`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound
from vanthu.registry.models import DocumentFile
from vanthu.registry.permissions import can_view_documents
from vanthu.texts.models import FileText, TextState

FILE_NOT_FOUND = "Không tìm thấy tệp."


def document_text(*, incoming_id: int | None = None, outgoing_id: int | None = None) -> str:
    """Return the concatenated text of the document's current files whose text is DONE."""
    if (incoming_id is None) == (outgoing_id is None):
        raise ValueError("Give exactly one of incoming_id and outgoing_id.")
    owner = Q(file__incoming_id=incoming_id) if incoming_id else Q(file__outgoing_id=outgoing_id)
    texts = (
        FileText.objects.filter(owner, file__is_current=True, state=TextState.DONE)
        .order_by("file_id")
        .values_list("text", flat=True)
    )
    return "\n\n".join(t for t in texts if t)


@dataclass(frozen=True)
class FileTextLine:
    """One stored file of a document and its text row (None: not extracted yet)."""

    file: DocumentFile
    text: FileText | None


def document_file_texts(
    *, actor: Actor, incoming_id: int | None = None, outgoing_id: int | None = None
) -> list[FileTextLine]:
    """Return the current files of a document the actor may see, each with its text row."""
    owner = Q(incoming_id=incoming_id) if incoming_id else Q(outgoing_id=outgoing_id)
    files = list(DocumentFile.objects.filter(owner, is_current=True).order_by("id"))
    if not files or not can_view_documents(actor, files[0].agency_id):
        return []
    rows = {t.file_id: t for t in FileText.objects.filter(file__in=files)}
    return [FileTextLine(file=f, text=rows.get(f.pk)) for f in files]


def file_get(*, actor: Actor, file_id: int) -> DocumentFile:
    """Return a stored file whose document the actor may see, or raise NotFound."""
    stored = DocumentFile.objects.filter(pk=file_id).first()
    if stored is None or not can_view_documents(actor, stored.agency_id):
        raise NotFound(FILE_NOT_FOUND)
    return stored


def file_text_get(*, actor: Actor, file_id: int) -> FileText | None:
    """Return the text row of a file the actor may see (None: not extracted yet)."""
    stored = file_get(actor=actor, file_id=file_id)
    return FileText.objects.filter(file=stored).first()
