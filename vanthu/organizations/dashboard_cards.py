"""Cards other apps add to the dashboard, so organisations never imports the apps built on it.

An app registers a provider in its `AppConfig.ready()`; the dashboard asks every provider, in
order, and shows the cards it returns for the signed-in person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vanthu.core.actor import Actor


@dataclass(frozen=True, slots=True)
class DashboardCard:
    """One card: the template that draws it and the object it shows (as `summary`)."""

    template: str
    summary: object


CardProvider = Callable[[Actor], DashboardCard | None]

_providers: dict[str, tuple[int, CardProvider]] = {}


def dashboard_card_register(key: str, provider: CardProvider, *, order: int = 100) -> None:
    """Add (or replace, by key) a card provider; lower `order` is shown first."""
    _providers[key] = (order, provider)


def dashboard_cards(*, actor: Actor) -> list[DashboardCard]:
    """Return the cards the providers give for the actor, in order."""
    cards = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        card = provider(actor)
        if card is not None:
            cards.append(card)
    return cards
