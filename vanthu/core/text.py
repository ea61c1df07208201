"""Vietnamese text integrity (QĐ 22 Điều 3.2.b, TCVN 6909:2001): NFC, legacy encodings, folding.

Every text that enters the system goes through `clean_text` (services call `normalize_text`,
which also trims the ends). Text typed years ago with the legacy TCVN3 (ABC, ".VnTime" fonts)
or VNI-Windows ("VNI-Times" fonts) encodings usually arrives as mojibake: the legacy bytes read
as Windows-1252, e.g. "QuyÕt ®Þnh" (TCVN3) or "Quyeát ñònh" (VNI) for "Quyết định". Such text
is converted when the conversion is certain and refused with `AmbiguousEncoding` when it is
not; see docs/adr/0005-vietnamese-text-encodings.md for the rules and their limits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from vanthu.core.errors import ErrorCode, ValidationFailed

LegacyEncoding = Literal["unicode", "tcvn3", "vni", "ambiguous"]

AMBIGUOUS_MESSAGE = (
    "Văn bản có thể đang dùng bảng mã cũ (TCVN3/VNI) nhưng không chuyển đổi chắc chắn được; "
    "vui lòng chuyển sang Unicode."
)


class AmbiguousEncoding(ValidationFailed):
    """The text may be in a legacy encoding but cannot be converted with certainty."""

    code = ErrorCode.AMBIGUOUS_ENCODING


# --- Letters --------------------------------------------------------------------------------

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_TONES = (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)  # huyền, sắc, hỏi, ngã, nặng
_VOWELS = "aăâeêioôơuưy"


def _letter(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


#: The 67 lower-case Vietnamese letters that are not plain ASCII (TCVN 6909:2001).
VIETNAMESE_LOWER: tuple[str, ...] = (
    *(_letter(base, "") for base in "ăâêôơư"),
    *(_letter(base, tone) for base in _VOWELS for tone in _TONES),
    "đ",
)
VIETNAMESE_LETTERS: tuple[str, ...] = VIETNAMESE_LOWER + tuple(c.upper() for c in VIETNAMESE_LOWER)

# Letters only Unicode can hold: their presence proves the text is (at least partly) Unicode,
# since TCVN3/VNI mojibake only ever contains Windows-1252 characters.
_UNICODE_ONLY = frozenset(c for c in VIETNAMESE_LETTERS if ord(c) > 0xFF)

# --- TCVN3 (TCVN 5712:1993, VN3 subset used by the ".VnTime" fonts) -------------------------

# Rows: a vowel's five toned forms (huyền, sắc, hỏi, ngã, nặng) and their TCVN3 bytes.
_TCVN3_ROWS: tuple[tuple[str, str], ...] = (
    ("àáảãạ", "\xb5\xb8\xb6\xb7\xb9"),
    ("ằắẳẵặ", "\xbb\xbe\xbc\xbd\xc6"),
    ("ầấẩẫậ", "\xc7\xca\xc8\xc9\xcb"),
    ("èéẻẽẹ", "\xcc\xd0\xce\xcf\xd1"),
    ("ềếểễệ", "\xd2\xd5\xd3\xd4\xd6"),
    ("ìíỉĩị", "\xd7\xdd\xd8\xdc\xde"),
    ("òóỏõọ", "\xdf\xe3\xe1\xe2\xe4"),
    ("ồốổỗộ", "\xe5\xe8\xe6\xe7\xe9"),
    ("ờớởỡợ", "\xea\xed\xeb\xec\xee"),
    ("ùúủũụ", "\xef\xf3\xf1\xf2\xf4"),
    ("ừứửữự", "\xf5\xf8\xf6\xf7\xf9"),
    ("ỳýỷỹỵ", "\xfa\xfd\xfb\xfc\xfe"),
    ("ăâêôơưđ", "\xa8\xa9\xaa\xab\xac\xad\xae"),
    ("ĂÂÊÔƠƯĐ", "\xa1\xa2\xa3\xa4\xa5\xa6\xa7"),
)
_TCVN3_ENCODE: dict[str, str] = {
    u: t for uni, tc in _TCVN3_ROWS for u, t in zip(uni, tc, strict=True)
}
_TCVN3_DECODE: dict[str, str] = {t: u for u, t in _TCVN3_ENCODE.items()}
# VN3 has no upper-case toned letters: upper-case text used the ".VnTimeH" fonts, which draw
# the lower-case codes as capitals. Those codes decode to lower case; `_tcvn3_restore_case`
# puts capitals back where the surrounding word or line is written in capitals.
_TCVN3_CASELESS = frozenset(t for u, t in _TCVN3_ENCODE.items() if u.islower())
# Toned letters cannot be typed as capitals in ".VnTime" at all ("đ" can: "§").
_TCVN3_TONED = frozenset(t for u, t in _TCVN3_ENCODE.items() if u not in "ăâêôơưđ" and u.islower())

# --- VNI-Windows ----------------------------------------------------------------------------

# A vowel is written as its base letter followed by one mark character; lower-case text uses
# the lower-case marks, upper-case text the upper-case ones. Order: huyền, sắc, hỏi, ngã, nặng.
_VNI_TONE = "\xf8\xf9\xfb\xf5\xef"  # ø ù û õ ï
_VNI_CIRCUMFLEX = "\xe2\xe0\xe1\xe5\xe3\xe4"  # â, then with each tone: à á å ã ä
_VNI_BREVE = "\xea\xe8\xe9\xfa\xfc\xeb"  # ă, then with each tone: è é ú ü ë
_VNI_SINGLE = {"ì": "\xec", "í": "\xed", "ỉ": "\xe6", "ĩ": "\xf3", "ị": "\xf2", "ỵ": "\xee",
               "đ": "\xf1", "ơ": "\xf4", "ư": "\xf6"}  # fmt: skip


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = dict(_VNI_SINGLE)
    for base, plain in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y"),
                        ("ơ", "\xf4"), ("ư", "\xf6")):  # fmt: skip
        for tone, mark in zip(_TONES, _VNI_TONE, strict=True):
            table.setdefault(_letter(base, tone), plain + mark)
    hatted = (("ă", "a", _VNI_BREVE), ("â", "a", _VNI_CIRCUMFLEX),
              ("ê", "e", _VNI_CIRCUMFLEX), ("ô", "o", _VNI_CIRCUMFLEX))  # fmt: skip
    for base, plain, marks in hatted:
        table[base] = plain + marks[0]
        for tone, mark in zip(_TONES, marks[1:], strict=True):
            table[_letter(base, tone)] = plain + mark
    table.update({u.upper(): v.upper() for u, v in list(table.items())})
    return table


def _build_vni_decode(encode: dict[str, str]) -> dict[str, str]:
    decode = {code: letter for letter, code in encode.items()}
    # Accept a mark of the other case too ("Aù" for "Á"): the base letter sets the case.
    for code, letter in list(decode.items()):
        if len(code) == 2:
            for mark in (code[1].lower(), code[1].upper()):
                decode.setdefault(code[0] + mark, letter)
    return decode


_VNI_ENCODE: dict[str, str] = _build_vni()
_VNI_DECODE: dict[str, str] = _build_vni_decode(_VNI_ENCODE)
_VNI_PAIRS = frozenset(k for k in _VNI_DECODE if len(k) == 2)

# --- Conversions ----------------------------------------------------------------------------


def unicode_to_tcvn3(text: str) -> str:
    """Encode Unicode text as TCVN3 mojibake (upper-case toned letters use the lower-case codes)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        code = _TCVN3_ENCODE.get(char)
        if code is None and char.isupper():
            code = _TCVN3_ENCODE.get(char.lower())
        out.append(code if code is not None else char)
    return "".join(out)


def unicode_to_vni(text: str) -> str:
    """Encode Unicode text as VNI-Windows mojibake (legacy bytes shown as Windows-1252)."""
    return "".join(_VNI_ENCODE.get(c, c) for c in unicodedata.normalize("NFC", text))


_TOKEN = re.compile(r"(?:[^\W\d_]|[\xa1-\xbf\xd7\xf7])+")  # letters and TCVN3's symbol codes


_SENTENCE_END = re.compile(r"[.!?][\s\"')\]]*\s")


def _tcvn3_restore_case(legacy: str, decoded: str) -> str:
    """Capitalise caseless TCVN3 letters in words or lines written in capitals, and sentences.

    A word with two or more cased letters, all capitals, is in capitals. A word with at most
    one ("LÝ", "Ở") follows the nearest real words of its line (abbreviations such as "UBND"
    do not count), and a lower-case word starting a text or a sentence gets a capital.
    """
    chars = list(decoded)
    offset, previous_end = 0, 0
    for line in legacy.split("\n"):
        spans = [(m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(line)]
        states = [_tcvn3_word_case(legacy, decoded, start, end) for start, end in spans]
        votes = [
            state if state != "upper" or is_vietnamese_syllable(decoded[start:end]) else None
            for state, (start, end) in zip(states, spans, strict=True)
        ]
        before, after = _nearest(votes), _nearest(votes[::-1])[::-1]
        for i, (start, end) in enumerate(spans):
            state = states[i] or _tcvn3_vote(before[i], after[i])
            if state == "upper":
                for pos in range(start, end):
                    if legacy[pos] in _TCVN3_CASELESS:
                        chars[pos] = chars[pos].upper()
            elif legacy[start] in _TCVN3_TONED and (
                previous_end == 0 or _SENTENCE_END.search(legacy, previous_end, start)
            ):
                chars[start] = chars[start].upper()
            previous_end = end
        offset += len(line) + 1
    return "".join(chars)


def _nearest(votes: list[str | None]) -> list[tuple[str, int] | None]:
    """For each word, the case of the nearest voting word before it and how far it is."""
    nearest: list[tuple[str, int] | None] = []
    last: tuple[str, int] | None = None
    for index, vote in enumerate(votes):
        nearest.append((last[0], index - last[1]) if last else None)
        if vote:
            last = (vote, index)
    return nearest


def _tcvn3_vote(before: tuple[str, int] | None, after: tuple[str, int] | None) -> str:
    sides = sorted((side for side in (before, after) if side), key=lambda side: side[1])
    if not sides or (len(sides) == 2 and sides[0][1] == sides[1][1] and sides[0][0] != sides[1][0]):
        return "lower"
    return sides[0][0]


def _tcvn3_word_case(legacy: str, decoded: str, start: int, end: int) -> str | None:
    cased = [
        decoded[pos]
        for pos in range(start, end)
        if legacy[pos] not in _TCVN3_CASELESS and decoded[pos].isalpha()
    ]
    if any(c.islower() for c in cased):
        return "lower"
    return "upper" if len(cased) >= 2 else None


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) mojibake to Unicode NFC, restoring capitals of ".VnTimeH" text."""
    decoded = "".join(_TCVN3_DECODE.get(c, c) for c in text)
    return unicodedata.normalize("NFC", _tcvn3_restore_case(text, decoded))


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows mojibake to Unicode NFC."""
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _VNI_PAIRS:
            out.append(_VNI_DECODE[pair])
            i += 2
        else:
            out.append(_VNI_DECODE.get(text[i], text[i]))
            i += 1
    return unicodedata.normalize("NFC", "".join(out))


# --- Vietnamese syllables -------------------------------------------------------------------

_INITIALS = (
    *("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch"),
    *"bcdđghklmnprstvx",
    "",
)
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")
_STOP_FINALS = frozenset({"c", "ch", "p", "t"})
# Vowel groups (medial + nucleus) by whether a final consonant may, or must, follow.
_OPEN_ONLY = frozenset(
    ("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
     "ưa", "ưi", "ưu", "uơ", "oai", "oao", "oay", "oeo", "uây", "uôi", "iêu", "yêu", "ươi",
     "ươu", "uya", "uyu")
)  # fmt: skip
_OPEN_OR_CLOSED = frozenset(("a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "oa", "oe", "uê", "uy"))
_CLOSED_ONLY = frozenset(("ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"))
_OPEN_ALONE = frozenset({"y"})
_PALATAL_NUCLEI = frozenset(("a", "ê", "i", "oa", "uê", "uy"))  # the only ones before -nh, -ch
_NO_VELAR = {final: frozenset(("i", "ê", "uy", "ơ")) for final in ("ng", "c")}  # "inh", not "ing"
_FRONT = "ieêy"
_BASE_LETTERS = frozenset("abcdefghiklmnopqrstuvxyăâêôơưđ")


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Tell whether `word` is one well-formed Vietnamese syllable (any case, NFC or NFD)."""
    tones: list[tuple[str, int]] = []  # (tone mark, index of the letter carrying it)
    base: list[str] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES and base:
            tones.append((char, len(base) - 1))
        elif unicodedata.combining(char):
            if not base or char not in "\u0302\u0306\u031b":
                return False
            base[-1] = unicodedata.normalize("NFC", base[-1] + char)
        else:
            base.append(char)
    text = "".join(base)
    if len(tones) > 1 or not text or any(c not in _BASE_LETTERS for c in text):
        return False
    tone, at = tones[0] if tones else ("", -1)
    return any(
        _valid_split(text, initial, tone, at) for initial in _INITIALS if text.startswith(initial)
    )


def _valid_split(text: str, initial: str, tone: str, at: int) -> bool:
    rest = text[len(initial) :]
    if not rest or rest[0] not in _VOWELS:
        return False
    if initial in ("k", "gh", "ngh") and rest[0] not in _FRONT:
        return False
    if initial in ("c", "ng") and rest[0] in "ieê":
        return False
    for final in (*_FINALS, ""):
        if final and not rest.endswith(final):
            continue
        vowel = rest[: len(rest) - len(final)]
        if final:
            ok = (vowel in _OPEN_OR_CLOSED or vowel in _CLOSED_ONLY) and (
                vowel in _PALATAL_NUCLEI
                if final in ("nh", "ch")
                else vowel not in _NO_VELAR.get(final, ())
            )
        else:
            ok = vowel in _OPEN_ONLY or vowel in _OPEN_OR_CLOSED or vowel in _OPEN_ALONE
        if not ok or (final in _STOP_FINALS and tone not in (_ACUTE, _DOT)):
            continue
        if not tone or _tone_in_place(vowel, final, at - len(initial)):
            return True
    return False


def _tone_in_place(vowel: str, final: str, at: int) -> bool:
    """Tell whether the tone sits on the main vowel of the group ("của", not "cuả")."""
    if not 0 <= at < len(vowel):
        return False
    if final and len(vowel) > 1:
        return at == len(vowel) - 1  # "toán", "được", "quyết"
    if vowel in _OPEN_ONLY and vowel != "uơ":
        return at == (1 if len(vowel) == 3 else 0)  # "tài", "ngoài", "tuổi", "thuở"
    return True  # "hòa"/"hoà", "thủy"/"thuỷ": both placements are in use


# --- Detection ------------------------------------------------------------------------------

_PLAUSIBLE_RATIO = 0.8  # share of suspicious words a conversion must turn into syllables
_LOOKS_LEGACY_RATIO = 0.5  # share above which unconverted text is refused, not kept
_CONVERTERS: dict[LegacyEncoding, Callable[[str], str]] = {
    "tcvn3": tcvn3_to_unicode,
    "vni": vni_to_unicode,
}


def _evidence(words: list[str], converter: Callable[[str], str]) -> tuple[int, int, int]:
    """Return (words converted to syllables, words not, length of the longest converted word).

    A word that converts to letters without any vowel ("H§ND" to "HĐND") is an abbreviation
    and counts neither way.
    """
    good, bad, longest = 0, 0, 0
    for word in words:
        converted = converter(word)
        if converted != word and is_vietnamese_syllable(converted):
            good, longest = good + 1, max(longest, len(word))
        elif any(c in _VOWELS for c in fold(converted)) or converted == word:
            bad += 1
    return good, bad, longest


def detect_legacy_encoding(text: str) -> LegacyEncoding:
    """Tell whether `text` is Unicode, TCVN3 or VNI mojibake, or cannot be told with certainty."""
    text = unicodedata.normalize("NFC", text)
    if all(ord(c) < 0x80 or ord(c) > 0xFF for c in text):
        return "unicode"  # legacy mojibake always holds Windows-1252 characters above ASCII
    # Words with a character above ASCII that are not already well-formed Vietnamese syllables.
    suspicious = [
        w for w in _TOKEN.findall(text) if not w.isascii() and not is_vietnamese_syllable(w)
    ]
    if not suspicious:
        return "unicode"
    plausible: list[LegacyEncoding] = []
    looks_legacy = False
    for name, converter in _CONVERTERS.items():
        good, bad, longest = _evidence(suspicious, converter)
        ratio = good / (good + bad) if good else 0.0
        # One converted word is enough only if it is long: "µm" must stay a micrometre.
        enough = good >= 2 or longest >= 4
        if ratio >= _PLAUSIBLE_RATIO and enough:
            plausible.append(name)
        if ratio >= _LOOKS_LEGACY_RATIO and (good >= 2 or longest >= 3):
            looks_legacy = True
    if any(c in _UNICODE_ONLY for c in text):
        # Real Unicode letters next to convertible mojibake: a paste of mixed sources.
        return "ambiguous" if plausible else "unicode"
    if len(plausible) == 1:
        return plausible[0]
    if plausible or looks_legacy:
        return "ambiguous"
    return "unicode"


# --- Cleaning -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")


def _strip_controls(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_text(value: str, *, convert_legacy: bool = True, field: str | None = None) -> str:
    """Return `value` as clean Unicode NFC text, converting TCVN3/VNI mojibake.

    Line breaks become "\\n"; other control characters (C0, DEL, C1) and the byte-order mark
    are removed, "\\n" and "\\t" are kept. With `convert_legacy`, text detected as TCVN3 or VNI
    is converted; text that may be legacy but cannot be converted with certainty raises
    `AmbiguousEncoding` (naming `field` when given). Surrounding white space is kept.
    """
    text = unicodedata.normalize("NFC", _strip_controls(value))
    if not convert_legacy:
        return text
    encoding = detect_legacy_encoding(text)
    if encoding == "ambiguous":
        fields = {field: [AMBIGUOUS_MESSAGE]} if field else None
        raise AmbiguousEncoding(AMBIGUOUS_MESSAGE, fields=fields)
    if encoding == "unicode":
        return text
    return _CONVERTERS[encoding](text)


def normalize_text(value: str, *, field: str | None = None) -> str:
    """Return `value` cleaned by `clean_text` (NFC, controls, legacy encodings) and trimmed."""
    return clean_text(value, field=field).strip()


def fold(value: str) -> str:
    """Fold text for search: lower case, no diacritics, đ/Đ to d (Unicode does not decompose đ)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
