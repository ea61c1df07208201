"""A CA chain with a local OCSP responder on loopback (tests only).

The test root signs an intermediate CA; both carry an Authority Information Access extension
naming the responder, an ``http.server`` on 127.0.0.1 that answers RFC 6960 requests with
``cryptography``'s OCSP builder, signed by the certificate's issuer. Certificates issued here
are "good" until ``revoke``; serials it never issued are "unknown".
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from vanthu.signatures.pki import TEST_MARKER, TestPki
from vanthu.signatures.signing import signer_from_key_and_cert

OCSP_REQUEST_TYPE = "application/ocsp-request"
OCSP_REPLY_TYPE = "application/ocsp-response"


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_bits_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(_key_bits(cert))
    return digest.finalize()


def _key_bits(cert: x509.Certificate) -> bytes:
    from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]

    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return bytes(asn1_keys.PublicKeyInfo.load(der)["public_key"].contents[1:])


@dataclass
class ChainIdentity:
    """A signer certificate under the intermediate CA, with its software key and chain."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...]

    def signer(self):
        """Return a pyHanko software signer carrying the intermediate CA and the root."""
        return signer_from_key_and_cert(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            _pem(self.cert),
            [_pem(c) for c in self.chain],
        )


@dataclass
class OcspAuthority:
    """The intermediate CA, the responder's URL and what it answers."""

    pki: TestPki
    url: str
    ca_cert: x509.Certificate = field(init=False)
    ca_key: rsa.RSAPrivateKey = field(init=False)
    issued: set[int] = field(default_factory=set)
    revoked: dict[int, dt.datetime] = field(default_factory=dict)
    requests: int = 0

    def __post_init__(self) -> None:
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca_cert = self._certificate(
            subject="Vanthu CA trung gian (THỬ NGHIỆM)",
            public_key=self.ca_key.public_key(),
            issuer=self.pki.root_cert,
            issuer_key=self.pki.root_key,
            ca=True,
            url=self.url,
        )

    def _certificate(
        self,
        *,
        subject: str,
        public_key: rsa.RSAPublicKey,
        issuer: x509.Certificate,
        issuer_key: rsa.RSAPrivateKey,
        ca: bool,
        url: str | None,
        title: str = "",
        organization: str = "Vanthu (" + TEST_MARKER + ")",
    ) -> x509.Certificate:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        attributes = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_MARKER),
        ]
        if title:
            attributes.append(x509.NameAttribute(NameOID.TITLE, title))
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, subject))
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(issuer.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=365 * (5 if ca else 2)))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=not ca,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=ca,
                    crl_sign=ca,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
        )
        if url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(url)
                        )
                    ]
                ),
                critical=False,
            )
        cert = builder.sign(issuer_key, hashes.SHA256())
        self.issued.add(cert.serial_number)
        return cert

    def issue(
        self, common_name: str, *, organization: str, title: str = "", url: str | None = ""
    ) -> ChainIdentity:
        """Issue a signer certificate under the intermediate CA (AIA: this responder).

        ``url=None`` leaves the AIA out; another URL points elsewhere (a closed port).
        """
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = self._certificate(
            subject=common_name,
            public_key=key.public_key(),
            issuer=self.ca_cert,
            issuer_key=self.ca_key,
            ca=False,
            url=self.url if url == "" else url,
            title=title,
            organization=organization,
        )
        return ChainIdentity(cert=cert, key=key, chain=(self.ca_cert, self.pki.root_cert))

    def revoke(self, cert: x509.Certificate, *, at: dt.datetime | None = None) -> None:
        """Answer "revoked" for this certificate from now on."""
        when = at or dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=1)
        self.revoked[cert.serial_number] = when

    def response(
        self, request_der: bytes, *, now: dt.datetime | None = None, next_update: bool = True
    ) -> bytes:
        """Answer one DER OCSP request, signed by the certificate's issuer (RFC 6960)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        issuers = ((self.ca_cert, self.ca_key), (self.pki.root_cert, self.pki.root_key))
        found = next(
            (
                (cert, key)
                for cert, key in issuers
                if _key_bits_hash(cert, request.hash_algorithm) == request.issuer_key_hash
            ),
            None,
        )
        if found is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        issuer, issuer_key = found
        moment = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        serial = request.serial_number
        revoked_at = self.revoked.get(serial)
        if revoked_at is not None:
            status = ocsp.OCSPCertStatus.REVOKED
        elif serial in self.issued:
            status = ocsp.OCSPCertStatus.GOOD
        else:
            status = ocsp.OCSPCertStatus.UNKNOWN
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=serial,
            algorithm=request.hash_algorithm,
            cert_status=status,
            this_update=moment - dt.timedelta(seconds=1),
            next_update=moment + dt.timedelta(days=1) if next_update else None,
            revocation_time=revoked_at,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        except x509.ExtensionNotFound:
            pass
        return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def request_for(self, cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
        """Return a DER OCSP request for ``cert`` (to build embedded responses in tests)."""
        return (
            ocsp.OCSPRequestBuilder()
            .add_certificate(cert, issuer, hashes.SHA1())  # noqa: S303 - the usual CertID hash
            .build()
            .public_bytes(serialization.Encoding.DER)
        )


def ocsp_authority_start(pki: TestPki) -> tuple[OcspAuthority, Any]:
    """Start the responder on a free loopback port; return it and a function that stops it."""
    holder: dict[str, OcspAuthority] = {}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bytes) -> None:
            authority = holder["authority"]
            authority.requests += 1
            reply = authority.response(body)
            self.send_response(200)
            self.send_header("Content-Type", OCSP_REPLY_TYPE)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            self._answer(self.rfile.read(length))

        def do_GET(self) -> None:
            encoded = urllib.parse.unquote(self.path.rsplit("/", 1)[-1])
            self._answer(base64.b64decode(encoded + "=" * (-len(encoded) % 4)))

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    url = "http://127.0.0.1:" + str(server.server_address[1]) + "/ocsp"
    holder["authority"] = OcspAuthority(pki=pki, url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return holder["authority"], stop
