"""Keyset (seek) pagination shared by the pages and the API: fast at millions of rows.

An offset page makes the database count and skip every earlier row; a keyset page continues
"after the last row shown" with a WHERE on the ordering columns, which an index answers
directly, and rows added meanwhile neither repeat nor vanish from the following pages. The
queryset's own ordering is the key; the primary key is appended when missing so the key is
unique. Plain field names sort NULLs as larger than every value (last going up, first going
down), as PostgreSQL does; `F(...).asc(nulls_first=True)` style expressions say otherwise.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from vanthu.core.errors import ValidationFailed

BAD_CURSOR = "Con trỏ trang không hợp lệ; hãy mở lại trang đầu của danh sách."


@dataclass(frozen=True)
class Page:
    """One page of rows and the cursor of the next page (None on the last page)."""

    items: list[Any]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _key(qs: QuerySet[Any]) -> list[tuple[str, bool, bool]]:
    """Return the ordering as (field, descending, NULLs come last) triples, pk appended."""
    ordering = list(qs.query.order_by) or list(qs.model._meta.ordering)
    key: list[tuple[str, bool, bool]] = []
    for item in ordering:
        if isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending  # type: ignore[attr-defined]
            explicit = item.nulls_first is not None or item.nulls_last is not None
            nulls_last = bool(item.nulls_last) if explicit else not descending
        elif isinstance(item, str) and item != "?":
            descending = item.startswith("-")
            name = item.lstrip("-")
            nulls_last = not descending
        else:
            raise ValueError(f"keyset_page() needs field names in order_by, got {item!r}")
        if "__" in name:
            raise ValueError(f"keyset_page() needs fields of the model itself, got {name!r}")
        if name == "pk":
            name = qs.model._meta.pk.name
        key.append((name, descending, nulls_last))
    pk = qs.model._meta.pk.name
    if pk not in {name for name, _, _ in key}:
        descending = key[-1][1] if key else False
        key.append((pk, descending, not descending))
    return key


def _encode(values: list[Any]) -> str:
    raw = json.dumps([None if v is None else str(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, qs: QuerySet[Any], key: list[tuple[str, bool, bool]]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(key):
            raise ValueError("length")
        fields = [qs.model._meta.get_field(name) for name, _, _ in key]
        return [None if v is None else f.to_python(v) for f, v in zip(fields, values, strict=True)]
    except (ValueError, TypeError, binascii.Error, DjangoValidationError) as error:
        raise ValidationFailed(BAD_CURSOR, fields={"after": [BAD_CURSOR]}) from error


def _after(key: list[tuple[str, bool, bool]], values: list[Any]) -> Q:
    """Return the condition "the row comes after `values`" in the key's order."""
    condition = Q(pk__in=[])
    equal = Q()
    for (name, descending, nulls_last), value in zip(key, values, strict=True):
        is_null = Q(**{f"{name}__isnull": True})
        if value is None:
            later = Q(pk__in=[]) if nulls_last else ~is_null
            same = is_null
        else:
            later = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if nulls_last:
                later |= is_null
            same = Q(**{name: value})
        condition |= equal & later
        equal &= same
    # The same rows bounded on the leading column alone: implied by the condition above, but a
    # bound an index can seek to. Without it PostgreSQL cannot turn the OR into an index range
    # and reads every earlier row of the list (linear in the depth of the page; bench/).
    name, descending, nulls_last = key[0]
    if values[0] is not None:
        bound = Q(**{f"{name}__{'lte' if descending else 'gte'}": values[0]})
        if nulls_last:
            bound |= Q(**{f"{name}__isnull": True})
        condition &= bound
    return condition


def keyset_page(qs: QuerySet[Any], *, after: str | None, size: int) -> Page:
    """Return the page of `qs` after the cursor `after` (None: the first page) of `size` rows."""
    size = max(1, int(size))
    key = _key(qs)
    order = [
        OrderBy(
            F(name),
            descending=descending,
            nulls_first=None if nulls_last else True,
            nulls_last=True if nulls_last else None,
        )
        for name, descending, nulls_last in key
    ]
    page_qs = qs.order_by(*order)
    if after:
        page_qs = page_qs.filter(_after(key, _decode(after, qs, key)))
    rows = list(page_qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode(
            [getattr(last, f"{name}_id" if _is_fk(qs, name) else name) for name, _, _ in key]
        )
    return Page(items=rows, next_cursor=next_cursor)


def _is_fk(qs: QuerySet[Any], name: str) -> bool:
    field = qs.model._meta.get_field(name)
    return bool(getattr(field, "many_to_one", False))
