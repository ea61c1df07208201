"""Pages of monitoring ("Theo dõi xử lý"): the figures, the documents behind each, the card.

Thin: the form parses the query, `monitoring` decides what the actor sees and counts. A bad
query is a 400 page that says what is wrong; a scope the actor may not see is a 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from vanthu.core.actor import Actor
from vanthu.core.calendar import working_calendar
from vanthu.core.errors import ValidationFailed
from vanthu.core.pagination import keyset_page
from vanthu.organizations.dashboard_cards import DashboardCard
from vanthu.organizations.views.staff.common import actor_of, staff_view
from vanthu.workflow import monitoring as m
from vanthu.workflow.forms_monitoring import MonitoringQueryForm

PAGE_SIZE = 50
# The element of the list page that htmx swaps for the next page.
LIST_TARGET = "van-ban-theo-doi"


def _dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def query_string(target: m.MonitoringTarget, period: m.Period, **extra: str) -> str:
    """Return the query string of a target and period (and `extra`), for links."""
    params = {**target.query(), "tu_ngay": _dmy(period.start), "den_ngay": _dmy(period.end)}
    params.update(extra)
    return urlencode(params)


def _invalid(request: HttpRequest, messages: list[str]) -> HttpResponse:
    return render(
        request,
        "workflow/monitoring_invalid.html",
        {"errors": messages, "current": "monitoring"},
        status=400,
    )


def _resolve(
    request: HttpRequest, *, require_group: bool
) -> tuple[MonitoringQueryForm, m.MonitoringTarget, m.Period] | HttpResponse:
    """Parse the query and find the target, or return the 400 page (NotFound goes up: 404)."""
    actor = actor_of(request)
    form = MonitoringQueryForm(request.GET, require_group=require_group)
    if not form.is_valid():
        return _invalid(request, form.messages())
    data = form.cleaned_data
    try:
        period = m.period_make(start=data["tu_ngay"], end=data["den_ngay"], today=_today())
        target = m.monitoring_target_get(
            actor=actor, scope=form.scope, unit_id=data["don_vi"], person_id=data["can_bo"]
        )
    except ValidationFailed as exc:
        return _invalid(request, [exc.message])
    return form, target, period


def _today() -> date:
    return timezone.localdate()


def _scope_links(actor: Actor, target: m.MonitoringTarget, period: m.Period) -> list[Any]:
    page = reverse("workflow:monitoring")
    period_query = urlencode({"tu_ngay": _dmy(period.start), "den_ngay": _dmy(period.end)})
    return [
        {
            "label": m.SCOPE_LABELS[scope],
            "url": f"{page}?pham_vi={scope.value}&{period_query}",
            "is_current": scope == target.scope,
        }
        for scope in m.monitoring_scopes(actor)
    ]


def _period_links(target: m.MonitoringTarget, today: date) -> list[dict[str, str]]:
    page = reverse("workflow:monitoring")
    month = m.Period.month_of(today)
    year = m.Period(date(today.year, 1, 1), today)
    last_month = m.Period.month_of(month.start.replace(day=1) - timedelta(days=1))
    return [
        {"label": "Tháng này", "url": f"{page}?{query_string(target, month)}"},
        {"label": "Tháng trước", "url": f"{page}?{query_string(target, last_month)}"},
        {"label": "Từ đầu năm", "url": f"{page}?{query_string(target, year)}"},
    ]


FIGURES = [
    (m.Group.ASSIGNED, "Chủ trì và phối hợp, giao trong kỳ"),
    (m.Group.IN_PROGRESS, "Chủ trì và phối hợp, đến hôm nay"),
    (m.Group.DUE_SOON, "Chủ trì, đến hôm nay"),
    (m.Group.OVERDUE, "Chủ trì, đến hôm nay"),
    (m.Group.DONE_ON_TIME, "Chủ trì, hoàn thành trong kỳ"),
    (m.Group.DONE_LATE, "Chủ trì, hoàn thành trong kỳ"),
]


def _figure_cells(
    figures: m.Figures, target: m.MonitoringTarget, period: m.Period
) -> list[dict[str, Any]]:
    documents = reverse("workflow:monitoring_documents")
    return [
        {
            "group": group.value,
            "label": m.GROUP_LABELS[group],
            "note": note,
            "value": figures.value(group),
            "url": f"{documents}?{query_string(target, period, nhom=group.value)}",
            "warn": group in (m.Group.OVERDUE, m.Group.DONE_LATE) and figures.value(group) > 0,
        }
        for group, note in FIGURES
    ]


@staff_view
@require_GET
def monitoring_page(request: HttpRequest) -> HttpResponse:
    """The figures of the agency, a unit or a person for a period, with their breakdown."""
    resolved = _resolve(request, require_group=False)
    if isinstance(resolved, HttpResponse):
        return resolved
    _form, target, period = resolved
    actor = actor_of(request)
    today = _today()
    summary = m.monitoring_summary(actor=actor, target=target, period=period, today=today)
    rows = [
        {
            "row": row,
            "url": f"{reverse('workflow:monitoring')}?{query_string(row.target, period)}",
            "cells": _figure_cells(row.figures, row.target, period),
        }
        for row in summary.breakdown
    ]
    context = {
        "summary": summary,
        "target": target,
        "period": period,
        "today": today,
        "cells": _figure_cells(summary.figures, target, period),
        "rows": rows,
        "scopes": _scope_links(actor, target, period),
        "periods": _period_links(target, today),
        "units": m.monitoring_units(actor) if target.scope == m.Scope.UNIT else [],
        "current": "monitoring",
    }
    return render(request, "workflow/monitoring.html", context)


@staff_view
@require_GET
def monitoring_documents_page(request: HttpRequest) -> HttpResponse:
    """The assignments behind one figure, keyset-paginated; htmx asks for the list alone."""
    resolved = _resolve(request, require_group=True)
    if isinstance(resolved, HttpResponse):
        return resolved
    form, target, period = resolved
    group = form.group
    assert group is not None
    actor = actor_of(request)
    today = _today()
    documents = m.monitoring_documents(
        actor=actor, target=target, period=period, group=group, today=today
    )
    after = form.cleaned_data["sau"] or None
    try:
        page = keyset_page(documents, after=after, size=PAGE_SIZE)
    except ValidationFailed as exc:
        return _invalid(request, [exc.message])
    calendar = working_calendar()
    query = query_string(target, period, nhom=group.value)
    context = {
        "target": target,
        "period": period,
        "group": group,
        "group_label": m.GROUP_LABELS[group],
        "page": page,
        "rows": [(a, m.row_timing(calendar, a, today)) for a in page.items],
        "query": query,
        "is_later_page": bool(after),
        "back": f"{reverse('workflow:monitoring')}?{query_string(target, period)}",
        "is_done": group in (m.Group.DONE_ON_TIME, m.Group.DONE_LATE),
        "list_target": LIST_TARGET,
        "current": "monitoring",
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == LIST_TARGET:
        return render(request, "workflow/_monitoring_list.html", context)
    return render(request, "workflow/monitoring_documents.html", context)


def monitoring_card_provider(actor: Actor) -> DashboardCard | None:
    """The dashboard card of monitoring (see `organizations.dashboard_cards`)."""
    lines = m.monitoring_card(actor=actor)
    if not lines:
        return None
    page = reverse("workflow:monitoring")
    documents = reverse("workflow:monitoring_documents")
    period = m.Period.month_of(_today())
    summary = [
        {
            "label": line.label,
            "figures": line.figures,
            "url": f"{page}?{query_string(line.target, period)}",
            "links": {
                group.value: f"{documents}?{query_string(line.target, period, nhom=group.value)}"
                for group in (m.Group.IN_PROGRESS, m.Group.DUE_SOON, m.Group.OVERDUE)
            },
        }
        for line in lines
    ]
    return DashboardCard("workflow/_dashboard_monitoring.html", {"lines": summary, "url": page})
