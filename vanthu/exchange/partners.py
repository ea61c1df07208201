"""The partner directory: other systems and the agencies they serve (ADR 0018).

`partners_parse` reads a CSV or JSON file into rows, listing every problem with its line;
`partner_import` stores them all or nothing (created or updated by `key_id`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import PermissionDenied
from vanthu.core.journal import journal_record, snapshot
from vanthu.exchange.models import Partner
from vanthu.organizations.identifiers import IdentifierError, parse_identifier
from vanthu.organizations.permissions import can_manage_directory

FIELDS = ("key_id", "name", "base_url", "agency_identifiers", "secret", "is_hub")
REQUIRED = ("key_id", "name", "base_url", "secret")
MAX_PARTNER_BYTES = 1024 * 1024
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class PartnerRow:
    """One partner of a directory file."""

    line: int
    key_id: str
    name: str
    base_url: str
    agency_identifiers: tuple[str, ...]
    secret: str
    is_hub: bool = False


class PartnerFileError(Exception):
    """A partner file that cannot be imported; `problems` are `Dòng N: ...` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "")
        self.problems = problems


def _records(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    text = data.decode("utf-8-sig")
    if filename.lower().endswith(".json") or text.lstrip().startswith("["):
        values = json.loads(text)
        if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
            raise PartnerFileError(["Dòng 1: tệp JSON phải là một danh sách đối tượng."])
        return [(index, v) for index, v in enumerate(values, start=1)]
    reader = csv.DictReader(io.StringIO(text))
    return [(reader.line_num, dict(row)) for row in reader]


def partners_parse(data: bytes, *, filename: str) -> list[PartnerRow]:
    """Return the partners of a CSV or JSON file, or raise with every problem found."""
    if len(data) > MAX_PARTNER_BYTES:
        raise PartnerFileError(["Dòng 1: tệp quá lớn (tối đa 1 MB)."])
    try:
        records = _records(data, filename)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PartnerFileError([f"Dòng 1: không đọc được tệp ({exc})."]) from None
    problems: list[str] = []
    rows: list[PartnerRow] = []
    seen: set[str] = set()
    for line, record in records:
        values = {k: record.get(k) for k in FIELDS}
        missing = [k for k in REQUIRED if not str(values[k] or "").strip()]
        if missing:
            problems.append(f"Dòng {line}: thiếu {', '.join(missing)}.")
            continue
        raw_ids = values["agency_identifiers"] or ""
        identifiers = tuple(
            i.strip().upper()
            for i in (
                raw_ids if isinstance(raw_ids, list) else str(raw_ids).replace(";", " ").split()
            )
            if str(i).strip()
        )
        for identifier in identifiers:
            try:
                parse_identifier(identifier)
            except IdentifierError:
                problems.append(f"Dòng {line}: mã định danh không hợp lệ: {identifier}.")
        url = str(values["base_url"]).strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            problems.append(f"Dòng {line}: địa chỉ không hợp lệ: {url}.")
        secret = str(values["secret"]).strip()
        if len(secret) < MIN_SECRET_LENGTH:
            problems.append(f"Dòng {line}: khóa bí mật phải dài ít nhất {MIN_SECRET_LENGTH} ký tự.")
        key_id = str(values["key_id"]).strip()
        if key_id in seen:
            problems.append(f"Dòng {line}: mã khóa bị lặp trong tệp: {key_id}.")
        seen.add(key_id)
        rows.append(
            PartnerRow(
                line=line,
                key_id=key_id,
                name=str(values["name"]).strip(),
                base_url=url.rstrip("/"),
                agency_identifiers=identifiers,
                secret=secret,
                is_hub=str(values["is_hub"] or "").strip().lower() in {"1", "true", "yes", "có"},
            )
        )
    if problems:
        raise PartnerFileError(problems)
    return rows


def partner_import(*, actor: Actor, rows: list[PartnerRow]) -> tuple[int, int]:
    """Create or update partners by key id, all or nothing; return (created, updated)."""
    if not can_manage_directory(actor):
        raise PermissionDenied("Chỉ quản trị hệ thống được nhập danh bạ hệ thống liên thông.")
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            partner, was_created = Partner.objects.update_or_create(
                key_id=row.key_id,
                defaults={
                    "name": row.name,
                    "base_url": row.base_url,
                    "agency_identifiers": "\n".join(row.agency_identifiers),
                    "secret": row.secret,
                    "is_hub": row.is_hub,
                    "is_active": True,
                },
            )
            created += was_created
            updated += not was_created
            after = snapshot(partner, exclude=("secret",))
            journal_record(
                actor=actor,
                action="exchange.partner.import",
                instance=partner,
                agency_id=None,
                after=after,
            )
    return created, updated


def partner_for(identifier: str) -> Partner | None:
    """Return the active partner that serves an agency identifier (None when no one does)."""
    for partner in Partner.objects.filter(is_active=True, agency_identifiers__icontains=identifier):
        if identifier.upper() in {i.upper() for i in partner.identifiers()}:
            return partner
    return None
