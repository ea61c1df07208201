"""Gap-free numbers of a register and year, safe when many clerks register at once.

NĐ 30/2020 Điều 15 (and Điều 22 for incoming documents): numbers run from 01 on 1 January to
31 December of each year, without gaps. The counter row of (register, year) is locked with
`SELECT ... FOR UPDATE` inside the caller's transaction, so a second clerk waits until the first
commits or rolls back; a rollback gives the number back because the increment is undone with it.
The unique constraints on the documents are the backstop (ADR 0011).
"""

from __future__ import annotations

from django.db import transaction

from vanthu.registry.models import Register, RegisterCounter


def number_take(*, register: Register, year: int) -> int:
    """Take the next number of `register` in `year`; must run inside the caller's transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Outside a transaction the lock would be released at once and a failure after it
        # would leave a gap: refuse loudly, this is a programming error.
        raise RuntimeError("number_take() must run inside transaction.atomic()")
    # Create the year's row if missing without failing when another clerk creates it at the
    # same moment (INSERT ... ON CONFLICT DO NOTHING), then lock it.
    RegisterCounter.objects.bulk_create(
        [RegisterCounter(register=register, year=year, last_number=0)], ignore_conflicts=True
    )
    counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
    counter.last_number += 1
    RegisterCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return counter.last_number
