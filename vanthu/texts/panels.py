"""The "Nội dung tệp" panel on the document pages (registry.detail_panels, ADR 0015)."""

from __future__ import annotations

from typing import Any

from vanthu.core.actor import Actor
from vanthu.registry.detail_panels import DetailPanel
from vanthu.registry.permissions import can_register
from vanthu.texts import selectors
from vanthu.texts.models import TextState

ACTIVE = frozenset({TextState.PENDING, TextState.RUNNING})


def panel_data(actor: Actor, kind: str, document: Any) -> dict[str, Any] | None:
    """What the panel shows: each current file's text state; None when there is no file."""
    owner = {"incoming_id": document.pk} if kind == "incoming" else {"outgoing_id": document.pk}
    lines = selectors.document_file_texts(actor=actor, **owner)
    if not lines:
        return None
    return {
        "kind": kind,
        "document": document,
        "lines": lines,
        # While a file waits or runs, the panel reloads itself (htmx polling).
        "active": any(line.text is not None and line.text.state in ACTIVE for line in lines),
        "may_rerun": actor.agency_id == document.agency_id
        and can_register(actor, document.agency_id),
    }


def incoming_panel(actor: Actor, document: Any) -> DetailPanel | None:
    data = panel_data(actor, "incoming", document)
    return DetailPanel("texts/_panel.html", data) if data else None


def outgoing_panel(actor: Actor, document: Any) -> DetailPanel | None:
    data = panel_data(actor, "outgoing", document)
    return DetailPanel("texts/_panel.html", data) if data else None
