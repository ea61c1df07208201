"""Template helpers of the journal partial: action labels and before/after changes."""

from __future__ import annotations

from django import template

from vanthu.core.models import JournalEntry
from vanthu.organizations import journal_labels
from vanthu.organizations.journal_labels import Change, Names

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """Return the Vietnamese label of a journal action (`unit.create` → "Tạo đơn vị")."""
    return journal_labels.action_label(action)


@register.filter
def action_css(action: str) -> str:
    """Return a CSS-safe modifier for a journal action (`auth.login_failed` → auth-login-failed)."""
    return action.replace(".", "-").replace("_", "-")


@register.simple_tag
def journal_changes(entry: JournalEntry, names: Names | None = None) -> list[Change]:
    """Return the changed fields of a journal row, with names for the records it refers to."""
    return journal_labels.journal_changes(
        object_type=entry.object_type,
        before=entry.before,
        after=entry.after,
        names=names,
        agency_id=entry.agency_id,
    )
