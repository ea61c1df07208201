"""GET /api/v1/search/: full-text search of the documents the caller may see (ADR 0023)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.core.api import error_responses
from vanthu.organizations.api.base import ActorAPIMixin
from vanthu.registry.api.views import parse_query
from vanthu.search.api.serializers import SearchPageSerializer, SearchQuerySerializer
from vanthu.search.selectors import SearchFilters, search_documents
from vanthu.search.views import hit_url


class SearchView(ActorAPIMixin, APIView):
    """Search documents by words in their metadata and content."""

    @extend_schema(
        operation_id="search_documents",
        summary="Search the documents the caller may see",
        description="Case- and diacritics-insensitive (đ = d) search of the number, summary, "
        "sender, recipients, signer, type and the text of the files of incoming and outgoing "
        'documents. Words must all match; "quoted words" must be adjacent; `word*` matches '
        "a prefix. Only documents of agencies the caller may see are searched. An empty or "
        "too long query is `invalid` (400).",
        parameters=[SearchQuerySerializer],
        responses={200: SearchPageSerializer, **error_responses(400, 401, 403)},
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        params: dict[str, Any] = parse_query(SearchQuerySerializer, request)
        filters = SearchFilters(
            agency_id=params.get("agency"),
            register_id=params.get("register"),
            document_type_id=params.get("document_type"),
            kind=params.get("kind"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )
        page = search_documents(
            actor=self.actor, query=params["q"], filters=filters, page=params["page"]
        )
        body = {
            "query": page.query,
            "total": page.total,
            "total_capped": page.total_capped,
            "page": page.page,
            "pages": page.pages,
            "fuzzy": page.fuzzy,
            "corrected_query": page.corrected,
            "results": [{**hit_as_dict(hit), "url": hit_url(hit)} for hit in page.hits],
        }
        return Response(SearchPageSerializer(body).data)


def hit_as_dict(hit: Any) -> dict[str, Any]:
    """Return a hit's fields by name."""
    return {name: getattr(hit, name) for name in hit.__slots__}
