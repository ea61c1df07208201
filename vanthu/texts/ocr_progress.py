"""OCRmyPDF plugin: report pages done to the callback of the running `ocr_pdf` (ADR 0025).

OCRmyPDF updates its progress bar in the thread that called it, half a page at a time while
it recognises pages ("OCR" step); this bar forwards whole pages to the callback set here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ocrmypdf import hookimpl

_local = threading.local()


def set_callback(callback: Callable[[int, int], None] | None) -> None:
    """Set (or clear) the page callback of the current thread's OCR run."""
    _local.callback = callback


class PageProgress:
    """A progress "bar" that calls back with (pages done, pages total) during the OCR step."""

    def __init__(self, *, total: float | None = None, desc: str | None = None, **_: Any) -> None:
        self.total = int(total or 0)
        self.active = desc == "OCR" and self.total > 0
        self.done = 0.0
        self.reported = -1

    def __enter__(self) -> PageProgress:
        self._report()
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        self.done = completed if completed is not None else self.done + n
        self._report()

    def _report(self) -> None:
        callback = getattr(_local, "callback", None)
        pages = min(int(self.done), self.total)
        if self.active and callback is not None and pages != self.reported:
            self.reported = pages
            callback(pages, self.total)


@hookimpl
def get_progressbar_class() -> type[PageProgress]:
    return PageProgress
