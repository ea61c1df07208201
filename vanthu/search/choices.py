"""Stored choice values of search (never renamed)."""

from django.db import models


class EntryKind(models.TextChoices):
    """What an index row stands for; other kinds (dossiers, drafts) may join later."""

    INCOMING = "incoming", "Văn bản đến"
    OUTGOING = "outgoing", "Văn bản đi"
