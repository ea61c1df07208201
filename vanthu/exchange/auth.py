"""How partner systems authenticate to each other's exchange endpoint (ADR 0018). Pure.

Each request carries the pair's key id, a Unix timestamp, the packet id and an HMAC-SHA256,
with the pair's secret, over `timestamp \\n packet id \\n sha256(body)`. The receiver refuses a
timestamp outside its replay window and a signature it has already seen.
"""

from __future__ import annotations

import hashlib
import hmac

KEY_HEADER = "X-Vanthu-Key"
TIMESTAMP_HEADER = "X-Vanthu-Timestamp"
PACKET_HEADER = "X-Vanthu-Packet-Id"
SIGNATURE_HEADER = "X-Vanthu-Signature"


def request_signature(*, secret: str, timestamp: str, packet_id: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of a request."""
    message = f"{timestamp}\n{packet_id}\n{hashlib.sha256(body).hexdigest()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_headers(
    *, key_id: str, secret: str, timestamp: int, packet_id: str, body: bytes
) -> dict[str, str]:
    """Return the headers that authenticate a request to a partner."""
    stamp = str(timestamp)
    return {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: stamp,
        PACKET_HEADER: packet_id,
        SIGNATURE_HEADER: request_signature(
            secret=secret, timestamp=stamp, packet_id=packet_id, body=body
        ),
        "Content-Type": "application/xml",
    }


def signature_matches(expected: str, given: str) -> bool:
    """Compare two signatures in constant time."""
    return hmac.compare_digest(expected.encode(), given.encode())
