"""API plumbing shared by every app: structured errors."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from vanthu.core.errors import VanthuError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render service errors and DRF errors as {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, VanthuError):
        return Response({"error": exc.as_dict()}, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"code": "invalid", "message": "Dữ liệu chưa hợp lệ.", "fields": detail}
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        body = {"code": code, "message": str(exc.detail)}
    else:  # pragma: no cover - DRF handles only APIException and Http404/PermissionDenied
        body = {"code": "error", "message": str(exc)}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body = {"code": "not_found", "message": "Không tìm thấy."}
    response.data = {"error": body}
    return response
