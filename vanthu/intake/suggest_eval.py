"""Score the metadata suggester against a labelled set (bench/suggest.py and the tests).

Pure code, like `suggest`. A field counts as right when the suggestion equals the label after
normalisation (folded: case, diacritics and đ ignored; spaces and end punctuation collapsed;
"UBND"/"HĐND" written out; numbers compared without leading zeros). The summary counts as right
when its similarity ratio (difflib) to the label, both folded, is at least SUMMARY_THRESHOLD.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from vanthu.intake.suggest import fold, suggest

__all__ = ["FIELDS", "SUMMARY_THRESHOLD", "Score", "load_set", "normalise", "score_set"]

FIELDS = (
    "sender_name",
    "number",
    "notation",
    "document_date",
    "document_type",
    "summary",
    "signer_name",
    "signer_position",
    "urgency",
)
SUMMARY_THRESHOLD = 0.9
SET_DIR = Path(__file__).parent / "tests" / "data" / "suggest"


def normalise(name: str, value: str) -> str:
    """Return the comparable form of a field value."""
    text = fold(value or "")
    text = re.sub(r"^(ubnd|uy ban nhan dan)\b", "uy ban nhan dan", text)
    text = re.sub(r"^(hdnd|hoi dong nhan dan)\b", "hoi dong nhan dan", text)
    text = re.sub(r"\s*([-/,])\s*", r"\1", text).strip(" .;:")
    if name == "number":
        text = text.lstrip("0") or "0"
    if name == "summary":
        text = re.sub(r"^(v/v|ve viec)\s*", "", text)
    return text


def is_right(name: str, suggested: str | None, label: str) -> bool:
    """Return whether a suggested value counts as right for `label`."""
    if suggested is None:
        return False
    got, want = normalise(name, suggested), normalise(name, label)
    if name == "summary":
        return SequenceMatcher(None, got, want).ratio() >= SUMMARY_THRESHOLD
    return got == want


@dataclass
class Score:
    """Right answers per field over a number of documents."""

    documents: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[tuple[str, str, str | None, str]] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        """Return the share of documents whose `name` was right."""
        return self.right[name] / self.documents if self.documents else 0.0


def load_set(directory: Path = SET_DIR) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return {document id: (text, labels)} of the labelled set."""
    labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    return {
        key: ((directory / f"{key}.txt").read_text(encoding="utf-8"), value)
        for key, value in sorted(labels.items())
    }


def score_set(split: str | None = None, directory: Path = SET_DIR) -> Score:
    """Run the suggester on the set (or on one split of it) and count right fields."""
    score = Score()
    for key, (text, labels) in load_set(directory).items():
        if split is not None and labels.get("split") != split:
            continue
        score.documents += 1
        suggestion = suggest(text)
        for name in FIELDS:
            found = getattr(suggestion, name)
            value = found.value if found is not None else None
            if is_right(name, value, labels[name]):
                score.right[name] += 1
            else:
                score.misses.append((key, name, value, labels[name]))
    return score
