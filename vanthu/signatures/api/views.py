"""API of digital signatures: sign a draft, hand in a text signed elsewhere, read the checks,
declare keys (ADR 0014). Thin, like every endpoint (ADR 0009)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.registry import selectors
from vanthu.registry.api.serializers import DocumentFileSerializer
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    TRANSITION_ERRORS,
    WRITE_ERRORS,
    RegistryViewSet,
    parse_body,
)
from vanthu.signatures import keys, outgoing
from vanthu.signatures.models import FileSignatureCheck, SigningKey


class SignSerializer(serializers.Serializer[Any]):
    """The token PIN (not needed for a key whose PIN is held by the server)."""

    pin = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class SignedUploadSerializer(serializers.Serializer[Any]):
    """A text signed outside Vanthu (multipart/form-data)."""

    upload = serializers.FileField(help_text="The signed PDF.")


class FileSignatureCheckSerializer(serializers.ModelSerializer[FileSignatureCheck]):
    """One check of a file's signatures, with the whole report kept as evidence."""

    class Meta:
        model = FileSignatureCheck
        fields = ["id", "file", "checked_at", "reason", "status", "summary", "report"]
        read_only_fields = fields


class SigningKeySerializer(serializers.ModelSerializer[SigningKey]):
    """A registered key (the certificate's description, never the key)."""

    class Meta:
        model = SigningKey
        fields = [
            "id",
            "agency",
            "person",
            "token_label",
            "key_label",
            "pin_env",
            "module_path",
            "subject_name",
            "issuer_name",
            "serial",
            "not_before",
            "not_after",
            "is_test",
            "is_active",
        ]
        read_only_fields = fields


class SigningKeyInputSerializer(serializers.Serializer[Any]):
    """Where the key is (multipart/form-data: the image is a file)."""

    person = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Empty: the agency's own key."
    )
    token_label = serializers.CharField(max_length=32)
    key_label = serializers.CharField(max_length=64)
    pin = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="Not stored."
    )
    pin_env = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    module_path = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    image = serializers.FileField(required=False, allow_null=True, default=None)


@extend_schema_view(
    sign=extend_schema(
        summary="Sign a draft's text with the signer's key (the designated leader)",
        description="PAdES with a visible signature; the signed text is a new revision of the "
        "file, the draft stays. Refused when the new signature does not verify.",
        request=SignSerializer,
        responses={201: DocumentFileSerializer, **TRANSITION_ERRORS},
    ),
    signed_upload=extend_schema(
        summary="Hand in the draft's text signed outside Vanthu (multipart/form-data)",
        description="Accepted as the signed text only if every signature verifies against the "
        "configured trust anchors.",
        request={"multipart/form-data": SignedUploadSerializer},
        responses={201: DocumentFileSerializer, **TRANSITION_ERRORS},
    ),
)
@extend_schema(tags=["Digital signatures"])
class OutgoingSigningViewSet(RegistryViewSet):
    """Signing outgoing documents (QĐ 22 Điều 3.3, 6.2.a)."""

    multipart_actions = frozenset({"signed_upload"})

    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: int) -> Response:
        body = parse_body(SignSerializer, request)
        revision = outgoing.outgoing_document_sign(
            actor=self.actor, document_id=pk, pin=body["pin"]
        )
        return Response(DocumentFileSerializer(revision).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="signed-upload")
    def signed_upload(self, request: Request, pk: int) -> Response:
        body = parse_body(SignedUploadSerializer, request)
        upload = body["upload"]
        revision = outgoing.outgoing_document_signed_upload(
            actor=self.actor, document_id=pk, name=upload.name, data=upload.read()
        )
        return Response(DocumentFileSerializer(revision).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    signature_checks=extend_schema(
        summary="Every check of a stored file's signatures, newest first",
        responses={200: FileSignatureCheckSerializer(many=True), **DETAIL_ERRORS},
    ),
)
@extend_schema(tags=["Digital signatures"])
class DocumentFileSignatureViewSet(RegistryViewSet):
    """The evidence kept with each stored file."""

    @action(detail=True, methods=["get"], url_path="signature-checks")
    def signature_checks(self, request: Request, pk: int) -> Response:
        stored = selectors.document_file_get(actor=self.actor, file_id=pk)
        checks = FileSignatureCheck.objects.filter(file=stored).order_by("-checked_at", "-id")
        return Response(FileSignatureCheckSerializer(checks, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="List the acting agency's signing keys",
        responses={200: SigningKeySerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Declare a key on a token or HSM (agency administrators)",
        description="The certificate is read from the token with the PIN, which is not stored; "
        "the previous key of the same owner retires.",
        request={"multipart/form-data": SigningKeyInputSerializer},
        responses={201: SigningKeySerializer, **WRITE_ERRORS},
    ),
    retire=extend_schema(
        summary="Stop using a key (agency administrators)",
        request=None,
        responses={200: SigningKeySerializer, **TRANSITION_ERRORS},
    ),
)
@extend_schema(tags=["Digital signatures"])
class SigningKeyViewSet(RegistryViewSet):
    """Signing keys of the acting agency."""

    multipart_actions = frozenset({"create"})

    def list(self, request: Request) -> Response:
        return self._page(keys.signing_key_list(actor=self.actor), SigningKeySerializer)

    def create(self, request: Request) -> Response:
        body = parse_body(SigningKeyInputSerializer, request)
        image = body["image"].read() if body["image"] else None
        key = keys.signing_key_register(
            actor=self.actor,
            data=keys.KeyData(
                token_label=body["token_label"],
                key_label=body["key_label"],
                pin=body["pin"],
                pin_env=body["pin_env"],
                module_path=body["module_path"],
                person_id=body["person"],
                image=image,
            ),
        )
        return Response(SigningKeySerializer(key).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: int) -> Response:
        key = keys.signing_key_retire(actor=self.actor, key_id=pk)
        return Response(SigningKeySerializer(key).data)
