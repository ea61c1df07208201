"""Vietnamese text integrity (QĐ 22 Điều 3.2.b, TCVN 6909:2001): NFC, legacy encodings, folding."""

from __future__ import annotations

import unicodedata

from vanthu.core.errors import ErrorCode, ValidationFailed


class AmbiguousEncoding(ValidationFailed):
    """The text may be in a legacy encoding but cannot be converted with certainty."""

    code = ErrorCode.AMBIGUOUS_ENCODING


def normalize_text(value: str) -> str:
    """Return `value` in Unicode NFC with surrounding white space removed."""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Fold text for search: lower case, no diacritics, đ/Đ to d (Unicode does not decompose đ)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
