"""Hooks other apps attach to, so organisations never imports the apps built on it.

Receivers run inside the sender's transaction: a receiver that fails undoes the change.
"""

from django.dispatch import Signal

# Sent after agencies are added to the directory (one, imported, or the demo's), with
# `agency_ids: list[int]` and `actor`. The registers app seeds its per-agency defaults here.
agencies_created = Signal()

# Sent after the demonstration directory is loaded, with `actor`: apps add their sample data
# and may return one Vietnamese line saying what they added.
demo_data_loaded = Signal()
