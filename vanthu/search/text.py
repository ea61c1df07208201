"""Folding, query parsing and highlighted snippets for full-text search (pure: no Django).

Folding maps every character to exactly one character (lower case, đ/Đ → d, diacritics
stripped), so a position in the folded text is the same position in the original: matches are
found in the folded text and snippets are cut from the original, with its diacritics.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# A prefix shorter than this would expand to most of the vocabulary.
MIN_PREFIX_CHARS = 2


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = base.lower()
    if len(base) == 1:
        return base
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


# One entry per character of the Basic Multilingual Plane whose folded form differs.
_TABLE: dict[int, str] = {
    code: folded
    for code in range(0x10000)
    if not 0xD800 <= code <= 0xDFFF and (folded := _fold_char(chr(code))) != chr(code)
}


def fold(text: str) -> str:
    """Return `text` folded character by character: same length, positions kept."""
    return text.translate(_TABLE)


def fold_nfc(text: str) -> str:
    """Return the NFC form of `text`, folded (what the index stores and queries use)."""
    return fold(unicodedata.normalize("NFC", text))


# Unicode letters and digits; `_` and punctuation separate words, as in FTS5's unicode61.
WORD = re.compile(r"[^\W_]+")


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in Vietnamese."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query: a word or a phrase (adjacent words), the last one maybe a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: every term must match (AND)."""

    text: str
    terms: tuple[Term, ...]
    # The user quoted a phrase: an exact search, never widened to similar words.
    is_exact: bool = False

    def fts5(self) -> str:
        """Return the FTS5 MATCH expression (every word quoted: no syntax comes from the user)."""
        return " ".join(
            '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "") for t in self.terms
        )

    def tsquery(self) -> str:
        """Return the PostgreSQL `to_tsquery('simple', …)` text: & between terms, <-> in phrases."""
        parts = []
        for term in self.terms:
            words = [f"'{w}'" for w in term.words]
            if term.prefix:
                words[-1] += ":*"
            parts.append("(" + " <-> ".join(words) + ")" if term.is_phrase else words[0])
        return " & ".join(parts)


def _term(chunk: str, *, phrase: bool) -> Term | None:
    prefix = not phrase and chunk.endswith("*")
    words = tuple(WORD.findall(fold_nfc(chunk)))
    if not words:
        return None
    if prefix and len(words[-1]) < MIN_PREFIX_CHARS:
        prefix = False
    return Term(words=words, prefix=prefix)


def parse_query(raw: str) -> Query:
    """Parse a user's query: words, "exact phrases", and `word*` prefixes; raise QueryError."""
    text = (raw or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"Từ khóa tìm kiếm quá dài (tối đa {MAX_QUERY_CHARS} ký tự).")
    terms: list[Term] = []
    # Even pieces lie outside quotes, odd ones inside (an unclosed quote runs to the end).
    for index, piece in enumerate(text.split('"')):
        if index % 2:
            term = _term(piece, phrase=True)
            if term:
                terms.append(term)
            continue
        for chunk in piece.split():
            # "125/STTTT-VP" or "V/v" hold several words: they must be adjacent, as typed.
            term = _term(chunk, phrase=False)
            if term:
                terms.append(term)
    if not terms:
        raise QueryError("Hãy nhập từ khóa tìm kiếm (chữ hoặc số).")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"Từ khóa tìm kiếm có quá nhiều từ (tối đa {MAX_TERMS}).")
    return Query(text=text, terms=tuple(terms), is_exact=text.count('"') >= 2)


@functools.lru_cache(maxsize=64)
def _pattern(query: Query) -> re.Pattern[str]:
    alternatives = []
    for term in query.terms:
        body = r"[\W_]+".join(re.escape(w) for w in term.words)
        tail = r"[^\W_]*" if term.prefix else r"(?![^\W_])"
        alternatives.append(r"(?<![^\W_])" + body + tail)
    # Longer alternatives first, so a phrase wins over a word it starts with.
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives))


def matches(query: Query, text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the query's terms in `text`, found in its folded form."""
    return [m.span() for m in _pattern(query).finditer(fold_nfc(text))]


def highlight(query: Query, text: str) -> str:
    """Return `text` HTML-escaped, with the query's matches wrapped in <mark>."""
    return _marked(unicodedata.normalize("NFC", text), matches(query, text), 0, None)


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int | None) -> str:
    end = len(text) if end is None else end
    out: list[str] = []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[at:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        at = e
    out.append(html.escape(text[at:end]))
    return "".join(out)


# Snippets fold a long text by growing prefixes, up to its first match (a body may hold 200,000
# characters; folding it whole for each of 20 hits cost more than the query). A match is taken
# once it ends _OVERLAP before the prefix's end: exact for any match shorter than _OVERLAP
# (queries hold at most MAX_QUERY_CHARS), since an earlier one cut by the end would be longer.
_CHUNK = 8_192
_OVERLAP = 1_024


def _first_match(pattern: re.Pattern[str], text: str) -> tuple[int, str] | None:
    """Return where the first match of `pattern` starts in `text` folded, and the folded
    prefix searched; None when there is no match."""
    end = _CHUNK
    while True:
        folded = fold(text[:end])
        found = pattern.search(folded)
        if end >= len(text):
            return None if found is None else (found.start(), folded)
        if found is not None and found.end() <= end - _OVERLAP:
            return found.start(), folded
        end *= 4


def snippet(query: Query, text: str, *, width: int = 240) -> str:
    """Return a few words around the first cluster of matches, HTML-escaped, matches marked.

    Empty when the text holds no match. Only the window around the first match is folded and
    searched for the other matches to mark, so the cost does not grow with the text.
    """
    text = unicodedata.normalize("NFC", text)
    pattern = _pattern(query)
    found = _first_match(pattern, text)
    if found is None:
        return ""
    first, folded = found
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    # Widen to whole words so no word is cut in half.
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    # Matches overlapping the window: fold it with a margin each side (a phrase may start
    # before it or run past it; _marked clips them to the window).
    lo = max(0, start - _OVERLAP)
    hi = end + _OVERLAP
    # Usually the folded prefix already covers the window (and all of a short text).
    window = folded[lo:hi] if hi <= len(folded) or len(folded) == len(text) else fold(text[lo:hi])
    spans = [(s + lo, e + lo) for s, e in (m.span() for m in pattern.finditer(window))]
    body = " ".join(_marked(text, spans, start, end).split())
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


def edit_distance(a: str, b: str) -> int:
    """Return the optimal string alignment distance: insertions, deletions, substitutions and
    transpositions of adjacent characters, one each ("trnag" → "trang" is 1)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit_away(word: str) -> set[str]:
    """Return the words one edit (of a-z letters) from a folded `word`: a deletion, a
    transposition, a substitution or an insertion (for short words, whose trigrams are too
    few to find "van" from "vna")."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    found |= {a + c + b for a, b in splits for c in _LETTERS}
    found.discard(word)
    return found
