"""Searching the index: folding, phrases, filters, access control, keeping it current."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import only_on_vendor
from vanthu.core.errors import ValidationFailed
from vanthu.registry.tests.factories import (
    DocumentFileFactory,
    IncomingDocumentFactory,
    OutgoingDocumentFactory,
    document_type,
)
from vanthu.search.models import IndexRebuild, SearchEntry
from vanthu.search.selectors import SearchFilters, search_documents
from vanthu.search.tests.helpers import pending_index_tasks, run_index_tasks
from vanthu.texts.models import FileText, TextState
from vanthu.texts.signals import file_text_ready


@pytest.fixture
def docs(cast):
    """Documents of agency A (incoming and outgoing) and one of agency B, indexed."""
    found = {
        "decision": IncomingDocumentFactory(
            agency=cast.agency_a,
            summary="Quyết định ban hành Quy chế làm việc",
            sender_name="Ủy ban nhân dân thành phố Đà Nẵng",
            document_date=date(2026, 3, 2),
            document_type=document_type("quyet-dinh"),
        ),
        "plan": IncomingDocumentFactory(
            agency=cast.agency_a,
            summary="Kế hoạch định hướng chuyển đổi số năm 2026",
            sender_name="Sở Nội vụ",
            document_date=date(2026, 6, 15),
        ),
        "reply": OutgoingDocumentFactory(
            agency=cast.agency_a,
            issued=True,
            summary="V/v quyết toán kinh phí, định mức chi",
            document_date=date(2026, 9, 1),
        ),
        "other": IncomingDocumentFactory(
            agency=cast.agency_b,
            summary="Quyết định phê duyệt dự toán của Sở Tài chính",
            document_date=date(2026, 3, 2),
        ),
    }
    run_index_tasks()
    return found


def _summaries(page):
    return {hit.summary for hit in page.hits}


def test_without_diacritics_finds_with_diacritics(cast, docs):
    actor = cast.actor(cast.clerk)
    page = search_documents(actor=actor, query="quyet dinh")
    # Words, not a phrase: "quyết toán … định mức" holds both, below the decision itself.
    assert [h.object_id for h in page.hits] == [docs["decision"].pk, docs["reply"].pk]
    assert (
        page.hits[0].summary_html
        == "<mark>Quyết</mark> <mark>định</mark> ban hành Quy chế làm việc"
    )
    assert _summaries(search_documents(actor=actor, query="dinh")) == {
        docs["decision"].summary,
        docs["plan"].summary,
        docs["reply"].summary,
    }


def test_d_bar_folds_both_ways(cast, docs):
    actor = cast.actor(cast.clerk)
    for query in ("Đà Nẵng", "da nang", "ĐÀ NẴNG"):
        hits = search_documents(actor=actor, query=query).hits
        assert [h.object_id for h in hits] == [docs["decision"].pk]
        assert "thành phố <mark>Đà</mark> <mark>Nẵng</mark>" in hits[0].snippet_html


def test_phrase_needs_adjacent_words_and_words_do_not(cast, docs):
    actor = cast.actor(cast.clerk)
    words = search_documents(actor=actor, query="quyet toan dinh")
    assert _summaries(words) == {docs["reply"].summary}
    assert search_documents(actor=actor, query='"quyet toan dinh"').total == 0
    assert search_documents(actor=actor, query='"quyet toan"').total == 1


def test_another_agency_sees_none_of_these_hits(cast, docs):
    outsider = cast.actor(cast.outsider)
    page = search_documents(actor=outsider, query="quyet dinh")
    assert [h.object_id for h in page.hits] == [docs["other"].pk]
    assert page.total == 1
    # Naming agency A in the filter does not widen what the outsider sees.
    filters = SearchFilters(agency_id=cast.agency_a.pk)
    assert search_documents(actor=outsider, query="quyet dinh", filters=filters).total == 0
    # The system administrator sees both agencies.
    admin = cast.actor(cast.system_admin)
    assert docs["other"].pk in {
        h.object_id for h in search_documents(actor=admin, query="quyet dinh").hits
    }
    assert search_documents(actor=admin, query="quyet dinh").total == 3


def test_filters_restrict_the_hits(cast, docs):
    actor = cast.actor(cast.clerk)

    def found(**filters):
        page = search_documents(actor=actor, query="dinh", filters=SearchFilters(**filters))
        return {h.object_id for h in page.hits}

    assert found(kind="outgoing") == {docs["reply"].pk}
    assert found(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)) == {docs["plan"].pk}
    assert found(document_type_id=document_type("quyet-dinh").pk) == {docs["decision"].pk}
    assert found(register_id=docs["plan"].register_id) == {docs["decision"].pk, docs["plan"].pk}


def test_bad_query_is_refused_clearly(cast, docs):
    with pytest.raises(ValidationFailed) as error:
        search_documents(actor=cast.actor(cast.clerk), query="  ?! ")
    assert error.value.fields == {"q": ["Hãy nhập từ khóa tìm kiếm (chữ hoặc số)."]}


def test_a_registered_document_is_found_once_its_task_ran(cast, docs):
    actor = cast.actor(cast.clerk)
    document = IncomingDocumentFactory(agency=cast.agency_a, summary="Tờ trình về đê điều")
    assert [document.pk] == [args[1] for args in pending_index_tasks()]
    assert search_documents(actor=actor, query="de dieu").total == 0
    run_index_tasks()
    assert search_documents(actor=actor, query="de dieu").hits[0].object_id == document.pk
    document.summary = "Tờ trình về thủy lợi"
    document.save()
    run_index_tasks()
    assert search_documents(actor=actor, query="de dieu").total == 0
    assert search_documents(actor=actor, query="thuy loi").total == 1


def test_text_of_a_file_is_searchable_once_ready(cast, docs):
    actor = cast.actor(cast.clerk)
    stored = DocumentFileFactory(agency=cast.agency_a, incoming=docs["plan"])
    run_index_tasks()
    text = FileText.objects.create(
        file=stored,
        agency=cast.agency_a,
        state=TextState.DONE,
        method="text_layer",
        text="Điều 1. Trao đổi văn bản điện tử giữa các cơ quan <b>nhà nước</b>.",
    )
    assert search_documents(actor=actor, query="trao doi van ban dien tu").total == 0
    file_text_ready.send(sender=FileText, file_text=text)
    run_index_tasks()
    hit = search_documents(actor=actor, query="trao doi van ban dien tu").hits[0]
    assert hit.object_id == docs["plan"].pk
    assert "<mark>Trao đổi văn bản điện tử</mark>" not in hit.snippet_html  # words, not phrase
    assert "<mark>Trao</mark> <mark>đổi</mark>" in hit.snippet_html
    assert "&lt;b&gt;nhà nước&lt;/b&gt;" in hit.snippet_html


def test_rebuild_writes_every_document_and_resumes(cast, docs, capsys):
    SearchEntry.objects.all().delete()
    call_command("search", "rebuild", "--batch", "2")
    assert SearchEntry.objects.count() == 4
    err = capsys.readouterr().err
    assert "Văn bản đến [" in err
    assert "] 3/3" in err
    assert "] 1/1" in err
    assert search_documents(actor=cast.actor(cast.clerk), query='"quyet dinh"').total == 1
    # An interrupted rebuild resumes after the last document it wrote.
    IndexRebuild.objects.create(kind="outgoing", last_object_id=docs["reply"].pk)
    SearchEntry.objects.all().delete()
    call_command("search", "rebuild")
    assert SearchEntry.objects.count() == 0
    assert "Tiếp tục" in capsys.readouterr().err


def _vocabulary() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM search_word")
        return {row[0] for row in cursor.fetchall()}


def test_a_typo_in_the_metadata_is_corrected_on_postgresql(cast, docs):
    only_on_vendor("postgresql", "spelling correction exists on PostgreSQL only")
    actor = cast.actor(cast.clerk)
    page = search_documents(actor=actor, query="quy che lam viec quyet dihn")
    assert page.fuzzy
    assert page.corrected == "quy che lam viec quyet dinh"
    assert page.query == "quy che lam viec quyet dihn"
    assert [h.object_id for h in page.hits] == [docs["decision"].pk]
    assert "<mark>định</mark>" in page.hits[0].summary_html
    # A transposition is one edit; a prefix and a word with digits are never corrected.
    assert search_documents(actor=actor, query="Ke hoahc").corrected == "ke hoach"
    # Two edits (by trigrams) in a long word; one edit only in a short one.
    page = search_documents(actor=actor, query="chuyeenn doi so")
    assert (page.corrected, [h.object_id for h in page.hits]) == (
        "chuyen doi so",
        [docs["plan"].pk],
    )
    assert search_documents(actor=actor, query="ke hooahc").total == 0
    assert search_documents(actor=actor, query="ke hoahc*").total == 0
    assert search_documents(actor=actor, query="ke hoach 2062").total == 0
    # A quoted phrase is exact: never widened.
    assert search_documents(actor=actor, query='"quyet dihn"').total == 0
    assert search_documents(actor=cast.actor(cast.outsider), query="quy che lam viec").total == 0


def test_a_typo_in_the_text_of_a_file_is_corrected_on_postgresql(cast, docs):
    only_on_vendor("postgresql", "spelling correction exists on PostgreSQL only")
    stored = DocumentFileFactory(agency=cast.agency_a, incoming=docs["plan"])
    text = FileText.objects.create(
        file=stored,
        agency=cast.agency_a,
        state=TextState.DONE,
        method="text_layer",
        text="Điều 1. Lưu trữ hồ sơ điện tử của cơ quan.",
    )
    file_text_ready.send(sender=FileText, file_text=text)
    run_index_tasks()
    assert "tru" in _vocabulary()
    page = search_documents(actor=cast.actor(cast.clerk), query="luu trwu ho so")
    assert (page.fuzzy, page.corrected) == (True, "luu tru ho so")
    assert [h.object_id for h in page.hits] == [docs["plan"].pk]
    assert "<mark>Lưu</mark> <mark>trữ</mark>" in page.hits[0].snippet_html


def test_correction_never_reveals_another_agencys_words_on_postgresql(cast, docs):
    only_on_vendor("postgresql", "spelling correction exists on PostgreSQL only")
    # "phê duyệt dự toán" is only in agency B's document, yet in the shared vocabulary.
    assert {"phe", "duyet"} <= _vocabulary()
    clerk = cast.actor(cast.clerk)
    for query in ("duyte", "phe duyte", "du toam"):
        page = search_documents(actor=clerk, query=query)
        assert (page.hits, page.total, page.fuzzy, page.corrected) == ([], 0, False, "")
    # Words only B's documents hold are not "known" to A's clerk: they are corrected to words
    # of A's own documents ("phê duyệt" → "phí quyết", kinh phí, quyết toán), as they would be
    # if B did not exist.
    page = search_documents(actor=clerk, query="phe duyet")
    assert (page.corrected, [h.object_id for h in page.hits]) == ("phi quyet", [docs["reply"].pk])
    # B's own clerk gets the correction and B's document.
    page = search_documents(actor=cast.actor(cast.outsider), query="phe duyte")
    assert page.corrected == "phe duyet"
    assert [h.object_id for h in page.hits] == [docs["other"].pk]


def test_vocabulary_is_filled_by_indexing_and_by_rebuild_on_postgresql(cast, docs):
    only_on_vendor("postgresql", "the vocabulary exists on PostgreSQL only")
    assert {"quy", "che", "lam", "viec", "nang"} <= _vocabulary()
    assert not {"2026", "s"} & _vocabulary()  # numbers and one-letter words are left out
    document = docs["plan"]
    document.summary = "Kế hoạch phòng chống thiên tai"
    document.save()
    assert "thien" not in _vocabulary()
    run_index_tasks()
    assert {"thien", "tai"} <= _vocabulary()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_word")
    call_command("search", "rebuild", "--restart")
    assert {"quy", "che", "thien", "duyet"} <= _vocabulary()
    assert search_documents(actor=cast.actor(cast.clerk), query="thien taii").corrected == (
        "thien tai"
    )


def test_totals_stop_at_the_cap_and_say_so(cast, docs, monkeypatch):
    actor = cast.actor(cast.clerk)
    monkeypatch.setattr("vanthu.search.selectors.TOTAL_CAP", 3)
    page = search_documents(actor=actor, query="dinh")  # three documents: exactly the cap
    assert (page.total, page.total_capped) == (3, False)
    monkeypatch.setattr("vanthu.search.selectors.TOTAL_CAP", 2)
    page = search_documents(actor=actor, query="dinh")
    assert (page.total, page.total_capped) == (2, True)
    assert page.hits
    assert search_documents(actor=actor, query="de dieu").total_capped is False


def test_postgresql_ranks_the_newest_matches_beyond_the_rank_cap(cast, docs, monkeypatch):
    only_on_vendor("postgresql", "ts_rank is bounded on PostgreSQL only")
    actor = cast.actor(cast.clerk)
    # "quyet dinh" ranks the decision (both words in its summary, March) above the reply
    # (September); the plan holds "định" only.
    page = search_documents(actor=actor, query="quyet dinh")
    assert [h.object_id for h in page.hits] == [docs["decision"].pk, docs["reply"].pk]
    # Ranking only the newest match: the reply comes first, the decision after it, unranked.
    monkeypatch.setattr("vanthu.search.selectors.RANK_CAP", 1)
    page = search_documents(actor=actor, query="quyet dinh")
    assert [h.object_id for h in page.hits] == [docs["reply"].pk, docs["decision"].pk]
    assert page.hits[0].score > 0
    assert page.hits[1].score == 0
    assert (page.total, page.total_capped) == (2, False)
    monkeypatch.setattr("vanthu.search.selectors.TOTAL_CAP", 2)
    page = search_documents(actor=actor, query="dinh")
    assert (page.total, page.total_capped) == (2, True)
    assert [h.object_id for h in page.hits][1:] == [docs["plan"].pk]


def test_fuzzy_totals_are_capped_too_on_postgresql(cast, docs, monkeypatch):
    only_on_vendor("postgresql", "trigram fallback exists on PostgreSQL only")
    monkeypatch.setattr("vanthu.search.selectors.TOTAL_CAP", 1)
    admin = cast.actor(cast.system_admin)
    page = search_documents(actor=admin, query="quyet dihn")
    assert page.fuzzy
    assert (page.total, page.total_capped) == (1, True)
    assert page.hits
