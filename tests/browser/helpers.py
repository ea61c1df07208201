"""Helpers shared by the browser tests."""

from __future__ import annotations

import threading

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker


def run_worker() -> None:
    """Run the queued tasks as `vanthu worker` would, in a thread of its own (Playwright's
    event loop runs in the test's thread, and pyHanko runs its own)."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            # The worker loop of `vanthu worker` (db_worker), without its signal handlers.
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="browser-test",
                excluded_queue_names=[],
            ).run()
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert not failures, failures
