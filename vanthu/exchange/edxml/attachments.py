"""Attachment content: base64 decoding and zip extraction under limits.

Every byte produced (decoded base64, unzipped entries, nested packets' attachments) is charged to
one ``Budget`` per packet. A zip is opened only when the attachment says it is one (content type
``application/zip``): a .docx is a zip too and must stay as sent. Entries are read in chunks and
counted as they come, so a lying header cannot make the reader allocate more than the budget.
"""

from __future__ import annotations

import binascii
import io
import zipfile

from .errors import EdxmlError, ErrorCode
from .limits import Limits

__all__ = ["ZIP_CONTENT_TYPES", "Budget", "decode_base64", "looks_like_packet", "unzip"]

ZIP_CONTENT_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/x-zip"}
)
_ASCII_WHITESPACE = str.maketrans("", "", " \t\r\n")
_CHUNK = 64 * 1024


class Budget:
    """Bytes that reading one packet may still produce (shared with nested packets)."""

    def __init__(self, limits: Limits) -> None:
        self.remaining = limits.max_decoded_bytes

    def take(self, amount: int, location: str) -> None:
        if amount > self.remaining:
            raise EdxmlError(ErrorCode.DECODED_TOO_LARGE, location=location)
        self.remaining -= amount


def decode_base64(text: str, *, location: str, budget: Budget) -> bytes:
    """Decode ``ContentTransferEncoded`` (line breaks allowed, nothing else)."""
    compact = text.translate(_ASCII_WHITESPACE)
    if len(compact) % 4:
        raise EdxmlError(
            ErrorCode.ATTACHMENT_NOT_BASE64, location=location, detail="độ dài không chia hết cho 4"
        )
    budget.take(len(compact) // 4 * 3, location)
    try:
        return binascii.a2b_base64(compact.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise EdxmlError(
            ErrorCode.ATTACHMENT_NOT_BASE64, location=location, detail=compact[:40]
        ) from exc


def _safe_name(name: str) -> bool:
    if not name or len(name) > 255 or "\x00" in name:
        return False
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return False
    parts = name.replace("\\", "/").split("/")
    return ".." not in parts


def _read_entry(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    *,
    limits: Limits,
    budget: Budget,
    location: str,
) -> bytes:
    declared = info.file_size
    compressed = max(info.compress_size, 1)
    if declared > limits.zip_ratio_floor and declared > limits.max_zip_ratio * compressed:
        raise EdxmlError(ErrorCode.ZIP_RATIO, location=location, detail=info.filename)
    if declared > budget.remaining:
        raise EdxmlError(ErrorCode.DECODED_TOO_LARGE, location=location, detail=info.filename)
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            budget.take(len(chunk), location)
            out += chunk
            if len(out) > declared:
                raise EdxmlError(ErrorCode.ZIP_INVALID, location=location, detail=info.filename)
            if len(out) > limits.zip_ratio_floor and len(out) > limits.max_zip_ratio * compressed:
                raise EdxmlError(ErrorCode.ZIP_RATIO, location=location, detail=info.filename)
    return bytes(out)


def unzip(data: bytes, *, limits: Limits, budget: Budget, location: str) -> list[tuple[str, bytes]]:
    """Return the (name, bytes) of each file in the zip ``data``, refusing unsafe archives."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_zip_entries:
                raise EdxmlError(
                    ErrorCode.ZIP_TOO_MANY_ENTRIES, location=location, detail=str(len(infos))
                )
            files: list[tuple[str, bytes]] = []
            seen: set[str] = set()
            for info in infos:
                if info.is_dir():
                    continue
                if not _safe_name(info.filename) or info.filename in seen:
                    raise EdxmlError(
                        ErrorCode.ZIP_UNSAFE_NAME, location=location, detail=info.filename[:100]
                    )
                seen.add(info.filename)
                if info.flag_bits & 0x1 or info.compress_type not in (
                    zipfile.ZIP_STORED,
                    zipfile.ZIP_DEFLATED,
                ):
                    raise EdxmlError(
                        ErrorCode.ZIP_UNSUPPORTED, location=location, detail=info.filename
                    )
                entry = _read_entry(archive, info, limits=limits, budget=budget, location=location)
                files.append((info.filename, entry))
            return files
    except EdxmlError:
        raise
    except Exception as exc:
        # zipfile answers malformed archives with a zoo of exceptions (BadZipFile, zlib.error,
        # EOFError, struct.error, ValueError, OverflowError, ...): all mean a broken zip.
        raise EdxmlError(
            ErrorCode.ZIP_INVALID, location=location, detail=type(exc).__name__
        ) from exc


def looks_like_packet(name: str, data: bytes) -> bool:
    """Tell whether a zip entry is meant as an edXML packet (its name, or its root element)."""
    if name.lower().endswith(".edxml"):
        return True
    head = data[:2048]
    return b"<edXML" in head and b"http://www.mic.gov.vn/TBT/QCVN_102_2016" in head
