"""Hooks the texts app offers to the apps built on it (search)."""

from django.dispatch import Signal

# Sent on commit when a file's text is ready (state DONE or EMPTY), with
# `file_text: FileText`. Search re-indexes the file's document.
file_text_ready = Signal()
