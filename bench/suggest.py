"""Accuracy of the metadata suggester per field on the labelled set (issue 7 item 2).

Run: uv run python bench/suggest.py [--misses dev]
The set (vanthu/intake/tests/data/suggest/, README.md there) is split into a development half,
on which the rules were tuned, and a held-out half, read only to measure.
"""

from __future__ import annotations

import argparse
import time

from vanthu.intake.suggest_eval import FIELDS, SUMMARY_THRESHOLD, score_set


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", choices=["dev", "heldout"], help="print the misses of a split")
    args = parser.parse_args()
    started = time.perf_counter()
    dev, held = score_set("dev"), score_set("heldout")
    elapsed = time.perf_counter() - started
    print(f"documents: dev {dev.documents}, held-out {held.documents}")
    print(f"summary right when similarity >= {SUMMARY_THRESHOLD}")
    print("| field | dev | held-out |")
    print("|---|---|---|")
    for name in FIELDS:
        print(f"| {name} | {dev.accuracy(name):.0%} | {held.accuracy(name):.0%} |")
    total_dev = sum(dev.right.values()) / (dev.documents * len(FIELDS))
    total_held = sum(held.right.values()) / (held.documents * len(FIELDS))
    print(f"| all fields | {total_dev:.0%} | {total_held:.0%} |")
    count = dev.documents + held.documents
    print(f"time: {elapsed * 1000 / count:.1f} ms per document")
    if args.misses:
        for key, name, got, want in (dev if args.misses == "dev" else held).misses:
            print(f"{key} {name}: got {got!r} want {want!r}")


if __name__ == "__main__":
    main()
