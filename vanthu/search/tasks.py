"""Background work of search (django.tasks, ADR 0003): keep the index current."""

from __future__ import annotations

from django.tasks import task

from vanthu.search.index import entry_write


@task()
def search_index_task(kind: str, object_id: int) -> bool:
    """Background task: (re)write one object's index row (idempotent)."""
    return entry_write(kind=kind, object_id=object_id) is not None
