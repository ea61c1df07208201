"""The worker loop of `vanthu worker` for tests that run what was queued, as production does."""

from __future__ import annotations

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker


def run_queued_tasks(worker_id: str = "test") -> None:
    """Run every queued task with db_worker's loop (without its signal handlers) until the
    queue is empty, then close this thread's database connections."""
    try:
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
    finally:
        connections.close_all()
