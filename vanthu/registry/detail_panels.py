"""Panels other apps add to a document's detail page (signing, exchange, handling).

An app registers a provider in its `AppConfig.ready()`; the detail view asks every provider of
the document's kind and shows the panels it returns, so the registers import none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from vanthu.core.actor import Actor

Kind = Literal["incoming", "outgoing"]


@dataclass(frozen=True, slots=True)
class DetailPanel:
    """One panel: the template that draws it and what it needs (as `panel.data`)."""

    template: str
    data: Mapping[str, Any] = field(default_factory=dict)


PanelProvider = Callable[[Actor, Any], DetailPanel | None]

_providers: dict[Kind, dict[str, tuple[int, PanelProvider]]] = {"incoming": {}, "outgoing": {}}


def detail_panel_register(
    kind: Kind, key: str, provider: PanelProvider, *, order: int = 100
) -> None:
    """Add (or replace, by key) a panel provider for documents of one kind."""
    _providers[kind][key] = (order, provider)


def detail_panels(kind: Kind, *, actor: Actor, document: object) -> list[DetailPanel]:
    """Return the panels the providers give for this document and actor, in order."""
    panels = []
    for _order, provider in sorted(_providers[kind].values(), key=lambda item: item[0]):
        panel = provider(actor, document)
        if panel is not None:
            panels.append(panel)
    return panels
