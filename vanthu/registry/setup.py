"""What every agency has in the registers app from the day it is created.

The document types (NĐ 30/2020 Phụ lục III), the default registers and the exchange policy of
Điều 4 and 5 are seeded when an agency is created (the `agencies_created` hook), never on a read.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import transaction

from vanthu.registry.models import DocumentType
from vanthu.registry.policy import exchange_policy_ensure_defaults
from vanthu.registry.registers import registers_ensure_defaults

# The migration that first seeded the types stays their single source.
_TYPES_MIGRATION = "vanthu.registry.migrations.0002_document_types"


def document_types_ensure() -> None:
    """Create or refresh the national document types (idempotent)."""
    seeding = importlib.import_module(_TYPES_MIGRATION)
    if DocumentType.objects.count() < len(seeding.TYPES):
        seeding.seed(apps, None)


def agency_defaults_ensure(*, agency_ids: Iterable[int]) -> None:
    """Give each agency its default registers and exchange policy (idempotent)."""
    with transaction.atomic():
        document_types_ensure()
        for agency_id in agency_ids:
            registers_ensure_defaults(agency_id=agency_id)
            exchange_policy_ensure_defaults(agency_id=agency_id)


def on_agencies_created(sender: object, *, agency_ids: list[int], **kwargs: Any) -> None:
    """Receiver of `organizations.signals.agencies_created`."""
    agency_defaults_ensure(agency_ids=agency_ids)
