"""Where the published edXML packets are: ``../shared/conformance/edxml/`` beside the checkout.

CI clones the repository next to ``shared/`` (as /work/main has /work/shared); nothing of it is
copied here. Without the folder the tests skip, and fail under CI (root conftest).
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
CONFORMANCE_DIR = REPO_ROOT.parent / "shared" / "conformance" / "edxml"


def conformance_available() -> bool:
    return CONFORMANCE_DIR.is_dir()


def conformance_names() -> list[str]:
    """Return the file names of every packet in the folder (empty if it is missing)."""
    if not conformance_available():
        return []
    return sorted(path.name for path in CONFORMANCE_DIR.glob("*.edxml"))


def conformance_bytes(name: str) -> bytes:
    """Return the bytes of one published packet, skipping (failing under CI) without them."""
    from conftest import require_component

    require_component(conformance_available(), "edXML samples missing: " + str(CONFORMANCE_DIR))
    return (CONFORMANCE_DIR / name).read_bytes()
