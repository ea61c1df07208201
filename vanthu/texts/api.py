"""API endpoints of the texts app, nested under a document's files as their content is.

Each endpoint calls one selector or service with the actor of the request (ADR 0009). A file of
another agency's document, or of another document than the path's, is 404; its agency's people
read the text, its clerks run the extraction again (403 for the others).
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.api import error_responses
from vanthu.core.errors import NotFound
from vanthu.registry.api.views import RegistryViewSet
from vanthu.registry.models import DocumentFile
from vanthu.registry.views.common import download_response
from vanthu.texts import selectors, services
from vanthu.texts.serializers import FileTextSerializer, file_text_data

DETAIL_ERRORS = error_responses(401, 403, 404)
FILE_NOT_FOUND = "Không tìm thấy tệp."

RETRIEVE = extend_schema(
    summary="Read the extracted text of a file and the state of its extraction",
    description="The text (NFC) of a stored file: its PDF text layer, DOCX, ODT or plain text, "
    "or the OCR (Tesseract `vie`) of a scan or image. While it runs, `pages_done` of "
    "`pages_total` tells the OCR progress. The people of the document's agency read it.",
    responses={200: FileTextSerializer, **DETAIL_ERRORS},
)
EXTRACT = extend_schema(
    summary="Extract the text of a file again (the agency's clerks)",
    description="Queues the extraction (and OCR when the file is a scan) as a background task "
    "and answers at once with the state `pending`. The original file is never changed. "
    "Journalled.",
    request=None,
    responses={
        202: FileTextSerializer,
        **error_responses(401, 403, 404, 409, s409="Already running (`conflict`)."),
    },
)
SEARCHABLE = extend_schema(
    summary="Download the searchable PDF/A copy of a scanned file",
    description="The copy OCRmyPDF made with an invisible text layer. It is not the original "
    "and carries no digital signature; the original stays as stored.",
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The copy."),
        **DETAIL_ERRORS,
    },
)


class _FileTextViewSet(RegistryViewSet):
    """The extracted text of a document's file, its searchable copy, and a new extraction."""

    kind = "incoming"

    def _file(self, pk: int, file_id: int) -> DocumentFile:
        stored = selectors.file_get(actor=self.actor, file_id=file_id)
        owner = stored.incoming_id if self.kind == "incoming" else stored.outgoing_id
        if owner != pk:
            raise NotFound(FILE_NOT_FOUND)
        return stored

    @RETRIEVE
    def retrieve(self, request: Request, pk: int, file_id: int) -> Response:
        stored = self._file(pk, file_id)
        row = selectors.file_text_get(actor=self.actor, file_id=stored.pk)
        return Response(FileTextSerializer(file_text_data(stored, row)).data)

    @EXTRACT
    def extract(self, request: Request, pk: int, file_id: int) -> Response:
        stored = self._file(pk, file_id)
        row = services.file_text_rerun(actor=self.actor, file_id=stored.pk)
        return Response(
            FileTextSerializer(file_text_data(stored, row)).data, status=status.HTTP_202_ACCEPTED
        )

    @SEARCHABLE
    def searchable(self, request: Request, pk: int, file_id: int) -> FileResponse:
        stored = self._file(pk, file_id)
        row = selectors.file_text_get(actor=self.actor, file_id=stored.pk)
        if row is None or not row.searchable:
            raise NotFound("Tệp không có bản PDF tìm kiếm được.")
        try:
            handle = row.searchable.open("rb")
        except FileNotFoundError:
            raise NotFound("Tệp không có bản PDF tìm kiếm được.") from None
        stem = stored.original_name.rsplit(".", 1)[0]
        return download_response(
            handle, filename=f"{stem} (bản tìm kiếm được).pdf", content_type="application/pdf"
        )


@extend_schema(tags=["Incoming documents"])
class IncomingFileTextViewSet(_FileTextViewSet):
    kind = "incoming"


@extend_schema(tags=["Outgoing documents"])
class OutgoingFileTextViewSet(_FileTextViewSet):
    kind = "outgoing"
