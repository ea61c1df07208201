"""Folding, query parsing and snippets (pure code: no database)."""

import unicodedata
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanthu.search import text as text_module
from vanthu.search.text import (
    MAX_QUERY_CHARS,
    QueryError,
    _marked,
    edit_distance,
    fold,
    highlight,
    matches,
    one_edit_away,
    parse_query,
    snippet,
)


def test_fold_lowers_strips_marks_and_maps_d_bar():
    assert fold("Quyết Định ĐÀ NẴNG đường") == "quyet dinh da nang duong"


@given(st.text())
def test_fold_keeps_every_position(text):
    assert len(fold(text)) == len(text)


def test_query_words_phrases_and_prefixes():
    query = parse_query('Quyết định "Đà Nẵng" 125/STTTT-VP chuyển*')
    assert query.fts5() == '"quyet" "dinh" "da nang" "125 stttt vp" "chuyen"*'
    assert query.tsquery() == (
        "'quyet' & 'dinh' & ('da' <-> 'nang') & ('125' <-> 'stttt' <-> 'vp') & 'chuyen':*"
    )


def test_query_syntax_from_the_user_is_never_passed_through():
    query = parse_query("dinh OR NEAR(x) ' & | ! :* --")
    assert query.fts5() == '"dinh" "or" "near x"'
    assert query.tsquery() == "'dinh' & 'or' & ('near' <-> 'x')"


@pytest.mark.parametrize("raw", ["", "   ", '"" * -- !!', "x" * (MAX_QUERY_CHARS + 1)])
def test_bad_queries_are_refused_with_a_reason(raw):
    with pytest.raises(QueryError) as error:
        parse_query(raw)
    assert error.value.args[0]


def test_snippet_is_cut_from_the_original_with_marks_and_escapes_the_rest():
    text = (
        "Mở đầu. "
        + "chữ " * 80
        + "<script>alert(1)</script> ban hành Quyết định số 22 "
        + ("đuôi " * 80)
    )
    result = snippet(parse_query("quyet dinh"), text)
    assert "<mark>Quyết</mark> <mark>định</mark>" in result
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result
    assert "<script>" not in result
    assert result.startswith("… ")
    assert result.endswith(" …")
    assert len(result) < 400


def test_phrase_marks_only_adjacent_words():
    query = parse_query('"quyết định"')
    assert highlight(query, "Quyết định; định quyết") == "<mark>Quyết định</mark>; định quyết"


def test_word_marks_whole_words_only():
    assert highlight(parse_query("dinh"), "định đình dinhdưỡng") == (
        "<mark>định</mark> <mark>đình</mark> dinhdưỡng"
    )
    assert highlight(parse_query("dinh*"), "dinhdưỡng") == "<mark>dinhdưỡng</mark>"


def _whole_text_snippet(query, text, width=240):
    """The snippet as first written: every match of the whole folded text (the reference)."""
    text = unicodedata.normalize("NFC", text)
    spans = matches(query, text)
    if not spans:
        return ""
    start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    body = " ".join(_marked(text, spans, start, end).split())
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Quyết", "định", "quyết", "địnhx", "xđịnh", "Đà", "số"]),
            st.sampled_from([" ", " - ", "/", "\n"]),
        )
    ),
    st.sampled_from(["quyet dinh", '"quyết định"', "dinh", "quy*", "da so", "xyz"]),
)
def test_snippet_folds_by_prefixes_yet_finds_what_the_whole_text_holds(pairs, raw):
    # Tiny prefixes, so matches fall across their ends in every way (matches here are at
    # most 12 characters: "Quyết - định", under the overlap).
    text = "".join(word + sep for word, sep in pairs)
    query = parse_query(raw)
    with (
        mock.patch.object(text_module, "_CHUNK", 3),
        mock.patch.object(text_module, "_OVERLAP", 13),
    ):
        assert snippet(query, text, width=24) == _whole_text_snippet(query, text, width=24)


def test_snippet_of_a_long_body_shows_the_match_near_its_end():
    text = "mở đầu " * 30_000 + "<b>Quyết định</b> số 22 " + "đuôi " * 100
    result = snippet(parse_query("quyet dinh"), text)
    assert "&lt;b&gt;<mark>Quyết</mark> <mark>định</mark>&lt;/b&gt; số 22" in result
    assert result.startswith("… ")
    assert result.endswith(" …")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("trang", "trang", 0),
        ("trnag", "trang", 1),  # a transposition is one edit (Levenshtein counts two)
        ("trwu", "tru", 1),
        ("dihn", "dinh", 1),
        ("trnag", "tra", 2),
        ("", "abc", 3),
        ("ca", "abc", 3),  # optimal string alignment: no edit of a transposed pair
    ],
)
def test_edit_distance_counts_transpositions_as_one_edit(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_one_edit_away_holds_every_single_edit_and_only_those():
    near = one_edit_away("vna")
    assert {"van", "na", "vn", "vnaa", "xna", "avna"} <= near
    assert "vna" not in near
    assert all(edit_distance(w, "vna") == 1 for w in near)
