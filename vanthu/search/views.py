"""The search page (/tim-kiem/): a box, filters, hits with highlighted snippets, live with htmx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from vanthu.core.errors import ValidationFailed
from vanthu.organizations.models import Agency
from vanthu.registry.models import DocumentType, Register
from vanthu.registry.views.common import actor_of, is_htmx_target, staff_view
from vanthu.search.choices import EntryKind
from vanthu.search.forms import SearchForm
from vanthu.search.selectors import SearchHit, SearchPage, search_documents, visible_agency_ids


def hit_url(hit: SearchHit) -> str:
    """Return the page of the document a hit stands for."""
    name = (
        "registry:incoming_detail" if hit.kind == EntryKind.INCOMING else "registry:outgoing_detail"
    )
    return reverse(name, args=[hit.object_id])


@staff_view
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Search the documents the signed-in person may see."""
    actor = actor_of(request)
    visible = visible_agency_ids(actor)
    agencies = Agency.objects.order_by("name")
    registers = Register.objects.order_by("agency__name", "kind", "name")
    if visible is not None:
        agencies = agencies.filter(pk__in=visible)
        registers = registers.filter(agency_id__in=visible)
    many = visible is None or len(visible) > 1
    form = SearchForm(
        request.GET or None,
        agencies=[(a.pk, a.name) for a in agencies] if many else [],
        registers=[
            (r.pk, f"{r.name} — {r.agency.short_name}" if many else r.name)
            for r in registers.select_related("agency")
        ],
        document_types=[(t.pk, t.name) for t in DocumentType.objects.all()],
    )
    result: SearchPage | None = None
    error = ""
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        try:
            page = int(request.GET.get("trang") or 1)
        except ValueError:
            page = 1
        try:
            result = search_documents(
                actor=actor, query=form.cleaned_data["q"], filters=form.filters(), page=page
            )
        except ValidationFailed as exc:
            error = exc.message
    hits = [
        {
            "hit": hit,
            "url": hit_url(hit),
            "kind": EntryKind(hit.kind).label,
            # Escaped by the selector, matches wrapped in <mark> (text.snippet).
            "summary_html": mark_safe(hit.summary_html),  # noqa: S308
            "snippet_html": mark_safe(hit.snippet_html),  # noqa: S308
        }
        for hit in (result.hits if result else [])
    ]
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "form": form,
        "result": result,
        "hits": hits,
        "error": error,
        "query": query.urlencode(),
        "show_agency_filter": many,
    }
    if is_htmx_target(request, "ket-qua"):
        return render(request, "search/_results.html", context)
    return render(request, "search/search.html", context)
