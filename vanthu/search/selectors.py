"""Full-text search of documents, scoped to what the actor may see (ADR 0023).

Access control is part of the query: the agencies the actor may view restrict the match (on
SQLite also inside the FTS5 MATCH, as a token) before ranking, counting and paging; nothing
is filtered afterwards. `vanthu.registry.permissions.can_view_documents` is the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import ValidationFailed
from vanthu.registry.permissions import can_view_documents
from vanthu.search.choices import EntryKind
from vanthu.search.index import scope_token
from vanthu.search.models import SearchEntry
from vanthu.search.text import (
    Query,
    QueryError,
    Term,
    edit_distance,
    highlight,
    one_edit_away,
    parse_query,
    snippet,
)

PAGE_SIZE = 20
MAX_PAGE = 50
# Totals are counted up to this (every hit the pages can show); beyond it the page says
# "more than 1,000". PostgreSQL ranks (reads the tsvector of) only the newest RANK_CAP
# matches; any others follow them, newest first (ADR 0023).
TOTAL_CAP = MAX_PAGE * PAGE_SIZE
RANK_CAP = 300
# Spelling correction (PostgreSQL): trigram similarity a vocabulary word needs to be a
# two-edit candidate (pg_trgm's default is 0.3; "trnag" and "trang" share 2 of 10 trigrams),
# how many candidates of each distance are tried (the first a visible document holds wins),
# how many trigram matches are ranked, and which words are corrected (lengths; never words
# with digits: a near number is another document).
CORRECTION_SIMILARITY = 0.2
CORRECTION_CANDIDATES = 10
CORRECTION_SCAN = 200
CORRECTABLE_CHARS = (3, 40)
# Words up to this long are corrected by one edit only.
SHORT_WORD_CHARS = 4


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Optional filters: agency, register, period (document date), document type, kind."""

    agency_id: int | None = None
    register_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    document_type_id: int | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One document found: what the result list shows; `*_html` are escaped and marked."""

    kind: str
    object_id: int
    agency_id: int
    number: str
    date: date | None
    summary: str
    summary_html: str
    snippet_html: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of hits, best first; `fuzzy` when they come from the typo-tolerant fallback,
    which searched for `corrected` (the query with its misspelt words replaced)."""

    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE
    fuzzy: bool = False
    # More than `total` documents match: the count stopped at TOTAL_CAP.
    total_capped: bool = False
    corrected: str = ""

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, -(-self.total // self.page_size)))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def visible_agency_ids(actor: Actor) -> frozenset[int] | None:
    """Return the agencies whose documents the actor may see; None means every agency."""
    if actor.is_system_admin:
        return None
    return frozenset(a for a in actor.agency_ids if can_view_documents(actor, a))


def _scope(actor: Actor, filters: SearchFilters) -> frozenset[int] | None:
    visible = visible_agency_ids(actor)
    if filters.agency_id is None:
        return visible
    if visible is None or filters.agency_id in visible:
        return frozenset({filters.agency_id})
    return frozenset()


def _agency_where(agencies: frozenset[int] | None) -> tuple[str, list[Any]]:
    """Return the access condition on `e` (search_entry) and its parameters."""
    if agencies is None:
        return "", []
    # bigint parameters on PostgreSQL: btree_gin's int8 operator class has no int8 = int4,
    # and without it the GIN indexes on (agency_id, ...) cannot take the agency condition (the
    # planner then intersected the whole province's matches with a B-tree: 2-4 times slower).
    mark = "%s::bigint" if connection.vendor == "postgresql" else "%s"
    return " AND e.agency_id IN (" + ", ".join([mark] * len(agencies)) + ")", sorted(agencies)


def _filter_where(filters: SearchFilters) -> tuple[str, list[Any]]:
    """Return the filters' conditions on `e` and their parameters."""
    sql: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("e.register_id = %s", filters.register_id),
        ("e.document_type_id = %s", filters.document_type_id),
        ("e.kind = %s", filters.kind),
        ("e.date >= %s", filters.date_from),
        ("e.date <= %s", filters.date_to),
    ):
        if value is not None:
            sql.append(column)
            params.append(value)
    return "".join(" AND " + s for s in sql), params


def _where(filters: SearchFilters, agencies: frozenset[int] | None) -> tuple[str, list[Any]]:
    """Return the SQL conditions on `e` (search_entry) and their parameters."""
    access, access_params = _agency_where(agencies)
    where, params = _filter_where(filters)
    return access + where, access_params + params


Rows = list[tuple[int, float]]


def _sqlite(
    query: Query, filters: SearchFilters, agencies: frozenset[int] | None, offset: int
) -> tuple[Rows, int]:
    """Return one page of (entry id, score) and how many match (all of them: FTS5 has
    computed bm25 for every match before ordering, so counting them costs nothing more)."""
    match = query.fts5()
    if agencies is not None:
        # The agency token first in the MATCH: FTS5 intersects it with the terms' postings, so
        # a common word costs what the actor's own documents cost, not the whole province's.
        # (No column filters: they made FTS5 read whole position lists, ten times slower.)
        tokens = " OR ".join(f'"{scope_token(a)}"' for a in sorted(agencies))
        match = f"({tokens}) {match}" if len(agencies) > 1 else f"{tokens} {match}"
    where, params = _where(filters, agencies)
    sql = (
        # bm25() is only allowed in the FTS5 scan itself, not under the window function.
        # `where` holds only placeholders: every value is a parameter.
        "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(search_fts, 0.0, 4.0, 1.0) AS score "  # noqa: S608
        "FROM search_fts WHERE search_fts MATCH %s) "
        "SELECT e.id, m.score, count(*) OVER () AS total FROM m JOIN search_entry e ON e.id = m.id "
        "WHERE 1 = 1" + where + " ORDER BY m.score, e.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, PAGE_SIZE, offset])
        rows = cursor.fetchall()
    return [(row[0], -float(row[1])) for row in rows], (rows[0][2] if rows else 0)


def _postgres(
    query: Query, filters: SearchFilters, agencies: frozenset[int] | None, offset: int
) -> tuple[Rows, int]:
    """Return one page of (entry id, score) and how many match, counted up to TOTAL_CAP + 1.

    The GIN index on (agency_id, document) finds the matches without reading their tsvectors
    (words need no recheck; phrases do); ts_rank must read each one, so only the newest
    RANK_CAP matches are ranked: every match when there are no more, otherwise these come
    first, best first, and the rest of the 1,000 the pages can show follow, newest first.
    """
    access, access_params = _agency_where(agencies)
    where, params = _filter_where(filters)
    sql = (
        # `access` and `where` hold only placeholders: every value is a parameter.
        # The tsquery is written twice, not taken from a CTE: as a constant the planner folds
        # it and estimates its selectivity, and the GIN index is used directly.
        # `m`: the matches in the visible agencies, from the GIN index alone; the filters
        # apply to its rows (else the planner intersected it with B-tree scans of the whole
        # province's rows of a kind or a period, and the bitmaps went lossy).
        "WITH m AS MATERIALIZED (SELECT e.id, e.date, e.register_id, e.document_type_id, "  # noqa: S608
        "e.kind FROM search_entry e "
        "WHERE e.document @@ to_tsquery('simple', public.f_unaccent(%s))" + access + "), "
        "c AS MATERIALIZED (SELECT e.id, e.date FROM m AS e WHERE TRUE"
        + where
        + " ORDER BY e.date DESC NULLS LAST, e.id DESC LIMIT %s), "
        "r AS (SELECT id, date, row_number() OVER (ORDER BY date DESC NULLS LAST, id DESC) AS n "
        "FROM c) "
        # ts_rank reads the tsvector: only for the newest RANK_CAP (a scalar subquery, so the
        # others are never read); they come first, best first, the rest after, newest first.
        "SELECT r.id, CASE WHEN r.n <= %s THEN (SELECT ts_rank(x.document, "
        "to_tsquery('simple', public.f_unaccent(%s))) FROM search_entry x WHERE x.id = r.id) "
        "END AS score, (SELECT count(*) FROM c) AS total FROM r WHERE r.n <= %s "
        "ORDER BY score DESC NULLS LAST, r.date DESC NULLS LAST, r.id DESC LIMIT %s OFFSET %s"
    )
    tsquery = query.tsquery()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                tsquery,
                *access_params,
                *params,
                TOTAL_CAP + 1,
                RANK_CAP,
                tsquery,
                TOTAL_CAP,
                PAGE_SIZE,
                offset,
            ],
        )
        rows = cursor.fetchall()
    return [(row[0], float(row[1] or 0.0)) for row in rows], (rows[0][2] if rows else 0)


def _visible(cursor: Any, word: str, agencies: frozenset[int] | None) -> bool:
    """Return whether a document the actor may see holds `word` (the GIN index alone)."""
    access, params = _agency_where(agencies)
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM search_entry e "  # noqa: S608
        "WHERE e.document @@ to_tsquery('simple', public.f_unaccent(%s))" + access + ")",
        [f"'{word}'", *params],
    )
    return bool(cursor.fetchone()[0])


def _candidates(cursor: Any, word: str) -> Iterator[str]:
    """Yield the vocabulary words closest to `word`, best first, at most
    CORRECTION_CANDIDATES for each number of edits (a transposition is one edit).

    One edit away: every variant of the word, looked up by the primary key (exact and
    complete: a trigram search misses "vna" → "van", 1 trigram of 7 in common, and a
    similarity-ordered one lets noise words crowd "trnag" → "trang" out). Two edits away, for
    words over SHORT_WORD_CHARS: trigram-similar words (the GIN index), ranked by edits, then
    similarity. Ties go to the most similar word, then alphabetically.
    """
    cursor.execute(
        "SELECT word FROM search_word WHERE word = ANY(%s) ORDER BY similarity(word, %s) DESC, "
        "word LIMIT %s",
        [sorted(one_edit_away(word)), word, CORRECTION_CANDIDATES],
    )
    yield from (row[0] for row in cursor.fetchall())
    if len(word) <= SHORT_WORD_CHARS:
        return
    # levenshtein counts a transposition as two edits: it filters at three, then the
    # optimal string alignment distance (text.edit_distance) keeps the two-edit words.
    cursor.execute(
        "SELECT word FROM search_word WHERE word %% %s AND levenshtein_less_equal(word, %s, 3) "
        "<= 3 ORDER BY levenshtein(word, %s), similarity(word, %s) DESC, word LIMIT %s",
        [word, word, word, word, CORRECTION_SCAN],
    )
    far = [row[0] for row in cursor.fetchall() if edit_distance(row[0], word) == 2]
    yield from far[:CORRECTION_CANDIDATES]


def _correctable(word: str) -> bool:
    return CORRECTABLE_CHARS[0] <= len(word) <= CORRECTABLE_CHARS[1] and not any(
        c.isdigit() for c in word
    )


def _postgres_corrected(query: Query, agencies: frozenset[int] | None) -> Query | None:
    """Return the query with each word no visible document holds replaced by the closest
    vocabulary word that one does hold; None when a word cannot be corrected (no hits then).

    The vocabulary is shared by every agency, so a candidate counts only if a document the
    actor may see holds it, and a word is kept only if such a document holds it: what the
    actor gets never depends on words only other agencies' documents hold (except which
    CORRECTION_CANDIDATES are looked at first), and a correction is shown only with its hits.
    Prefixes are never corrected.
    """
    changed = False
    terms: list[Term] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(CORRECTION_SIMILARITY)],
        )
        for term in query.terms:
            words: list[str] = []
            for index, word in enumerate(term.words):
                is_prefix = term.prefix and index == len(term.words) - 1
                if is_prefix or _visible(cursor, word, agencies):
                    words.append(word)
                    continue
                if not _correctable(word):
                    return None
                for candidate in _candidates(cursor, word):
                    if _visible(cursor, candidate, agencies):
                        words.append(candidate)
                        changed = True
                        break
                else:
                    return None
            terms.append(Term(words=tuple(words), prefix=term.prefix))
    if not changed:
        return None
    text = " ".join(
        ('"' + " ".join(t.words) + '"' if t.is_phrase else t.words[0]) + ("*" if t.prefix else "")
        for t in terms
    )
    return Query(text=text, terms=tuple(terms))


def _hit(entry: SearchEntry, query: Query, score: float) -> SearchHit:
    return SearchHit(
        kind=entry.kind,
        object_id=entry.object_id,
        agency_id=entry.agency_id,
        number=entry.number,
        date=entry.date,
        summary=entry.summary,
        summary_html=highlight(query, entry.summary),
        snippet_html=snippet(query, entry.body) or snippet(query, entry.meta),
        score=score,
    )


def search_documents(
    *, actor: Actor, query: str, filters: SearchFilters | None = None, page: int = 1
) -> SearchPage:
    """Return one page of the documents matching `query` that the actor may see, best first."""
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise ValidationFailed(str(exc), fields={"q": [str(exc)]}) from exc
    if page < 1 or page > MAX_PAGE:
        message = f"Trang kết quả phải từ 1 đến {MAX_PAGE}; hãy thu hẹp tìm kiếm."
        raise ValidationFailed(message, fields={"page": [message]})
    filters = filters or SearchFilters()
    if filters.kind is not None and filters.kind not in EntryKind.values:
        raise ValidationFailed("Loại văn bản tìm kiếm không hợp lệ.", fields={"kind": ["?"]})
    agencies = _scope(actor, filters)
    result = SearchPage(query=parsed.text, page=page)
    if agencies is not None and not agencies:
        return result
    offset = (page - 1) * PAGE_SIZE
    searched: Query | None = parsed
    if connection.vendor == "postgresql":
        rows, total = _postgres(parsed, filters, agencies, offset)
        if not rows and not parsed.is_exact:
            # No hit: correct the misspelt words against the vocabulary and search again.
            searched = _postgres_corrected(parsed, agencies)
            if searched is not None:
                rows, total = _postgres(searched, filters, agencies, offset)
    else:
        rows, total = _sqlite(parsed, filters, agencies, offset)
    if not rows or searched is None:
        # A correction without hits is not shown (it could name another agency's word).
        return result
    entries = SearchEntry.objects.in_bulk([row[0] for row in rows])
    hits = [_hit(entries[pk], searched, score) for pk, score in rows if pk in entries]
    fuzzy = searched is not parsed
    return SearchPage(
        query=parsed.text,
        hits=hits,
        total=min(total, TOTAL_CAP),
        page=page,
        fuzzy=fuzzy,
        total_capped=total > TOTAL_CAP,
        corrected=searched.text if fuzzy else "",
    )
