"""What the register pages share: the acting agency, choice lists, files, the journal."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse, HttpRequest

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, PermissionDenied
from vanthu.organizations import selectors as org_selectors
from vanthu.organizations.models import Agency
from vanthu.organizations.views.staff.common import (
    JOURNAL_LIMIT,
    NOT_IN_AGENCY,
    Journal,
    actor_of,
    render_error,
    staff_view,
)
from vanthu.registry import permissions, selectors
from vanthu.registry.models import DocumentFile

__all__ = ["actor_of", "render_error", "staff_view"]

DENIED = "Chỉ văn thư của cơ quan được vào sổ, cấp số và phát hành văn bản."
# How many agencies a directory search returns at most.
AGENCY_SEARCH_LIMIT = 20


def acting_agency(request: HttpRequest) -> Agency:
    """Return the agency whose registers the pages show: the actor's acting agency."""
    actor = actor_of(request)
    if actor.agency_id is None:
        raise PermissionDenied(NOT_IN_AGENCY)
    if not permissions.can_view_documents(actor, actor.agency_id):
        raise PermissionDenied(NOT_IN_AGENCY)
    return org_selectors.agency_get(actor=actor, agency_id=actor.agency_id)


def require_register(actor: Actor, agency_id: int) -> None:
    """Refuse a register form to anyone but the agency's clerks (the services check again)."""
    if not permissions.can_register(actor, agency_id):
        raise PermissionDenied(DENIED)


def document_type_choices() -> list[tuple[int, str]]:
    """Return the document types as form options."""
    return [(t.pk, t.name) for t in selectors.document_type_list()]


def field_choices(actor: Actor) -> list[tuple[int, str]]:
    """Return the agency's subject areas as form options."""
    return [(f.pk, f.name) for f in selectors.field_list(actor=actor)]


def register_choices(actor: Actor, kind: str) -> list[tuple[int, str]]:
    """Return the agency's registers of one kind as the lists' filter options.

    Closed registers are offered too, marked: their documents stay in the lists.
    """
    registers = selectors.register_list(actor=actor, kind=kind, include_inactive=True)
    return [(r.pk, r.name if r.is_active else f"{r.name} (đã đóng)") for r in registers]


def agency_search(actor: Actor, search: str) -> list[Agency]:
    """Return the first directory agencies matching `search` (empty search: none)."""
    search = search.strip()
    if len(search) < 2:
        return []
    return list(org_selectors.agency_list(actor=actor, search=search)[:AGENCY_SEARCH_LIMIT])


def agencies_by_id(actor: Actor, ids: list[int]) -> list[Agency]:
    """Return the directory agencies of `ids` in that order; unknown ids raise NotFound."""
    found = {a.pk: a for a in org_selectors.agency_list(actor=actor).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise NotFound("Không tìm thấy cơ quan trong danh mục.")
    return [found[i] for i in ids]


def document_journal(
    actor: Actor,
    *,
    object_type: str,
    object_id: int,
    agency_id: int,
    other_agency_ids: tuple[int, ...] = (),
) -> Journal:
    """Return the newest journal rows of a document: everyone of its agency reads them."""
    rows = org_selectors.journal_list_for(
        actor=actor, object_type=object_type, object_id=object_id, agency_id=agency_id
    )
    total = rows.count()
    entries = list(rows.reverse()[:JOURNAL_LIMIT])
    names = {
        "agency": dict(
            org_selectors.agency_list(actor=actor)
            .filter(pk__in=(agency_id, *other_agency_ids))
            .values_list("pk", "name")
        ),
        "unit": dict(
            org_selectors.unit_list(
                actor=actor, agency_id=agency_id, include_inactive=True
            ).values_list("pk", "name")
        ),
    }
    return Journal(entries=entries, total=total, names=names, visible=True)


def download_response(
    handle: IO[bytes], *, filename: str, content_type: str, as_attachment: bool = False
) -> FileResponse:
    """Stream an open binary file to the client in chunks; the response closes it.

    `nosniff` keeps a browser from running a file as another type than the stated one, and
    documents are never kept in a shared cache. The pages and the API both answer with it.
    """
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=as_attachment,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_open(stored: DocumentFile) -> IO[bytes]:
    """Open a stored file for reading; a file missing from storage is "not found"."""
    try:
        handle: IO[bytes] = stored.file.open("rb")
    except FileNotFoundError:
        raise NotFound("Không tìm thấy tệp.") from None
    return handle


def file_response(request: HttpRequest, file_id: int) -> FileResponse:
    """Stream a stored file of a document the actor may see, shown inline or downloaded."""
    stored: DocumentFile = selectors.document_file_get(actor=actor_of(request), file_id=file_id)
    return download_response(
        stored_file_open(stored),
        filename=stored.original_name,
        content_type=stored.content_type,
        as_attachment=request.GET.get("tai") == "1",
    )


def is_htmx_target(request: HttpRequest, target: str) -> bool:
    """Return whether this is an htmx request that swaps the element `target`."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target  # type: ignore[union-attr]
