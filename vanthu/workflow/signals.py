"""Hooks of handling that the apps built on it attach to (the exchange reports status back).

Receivers run inside the sender's transaction: a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# Sent when handling of an incoming document reaches a stage, with `incoming_id`, `stage`
# (one of STAGES) and `actor`: "assigned" when the leader directs it, "in_progress" when an
# assignee first accepts work on it, "done" when every lead is done (edXML statuses 04, 05, 06).
handling_stage_reached = Signal()

STAGES = ("assigned", "in_progress", "done")
