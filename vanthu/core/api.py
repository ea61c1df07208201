"""API plumbing shared by every app: structured errors and their OpenAPI description.

Every error leaves the API as {"error": {"code", "message", "fields"}}: `code` is a stable,
machine-readable value (never renamed), `message` a Vietnamese sentence for the user, `fields`
(only for invalid input) the messages of each bad field.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from vanthu.core.errors import VanthuError

# DRF's own errors in Vietnamese (its bundled translation is partial); keyed by DRF's code.
_MESSAGES: dict[str, str] = {
    "not_authenticated": "Bạn chưa đăng nhập (thiếu mã truy cập).",
    "authentication_failed": "Mã truy cập hoặc phiên đăng nhập không hợp lệ.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy.",
    "method_not_allowed": "Phương thức này không được hỗ trợ ở địa chỉ này.",
    "not_acceptable": "Không trả được dữ liệu theo định dạng yêu cầu (tiêu đề Accept).",
    "unsupported_media_type": "Kiểu nội dung gửi lên không được hỗ trợ; hãy gửi JSON.",
    "parse_error": "Không đọc được dữ liệu gửi lên (sai cú pháp JSON?).",
    "throttled": "Quá nhiều yêu cầu; vui lòng thử lại sau.",
}


def _message(exc: exceptions.APIException, code: str) -> str:
    wait = getattr(exc, "wait", None)
    if code == "throttled" and wait is not None:
        return f"Quá nhiều yêu cầu; vui lòng thử lại sau {int(wait)} giây."
    if code == "permission_denied" and str(exc.detail).startswith("CSRF Failed"):
        return "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF)."
    return _MESSAGES.get(code, str(exc.detail))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render service errors and DRF errors as {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, VanthuError):
        set_rollback()
        return Response({"error": exc.as_dict()}, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any]
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"code": "invalid", "message": "Dữ liệu chưa hợp lệ.", "fields": detail}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = {"code": code, "message": _message(exc, code)}
    else:  # pragma: no cover - DRF handles only APIException and Http404/PermissionDenied
        body = {"code": "error", "message": str(exc)}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body = {"code": "not_found", "message": _MESSAGES["not_found"]}
    response.data = {"error": body}
    return response


class ErrorBodySerializer(serializers.Serializer[Any]):
    """The body of an error: stable code, Vietnamese message, per-field messages."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    message = serializers.CharField(help_text="Vietnamese message for the user.")
    # `fields` is also a Serializer property; DRF's metaclass moves declared fields off the
    # class, so the name is safe, and it is the name the API promises.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the messages of each bad field.",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error response of the API."""

    error = ErrorBodySerializer()


_ERROR_DESCRIPTIONS = {
    400: "Invalid input (`invalid`, with `fields`).",
    401: "Not authenticated (`not_authenticated`, `authentication_failed`).",
    403: "Authenticated but not allowed (`permission_denied`).",
    404: "Not found, or not visible to the caller (`not_found`).",
    409: "Conflicts with stored data, e.g. a duplicate (`conflict`).",
    429: "Too many requests (`throttled`).",
}


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """Return the OpenAPI responses of the given error statuses, for `extend_schema`.

    `descriptions` overrides a status' description by keyword `s<status>` (e.g. `s429=...`).
    """
    return {
        code: OpenApiResponse(
            ErrorSerializer, description=descriptions.get(f"s{code}", _ERROR_DESCRIPTIONS[code])
        )
        for code in codes
    }
