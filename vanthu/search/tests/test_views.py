"""The search page and GET /api/v1/search/: same hits, same access rule, clear errors."""

import pytest
from django.urls import reverse

from conftest import only_on_vendor
from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.registry.tests.test_api import api
from vanthu.search.tests.helpers import run_index_tasks

SUMMARY = "Quyết định về việc <b>trao đổi</b> văn bản điện tử"


@pytest.fixture
def decision(cast):
    document = IncomingDocumentFactory(agency=cast.agency_a, summary=SUMMARY, number="22")
    run_index_tasks()
    return document


def test_search_page_shows_hits_with_marks_and_escapes_the_rest(client, cast, decision):
    client.force_login(cast.clerk)
    page = client.get(reverse("search:search"), {"q": "quyet dinh"}).content.decode()
    assert 'href="/tim-kiem/"' in page  # in the main navigation
    assert reverse("registry:incoming_detail", args=[decision.pk]) in page
    assert "<mark>Quyết</mark> <mark>định</mark> về việc &lt;b&gt;trao đổi&lt;/b&gt;" in page
    assert "<b>trao" not in page
    assert "1 văn bản phù hợp" in page


def test_live_results_come_as_a_fragment(client, cast, decision):
    client.force_login(cast.clerk)
    response = client.get(
        reverse("search:search"),
        {"q": "dien tu"},
        headers={"HX-Request": "true", "HX-Target": "ket-qua"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="ket-qua"')
    assert "<mark>điện</mark> <mark>tử</mark>" in body


def test_search_page_explains_a_bad_query(client, cast, decision):
    client.force_login(cast.clerk)
    page = client.get(reverse("search:search"), {"q": "!!!"}).content.decode()
    assert "Hãy nhập từ khóa tìm kiếm (chữ hoặc số)." in page


def test_outsider_finds_nothing_in_the_page_or_the_api(client, cast, decision):
    client.force_login(cast.outsider)
    page = client.get(reverse("search:search"), {"q": "quyet dinh"}).content.decode()
    assert "Không tìm thấy văn bản nào" in page
    assert SUMMARY[:20] not in page
    body = api(cast.outsider).get("/api/v1/search/", {"q": "quyet dinh"}).json()
    assert body["total"] == 0
    assert body["results"] == []
    # Asking for agency A's documents by filter changes nothing.
    body = (
        api(cast.outsider)
        .get("/api/v1/search/", {"q": "quyet dinh", "agency": cast.agency_a.pk})
        .json()
    )
    assert body["total"] == 0


def test_api_returns_hits_of_the_callers_agency(cast, decision):
    response = api(cast.specialist).get("/api/v1/search/", {"q": '"trao doi"', "kind": "incoming"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["id"] == decision.pk
    assert hit["kind"] == "incoming"
    assert hit["url"] == reverse("registry:incoming_detail", args=[decision.pk])
    assert hit["summary_html"].endswith("&lt;b&gt;<mark>trao đổi</mark>&lt;/b&gt; văn bản điện tử")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": ""}, "q"), ({"q": "x" * 201}, "q"), ({"q": "a", "page": 99}, "page")],
)
def test_api_refuses_bad_queries_with_a_structured_error(cast, decision, params, field):
    response = api(cast.clerk).get("/api/v1/search/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_api_needs_authentication(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/search/", {"q": "a"}).status_code == 401


def test_a_capped_total_reads_more_than_in_the_page_and_the_api(client, cast, monkeypatch):
    for number in ("1", "2"):
        IncomingDocumentFactory(agency=cast.agency_a, summary=SUMMARY, number=number)
    run_index_tasks()
    monkeypatch.setattr("vanthu.search.selectors.TOTAL_CAP", 1)
    client.force_login(cast.clerk)
    page = client.get(reverse("search:search"), {"q": "quyet dinh"}).content.decode()
    assert "Hơn 1 văn bản phù hợp" in page
    body = api(cast.clerk).get("/api/v1/search/", {"q": "quyet dinh"}).json()
    assert (body["total"], body["total_capped"]) == (1, True)
    assert body["results"]
    monkeypatch.setattr("vanthu.search.selectors.TOTAL_CAP", 2)
    body = api(cast.clerk).get("/api/v1/search/", {"q": "quyet dinh"}).json()
    assert (body["total"], body["total_capped"]) == (2, False)


def test_a_corrected_query_is_shown_in_the_page_and_the_api_on_postgresql(client, cast, decision):
    only_on_vendor("postgresql", "spelling correction exists on PostgreSQL only")
    client.force_login(cast.clerk)
    page = client.get(reverse("search:search"), {"q": "trao doi vna ban"}).content.decode()
    assert "Không có văn bản chứa đúng “trao doi vna ban”" in page
    assert "Kết quả cho: <strong>trao doi van ban</strong> — 1 văn bản." in page
    assert reverse("registry:incoming_detail", args=[decision.pk]) in page
    body = api(cast.specialist).get("/api/v1/search/", {"q": "trao doi vna ban"}).json()
    assert (body["query"], body["fuzzy"], body["corrected_query"]) == (
        "trao doi vna ban",
        True,
        "trao doi van ban",
    )
    assert [hit["id"] for hit in body["results"]] == [decision.pk]
    body = api(cast.specialist).get("/api/v1/search/", {"q": "trao doi van ban"}).json()
    assert (body["fuzzy"], body["corrected_query"]) == (False, "")
    # Agency B's clerk gets neither the hit nor the correction.
    body = api(cast.outsider).get("/api/v1/search/", {"q": "trao doi vna ban"}).json()
    assert (body["total"], body["fuzzy"], body["corrected_query"]) == (0, False, "")
