"""Error handlers: structured JSON under /api/, Vietnamese pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 404: the API's error object, or the Vietnamese page."""
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "Không tìm thấy."}}, status=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 500: the API's error object, or the Vietnamese page."""
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Lỗi hệ thống, vui lòng thử lại sau."}},
            status=500,
        )
    return defaults.server_error(request)
