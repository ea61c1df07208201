"""A local RFC 3161 timestamp authority (demo and tests) and the choice of timestamp client.

``timestamp_reply`` turns a DER ``TimeStampReq`` into a DER ``TimeStampResp``; an HTTP view
can serve it as ``application/timestamp-reply``. ``timestamper_for`` gives pyHanko the client
for a configured TSA URL, or an in-process authority backed by the test PKI.
"""

from __future__ import annotations

from collections.abc import Sequence

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps import DummyTimeStamper, TimeStamper
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from .pki import TestPki

__all__ = ["TIMESTAMP_QUERY_TYPE", "TIMESTAMP_REPLY_TYPE", "timestamp_reply", "timestamper_for"]

TIMESTAMP_QUERY_TYPE = "application/timestamp-query"
TIMESTAMP_REPLY_TYPE = "application/timestamp-reply"
_ACCEPTED_DIGESTS = {"sha256", "sha384", "sha512"}
MAX_REQUEST_BYTES = 16 * 1024


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: rsa.RSAPrivateKey) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _rejection(fail_info: str, text: str) -> bytes:
    status = tsp.PKIStatusInfo(
        {
            "status": tsp.PKIStatus("rejection"),
            "status_string": [text],
            "fail_info": tsp.PKIFailureInfo({fail_info}),
        }
    )
    # asn1crypto's TimeStampResp does not mark the token optional; encode the SEQUENCE here.
    body = bytes(status.dump())
    return b"\x30" + _der_length(len(body)) + body


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _local_timestamper(
    tsa_cert: x509.Certificate, tsa_key: rsa.RSAPrivateKey, chain: Sequence[x509.Certificate]
) -> DummyTimeStamper:
    return DummyTimeStamper(
        tsa_cert=_asn1_cert(tsa_cert),
        tsa_key=_asn1_key(tsa_key),
        certs_to_embed=[_asn1_cert(c) for c in chain],  # type: ignore[arg-type]
    )


def timestamp_reply(
    request_der: bytes,
    *,
    tsa_cert: x509.Certificate,
    tsa_key: rsa.RSAPrivateKey,
    chain: Sequence[x509.Certificate] = (),
) -> bytes:
    """Answer a DER RFC 3161 request with a DER ``TimeStampResp`` signed by the TSA key.

    A malformed or oversized request, or one with a digest other than SHA-2, gets a
    "rejection" response (never an exception), as RFC 3161 §2.4.2 prescribes.
    """
    if len(request_der) > MAX_REQUEST_BYTES:
        return _rejection("bad_data_format", "request too large")
    try:
        request = tsp.TimeStampReq.load(request_der)
        algorithm = request["message_imprint"]["hash_algorithm"]["algorithm"].native
        digest = request["message_imprint"]["hashed_message"].native
        request["nonce"].native  # noqa: B018 - force parsing of the optional fields
    except Exception:
        return _rejection("bad_data_format", "malformed request")
    if algorithm not in _ACCEPTED_DIGESTS:
        return _rejection("bad_alg", "unsupported digest algorithm")
    if not isinstance(digest, bytes) or len(digest) * 8 != int(algorithm[3:]):
        return _rejection("bad_data_format", "digest length does not match algorithm")
    response = _local_timestamper(tsa_cert, tsa_key, chain).request_tsa_response(request)
    return bytes(response.dump())


def timestamper_for(
    url: str | None, *, local: TestPki | None = None, timeout: int = 10
) -> TimeStamper | None:
    """Return the timestamp client: HTTP for a URL, in-process for the local test TSA, or None.

    A URL wins over ``local``; with neither, signatures are PAdES B-B (no timestamp).
    """
    if url:
        return RequestsHTTPTimeStamper(url, timeout=timeout)  # type: ignore[no-untyped-call]
    if local is not None:
        return _local_timestamper(local.tsa_cert, local.tsa_key, (local.root_cert,))
    return None
