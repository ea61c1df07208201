"""Walking a parsed packet: children by name, text and values checked as they are read.

``Node`` gives the children of an element in the edXML namespace by local name (anything else
is noted in ``Context.unknown``); single-valued children are refused when repeated, required
ones when missing, and every value is converted or refused with its location.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Literal, TypeVar

from lxml import etree

from .attachments import Budget
from .errors import Defect, EdxmlError, ErrorCode, Recovery
from .limits import Limits
from .model import VIETNAM_TIME
from .xmlsafe import EDXML_NS, element_path

__all__ = [
    "INTEGER",
    "MAX_UNKNOWN",
    "Context",
    "Node",
    "UnreadableAttachments",
    "fail",
    "line_of",
    "text_of",
]

UnreadableAttachments = Literal["refuse", "report"]

_DATE = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})")
_TIMESTAMP = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2}) ([0-9]{1,2}):([0-9]{2}):([0-9]{2})")
INTEGER = re.compile(r"[0-9]{1,9}")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
MAX_UNKNOWN = 100


T = TypeVar("T")


class Context:
    """State of one read: limits, the shared byte budget, and the evidence collected."""

    def __init__(
        self, *, limits: Limits, budget: Budget, depth: int, mode: UnreadableAttachments
    ) -> None:
        self.limits = limits
        self.budget = budget
        self.depth = depth
        self.mode = mode
        self.recoveries: list[Recovery] = []
        self.defects: list[Defect] = []
        self.unknown: list[str] = []
        self.has_signature = False

    def node(self, element: etree._Element, known: set[str]) -> Node:
        return Node(self, element, known)


class Node:
    """Children of one element by local name (edXML namespace), the others noted as unknown."""

    def __init__(self, ctx: Context, element: etree._Element, known: set[str]) -> None:
        self.ctx = ctx
        self.element = element
        self.children: dict[str, list[etree._Element]] = {}
        for child in element:
            name = etree.QName(child)
            if name.namespace == EDXML_NS and name.localname in known:
                self.children.setdefault(name.localname, []).append(child)
            elif len(ctx.unknown) < MAX_UNKNOWN:
                ctx.unknown.append(element_path(child))

    def _where(self, name: str) -> str:
        return element_path(self.element) + "/" + name

    def has(self, name: str) -> bool:
        return name in self.children

    def one(self, name: str, *, required: bool = False) -> etree._Element | None:
        found = self.children.get(name, [])
        if len(found) > 1:
            raise EdxmlError(
                ErrorCode.DUPLICATE_ELEMENT, location=self._where(name), line=found[1].sourceline
            )
        if not found:
            if required:
                raise EdxmlError(
                    ErrorCode.MISSING_ELEMENT,
                    location=self._where(name),
                    line=self.element.sourceline,
                )
            return None
        return found[0]

    def many(self, name: str) -> list[etree._Element]:
        found = self.children.get(name, [])
        if len(found) > self.ctx.limits.max_items:
            raise EdxmlError(
                ErrorCode.TOO_MANY_ITEMS, location=self._where(name), detail=str(len(found))
            )
        return found

    def text(self, name: str, *, required: bool = False) -> str:
        element = self.one(name, required=required)
        value = "" if element is None else text_of(element, self.ctx.limits)
        if required and not value:
            raise EdxmlError(
                ErrorCode.MISSING_ELEMENT, location=self._where(name), line=line_of(element)
            )
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        return tuple(text_of(element, self.ctx.limits) for element in self.many(name))

    def _convert(self, name: str, convert: Callable[[str, etree._Element], T]) -> T | None:
        element = self.one(name)
        if element is None:
            return None
        value = text_of(element, self.ctx.limits)
        return convert(value, element) if value else None

    def integer(self, name: str) -> int | None:
        return self._convert(name, to_integer)

    def boolean(self, name: str) -> bool | None:
        return self._convert(name, to_boolean)

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        value = self._convert(name, to_date)
        if value is None and required:
            raise EdxmlError(ErrorCode.MISSING_ELEMENT, location=self._where(name))
        return value

    def timestamp(self, name: str, *, required: bool = False) -> dt.datetime | None:
        value = self._convert(name, to_timestamp)
        if value is None and required:
            raise EdxmlError(ErrorCode.MISSING_ELEMENT, location=self._where(name))
        return value


def line_of(element: etree._Element | None) -> int | None:
    return None if element is None else element.sourceline


def text_of(element: etree._Element, limits: Limits) -> str:
    if len(element):
        raise EdxmlError(
            ErrorCode.UNEXPECTED_CONTENT,
            location=element_path(element),
            line=element.sourceline,
            detail="phần tử con trong trường văn bản",
        )
    value = (element.text or "").strip()
    if len(value) > limits.max_text_chars:
        raise EdxmlError(
            ErrorCode.TEXT_TOO_LONG, location=element_path(element), line=element.sourceline
        )
    return value


def fail(code: ErrorCode, element: etree._Element, value: str) -> EdxmlError:
    return EdxmlError(
        code, location=element_path(element), line=element.sourceline, detail=value[:60]
    )


def to_integer(value: str, element: etree._Element) -> int:
    if not INTEGER.fullmatch(value):
        raise fail(ErrorCode.INVALID_INTEGER, element, value)
    return int(value)


def to_boolean(value: str, element: etree._Element) -> bool:
    if value.lower() not in _BOOLEANS:
        raise fail(ErrorCode.INVALID_BOOLEAN, element, value)
    return _BOOLEANS[value.lower()]


def to_date(value: str, element: etree._Element) -> dt.date:
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    except ValueError as exc:
        raise fail(ErrorCode.INVALID_DATE, element, value) from exc


def to_timestamp(value: str, element: etree._Element) -> dt.datetime:
    match = _TIMESTAMP.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TIME)
    except ValueError as exc:
        raise fail(ErrorCode.INVALID_TIMESTAMP, element, value) from exc
