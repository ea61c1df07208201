"""The pure page splitter: ink coverage, separator barcodes, proposed split, the clerk's moves."""

from __future__ import annotations

import pytest

from vanthu.intake import split
from vanthu.intake.split import PageFacts, apply_operation, propose_documents
from vanthu.intake.tests.pages import (
    image_bytes,
    noisy_page,
    separator_image,
    text_image,
    text_pdf,
    tiff_pages,
)

LETTER = ["UBND TỈNH KHÁNH HÒA", "SỞ TÀI CHÍNH", "Số: 12/STC-VP", "V/v dự toán năm 2027"]


def facts_of(data: bytes, *, is_pdf: bool) -> list[PageFacts]:
    return [split.analyse(image) for image in split.render_pages(data, is_pdf=is_pdf)]


def test_a_noisy_blank_scan_is_blank_and_a_single_line_is_not():
    blank, one_line = facts_of(
        tiff_pages([noisy_page(), text_image(["Kính gửi: Sở Thông tin và Truyền thông."])]),
        is_pdf=False,
    )
    assert blank.is_blank, blank
    assert blank.kind == "blank"
    assert not one_line.is_blank
    assert one_line.ink > 3 * split.BLANK_INK
    # Noise and the edge shadow stay well under the threshold, not just under it
    assert blank.ink < split.BLANK_INK / 2


def test_pdf_pages_are_rendered_and_measured():
    facts = facts_of(text_pdf([LETTER, [], LETTER[:1]]), is_pdf=True)
    assert [f.kind for f in facts] == ["content", "blank", "content"]


def test_the_separator_qr_code_is_read_on_a_noisy_scan():
    found = split.analyse(next(split.render_pages(image_bytes(separator_image()), is_pdf=False)))
    assert found.barcode == "VANTHU-TACH"
    assert found.is_separator
    assert not found.is_blank
    other = split.analyse(
        next(split.render_pages(image_bytes(separator_image("XYZ")), is_pdf=False))
    )
    assert other.barcode == "XYZ"
    assert other.kind == "content"


def test_a_jpeg_page_is_read():
    (found,) = facts_of(image_bytes(text_image(LETTER).convert("RGB"), "JPEG"), is_pdf=False)
    assert found.kind == "content"


def test_a_corrupt_pdf_is_refused_in_vietnamese():
    with pytest.raises(split.RenderError, match="bị hỏng"):
        list(split.render_pages(b"%PDF-1.4\nnot really", is_pdf=True, name="x.pdf"))


def test_the_split_breaks_on_blank_and_separator_pages():
    content, blank, sep = PageFacts(0.05, ""), PageFacts(0.0, ""), PageFacts(0.02, "VANTHU-TACH")
    pages = [blank, content, content, sep, content, blank, blank, content, sep]
    assert propose_documents(pages) == [None, 1, 1, None, 2, None, None, 3, None]
    assert propose_documents([content, content]) == [1, 1]
    assert propose_documents([]) == []


def test_the_clerks_moves():
    docs = [[(1, 0), (2, 0)], [(3, 0)]]
    assert apply_operation(docs, "down", 1) == [[(2, 0), (1, 0)], [(3, 0)]]
    assert apply_operation(docs, "down", 2) == [[(1, 0)], [(2, 0), (3, 0)]]
    assert apply_operation(docs, "up", 3) == [[(1, 0), (2, 0), (3, 0)]]
    assert apply_operation(docs, "up", 1) == docs
    assert apply_operation(docs, "rotate", 3) == [[(1, 0), (2, 0)], [(3, 90)]]
    assert apply_operation([[(3, 270)]], "rotate", 3) == [[(3, 0)]]
    assert apply_operation(docs, "remove", 3) == [[(1, 0), (2, 0)]]
    assert apply_operation(docs, "split", 2) == [[(1, 0)], [(2, 0)], [(3, 0)]]
    assert apply_operation(docs, "split", 1) == docs
    assert apply_operation(docs, "merge", 3) == [[(1, 0), (2, 0), (3, 0)]]
    with pytest.raises(split.ArrangementError):
        apply_operation(docs, "explode", 1)
    with pytest.raises(split.ArrangementError):
        apply_operation(docs, "up", 99)


def test_an_arrangement_is_checked():
    assert split.check_arrangement([[(1, 450)], []], {1, 2}) == [[(1, 90)]]
    for bad in ([[(9, 0)]], [[(1, 0)], [(1, 0)]], [[(1, 45)]], [[]]):
        with pytest.raises(split.ArrangementError):
            split.check_arrangement(bad, {1, 2})
