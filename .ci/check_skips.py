"""Fail when a test was skipped for any reason other than a database-vendor difference.

Tests that need a system component call `require_component`, which fails under CI; this is the
second line of defence, reading the JUnit report: the only allowed skip reasons start with
"db-vendor:" (a test meaningful on one database only, see conftest.only_on_vendor).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

ALLOWED_PREFIX = "db-vendor:"


def main(path: str) -> int:
    tree = ET.parse(path)  # noqa: S314
    bad: list[str] = []
    total = skipped = 0
    for case in tree.iter("testcase"):
        total += 1
        for skip in case.findall("skipped"):
            skipped += 1
            reason = skip.get("message", "")
            if ALLOWED_PREFIX not in reason:
                bad.append(f"{case.get('classname')}::{case.get('name')}: {reason}")
    print(f"check_skips: {total} tests, {skipped} skipped, {len(bad)} not allowed")
    for line in bad:
        print("  skipped without an allowed reason:", line)
    if total == 0:
        print("check_skips: no test ran")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
