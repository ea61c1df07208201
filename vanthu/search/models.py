"""The search index: one row per searchable object, rebuilt from the registers at will.

The full-text structures live beside it and are created by the migrations for each database:
SQLite: the FTS5 table `search_fts` (rowid = SearchEntry.id) over folded text;
PostgreSQL: the generated `document` tsvector column with its GIN index, and the vocabulary
`search_word` (distinct folded words, trigram index) for spelling correction.
"""

from __future__ import annotations

from django.db import models

from vanthu.search.choices import EntryKind


class SearchEntry(models.Model):
    """One document in the search index: its filters, what a hit shows, and its text."""

    kind = models.CharField("loại", max_length=20, choices=EntryKind.choices)
    object_id = models.BigIntegerField("mã đối tượng")
    # Plain ids, not foreign keys: the index is derived data, rebuilt by `vanthu search rebuild`.
    agency_id = models.BigIntegerField("cơ quan")
    register_id = models.BigIntegerField("sổ", null=True, blank=True)
    document_type_id = models.BigIntegerField("loại văn bản", null=True, blank=True)
    date = models.DateField("ngày", null=True, blank=True)
    number = models.CharField("số, ký hiệu", max_length=60, blank=True)
    summary = models.CharField("trích yếu", max_length=500, blank=True)
    # Searchable text, NFC: metadata (one line each) and the content of the document's files.
    meta = models.TextField("thông tin văn bản", blank=True)
    body = models.TextField("nội dung", blank=True)
    indexed_at = models.DateTimeField("lập chỉ mục lúc", auto_now=True)

    class Meta:
        verbose_name = "mục chỉ mục tìm kiếm"
        verbose_name_plural = "chỉ mục tìm kiếm"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_object"),
        ]
        db_table = "search_entry"
        indexes = [models.Index(fields=["agency_id", "date"], name="search_entry_agency_date")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class IndexRebuild(models.Model):
    """Progress of `vanthu search rebuild`, so an interrupted rebuild resumes where it stopped."""

    started_at = models.DateTimeField("bắt đầu lúc", auto_now_add=True)
    kind = models.CharField("đang lập chỉ mục", max_length=20, choices=EntryKind.choices)
    last_object_id = models.BigIntegerField("mã cuối đã lập", default=0)
    done = models.PositiveIntegerField("đã lập", default=0)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lần lập lại chỉ mục"
        verbose_name_plural = "các lần lập lại chỉ mục"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.kind} > {self.last_object_id}"
