"""Limits that bound what one packet may cost to read (size, structure, decompression)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds applied while reading; a packet over any of them is refused with its own code.

    ``max_decoded_bytes`` counts every byte produced from the packet: decoded base64, unzipped
    entries and the attachments of nested packets. ``max_zip_ratio`` applies to entries larger
    than ``zip_ratio_floor`` (a kilobyte of zeros compressing 1000:1 costs nothing).
    ``max_nesting`` is how many packets may be wrapped inside an attachment, one in another.
    """

    max_packet_bytes: int = 64 * MIB
    max_elements: int = 100_000
    max_depth: int = 64
    max_text_chars: int = 20_000
    max_items: int = 1_000
    max_attachments: int = 100
    max_decoded_bytes: int = 256 * MIB
    max_zip_entries: int = 100
    max_zip_ratio: int = 200
    zip_ratio_floor: int = 1 * MIB
    max_nesting: int = 1
    max_stray_bytes: int = 16


DEFAULT_LIMITS = Limits()
