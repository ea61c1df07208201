"""Test helpers of search: documents indexed the way the worker would index them."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from vanthu.search.tasks import search_index_task

TASK_PATH = "vanthu.search.tasks.search_index_task"


def pending_index_tasks() -> list[list[object]]:
    """Return the arguments of the index tasks waiting in the queue."""
    return [
        r.args_kwargs["args"]
        for r in DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").order_by(
            "enqueued_at"
        )
    ]


def run_index_tasks() -> int:
    """Run the queued index tasks as the worker would; return how many ran."""
    ran = 0
    for result in DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY"):
        search_index_task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran
