"""The audit journal: append-only, hash-chained records of every change (QĐ 22 Điều 13.8).

Each agency has its own chain, so agencies never wait on each other's writes; actions without an
agency go to the "system" chain. `journal_record` must run inside the transaction of the change
it describes: it locks the chain head, so a rolled-back change leaves no journal row and two
writers to one chain are serialised.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.models import JournalChain, JournalEntry

SYSTEM_CHAIN = "system"
GENESIS_HASH = "0" * 64

JsonDict = dict[str, Any]


def snapshot(instance: models.Model, *, exclude: Iterable[str] = ()) -> JsonDict:
    """Return a JSON-safe dict of a model instance's concrete fields, for `before`/`after`."""
    excluded = {"password", *exclude}
    data = model_to_dict(instance, fields=[f.name for f in instance._meta.concrete_fields])
    data = {k: v for k, v in data.items() if k not in excluded}
    result: JsonDict = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def _canonical(entry: JournalEntry) -> bytes:
    payload = {
        "chain": entry.chain,
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "agency_id": entry.agency_id,
        "ip_address": entry.ip_address,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: JournalEntry) -> str:
    """Return the SHA-256 hash that chains `entry` to its predecessor."""
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _locked_chain(key: str) -> JournalChain:
    try:
        return JournalChain.objects.select_for_update().get(key=key)
    except JournalChain.DoesNotExist:
        try:
            with transaction.atomic():
                JournalChain.objects.create(key=key)
        except IntegrityError:
            pass  # another writer created it first
        return JournalChain.objects.select_for_update().get(key=key)


def journal_record(
    *,
    actor: Actor,
    action: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    agency_id: int | None = None,
    before: JsonDict | None = None,
    after: JsonDict | None = None,
) -> JournalEntry:
    """Append one record to the journal chain of `agency_id` (or of the actor's agency)."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:300]
    chain_agency = agency_id if agency_id is not None else actor.agency_id
    key = f"agency:{chain_agency}" if chain_agency is not None else SYSTEM_CHAIN
    with transaction.atomic():
        head = _locked_chain(key)
        entry = JournalEntry(
            chain=key,
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor_id=actor.person_id,
            actor_name=actor.name[:200],
            agency_id=chain_agency,
            ip_address=actor.ip_address,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            before=before,
            after=after,
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True, slots=True)
class JournalItem:
    """One record of `journal_record_many`: the object it is about and its before/after."""

    instance: models.Model
    before: JsonDict | None = None
    after: JsonDict | None = None


def journal_record_many(
    *,
    actor: Actor,
    action: str,
    items: Iterable[JournalItem],
    agency_id: int | None = None,
) -> list[JournalEntry]:
    """Append one record per item to one chain, locking its head once (batch imports).

    The rows are exactly those `journal_record` would write one by one, in the order given
    (consecutive `seq`, each linked to the previous hash), inserted with one `bulk_create`.
    Like `journal_record`, it must run inside the transaction of the change it describes.
    """
    chain_agency = agency_id if agency_id is not None else actor.agency_id
    key = f"agency:{chain_agency}" if chain_agency is not None else SYSTEM_CHAIN
    entries: list[JournalEntry] = []
    with transaction.atomic():
        head = _locked_chain(key)
        seq, prev_hash = head.last_seq, head.last_hash
        actor_name = actor.name[:200]
        for item in items:
            instance = item.instance
            seq += 1
            entry = JournalEntry(
                chain=key,
                seq=seq,
                created_at=timezone.now(),
                actor_id=actor.person_id,
                actor_name=actor_name,
                agency_id=chain_agency,
                ip_address=actor.ip_address,
                action=action,
                object_type=instance._meta.label_lower,
                object_id=str(instance.pk),
                object_repr=str(instance)[:300],
                before=item.before,
                after=item.after,
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = compute_hash(entry)
            entries.append(entry)
        if not entries:
            return entries
        JournalEntry.objects.bulk_create(entries, batch_size=1000)
        head.last_seq = seq
        head.last_hash = prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entries


@dataclass(frozen=True, slots=True)
class JournalProblem:
    """One inconsistency found by `journal_verify`."""

    chain: str
    seq: int
    message: str


def _verify_chain(head: JournalChain) -> Iterator[JournalProblem]:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    rows = JournalEntry.objects.filter(chain=head.key).order_by("seq").iterator(chunk_size=2000)
    for entry in rows:
        if entry.seq != expected_seq:
            yield JournalProblem(
                head.key, expected_seq, f"missing rows {expected_seq}..{entry.seq - 1} (deleted)"
            )
        if entry.prev_hash != prev_hash:
            yield JournalProblem(head.key, entry.seq, "link to the previous row is broken")
        if compute_hash(entry) != entry.hash:
            yield JournalProblem(head.key, entry.seq, "content does not match its hash (edited)")
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    if expected_seq - 1 != head.last_seq or prev_hash != head.last_hash:
        yield JournalProblem(
            head.key,
            head.last_seq,
            f"chain ends at row {expected_seq - 1} but its head records row {head.last_seq} "
            "(rows deleted at the end)",
        )


def journal_verify() -> list[JournalProblem]:
    """Check every chain; return the problems found (an empty list means intact)."""
    problems: list[JournalProblem] = []
    known = set()
    for head in JournalChain.objects.order_by("key"):
        known.add(head.key)
        problems.extend(_verify_chain(head))
    orphan_chains = (
        JournalEntry.objects.exclude(chain__in=known).values_list("chain", flat=True).distinct()
    )
    for key in orphan_chains:
        problems.append(JournalProblem(key, 0, "rows without a chain head"))
    return problems


def journal_for_object(*, object_type: str, object_id: str) -> models.QuerySet[JournalEntry]:
    """Return the journal rows about one object, oldest first (callers scope by agency)."""
    return JournalEntry.objects.filter(object_type=object_type, object_id=object_id).order_by(
        "created_at", "seq"
    )
