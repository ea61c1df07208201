"""The metadata suggester (pure): each field's rules, OCR noise, and the held-out accuracy floor."""

from __future__ import annotations

import pytest

from vanthu.intake.suggest import Suggestion, suggest
from vanthu.intake.suggest_eval import FIELDS, is_right, score_set

DECISION = """\
ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH KHÁNH HÒA                    Độc lập - Tự do - Hạnh phúc
Số: 125/QĐ-UBND
                                  Khánh Hòa, ngày 05 tháng 3 năm 2024

QUYẾT ĐỊNH
Về việc phê duyệt Kế hoạch chuyển đổi số
tỉnh Khánh Hòa năm 2024
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Điều 1. Phê duyệt Kế hoạch; các đơn vị khẩn trương thực hiện.

Nơi nhận:                                     KT. CHỦ TỊCH
- Như trên;                                   PHÓ CHỦ TỊCH
- Lưu: VT.
                                              Trần Hòa Nam
"""

LETTER = """\
UBND TỈNH KHÁNH HÒA
SỞ XÂY DỰNG
Số: 345/SXD-QLN
V/v hướng dẫn cấp giấy phép
xây dựng nhà ở riêng lẻ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Khánh Hòa, 11/04/2024
HỎA TỐC
Kính gửi: Ủy ban nhân dân các huyện.
Sở Xây dựng hướng dẫn như sau.
GIÁM ĐỐC
(Đã ký)
Lê Văn Dũng
Nơi nhận:
- Như trên;
- Lưu: VT, QLN.
"""


def test_decision_in_layout_text_gives_every_field():
    found = suggest(DECISION)
    assert found.sender_name.value == "Ủy ban nhân dân tỉnh Khánh Hòa"
    assert found.sender_parent is None
    assert (found.number.value, found.notation.value) == ("125", "QĐ-UBND")
    assert found.document_date.value == "2024-03-05"
    assert found.document_type.value == "Quyết định"
    assert found.summary.value == (
        "Về việc phê duyệt Kế hoạch chuyển đổi số tỉnh Khánh Hòa năm 2024"
    )
    assert found.signer_name.value == "Trần Hòa Nam"
    assert found.signer_position.value == "Phó chủ tịch"
    # "khẩn trương" in the body is no urgency stamp.
    assert found.urgency.value == "normal"


def test_letter_in_flowing_text_is_a_cong_van_with_its_v_v_summary():
    found = suggest(LETTER)
    assert found.sender_name.value == "Sở Xây dựng"
    assert found.sender_parent.value == "Ủy ban nhân dân tỉnh Khánh Hòa"
    assert (found.number.value, found.notation.value) == ("345", "SXD-QLN")
    assert found.document_date.value == "2024-04-11"
    assert found.document_type.value == "Công văn"
    assert found.summary.value == "hướng dẫn cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert found.signer_name.value == "Lê Văn Dũng"
    assert found.signer_position.value == "Giám đốc"
    assert found.urgency.value == "flash"


@pytest.mark.parametrize(
    ("line", "number", "notation"),
    [
        ("Số: 12/2024/NQ-HĐND", "12", "2024/NQ-HĐND"),
        ("Số:05/CT-UBND", "05", "CT-UBND"),
        ("So: 345 / SXD - QLN", "345", "SXD-QLN"),
        ("S6: l25/QD-UBND", "125", "QĐ-UBND"),
        ("Số : 2783/VTLTNN-NVTW", "2783", "VTLTNN-NVTW"),
    ],
)
def test_number_and_notation_survive_spacing_and_ocr_look_alikes(line, number, notation):
    found = suggest(f"BỘ NỘI VỤ\n{line}\nHà Nội, ngày 10 tháng 12 năm 2024\n")
    assert (found.number.value, found.notation.value) == (number, notation)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Khánh Hòa, ngày 05 tháng 3 năm 2024", "2024-03-05"),
        ("Khanh Hoa, ngay O5 thang 3 nam 2O24", "2024-03-05"),
        ("Nha Trang, 21/10/2024", "2024-10-21"),
        ("Khánh Hòa, ngày 05 tháng 3\nnăm 2024", "2024-03-05"),
    ],
)
def test_date_in_words_digits_and_broken_lines(line, expected):
    found = suggest(f"SỞ Y TẾ\nSố: 47/GM-SYT\n{line}\nGIẤY MỜI\nDự hội nghị\n")
    assert found.document_date.value == expected


def test_impossible_date_is_not_suggested_from_the_header():
    found = suggest("SỞ Y TẾ\nSố: 47/GM-SYT\nKhánh Hòa, ngày 31 tháng 2 năm 2024\n")
    assert found.document_date is None


@pytest.mark.parametrize(
    ("header", "sender", "parent"),
    [
        ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "Bộ Thông tin và Truyền thông", None),
        ("ỦY BAN NHÂN DÂN\nHUYỆN CAM LÂM", "Ủy ban nhân dân huyện Cam Lâm", None),
        (
            "UBND THÀNH PHỐ NHA TRANG\nPHÒNG TÀI CHÍNH - KẾ HOẠCH",
            "Phòng Tài chính - Kế hoạch",
            "Ủy ban nhân dân thành phố Nha Trang",
        ),
        ("TỔNG CỤC THUẾ\nCỤC THUẾ TỈNH KHÁNH HÒA", "Cục Thuế tỉnh Khánh Hòa", "Tổng cục Thuế"),
        ("UBND TINH KHANH HOA\nSO Y TE", "So Y te", "Ủy ban nhân dân tinh Khanh Hoa"),
    ],
)
def test_sender_is_the_last_name_of_the_top_left_block(header, sender, parent):
    found = suggest(f"{header}\n———\nSố: 10/BC-X\nHà Nội, ngày 02 tháng 01 năm 2024\n")
    assert found.sender_name.value == sender
    assert (found.sender_parent.value if found.sender_parent else None) == parent


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("TỜ TRÌNH", "Tờ trình"),
        ("NGHỊ QUYẾT", "Nghị quyết"),
        ("THONG BAO", "Thông báo"),
        ("KẾ HOẠCH", "Kế hoạch"),
        ("CÔNG ĐIỆN", "Công điện"),
    ],
)
def test_type_is_read_from_the_title(title, expected):
    found = suggest(f"SỞ NỘI VỤ\nSố: 10/ABC-SNV\n{title}\nVề việc tổ chức hội nghị\n")
    assert found.document_type.value == expected
    assert found.summary.value == "Về việc tổ chức hội nghị"


def test_type_falls_back_on_the_notation_when_no_title_is_found():
    found = suggest("SỞ NỘI VỤ\nSố: 10/BC-SNV\nnội dung không có tiêu đề\n")
    assert found.document_type.value == "Báo cáo"
    assert found.document_type.confidence < 0.7


@pytest.mark.parametrize(
    ("block", "name", "position"),
    [
        (
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n(Ký, đóng dấu)\nNguyễn Tấn Tuân",
            "Nguyễn Tấn Tuân",
            "Chủ tịch",
        ),
        ("TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nHà Đăng Khoa", "Hà Đăng Khoa", "Chánh văn phòng"),
        ("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nĐã ký\nPHẠM ĐỨC LONG", "Phạm Đức Long", "Thứ trưởng"),
        (
            "KT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\nMai Thị Thu Vân",
            "Mai Thị Thu Vân",
            "Phó chủ nhiệm",
        ),
    ],
)
def test_signer_and_position_from_the_signature_block(block, name, position):
    found = suggest(f"BỘ NỘI VỤ\nSố: 1/BNV-VP\nNội dung.\n{block}\nNơi nhận:\n- Lưu: VT.\n")
    assert found.signer_name.value == name
    assert found.signer_position.value == position


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [("THƯỢNG KHẨN", "very_urgent"), ("KHẨN", "urgent"), ("HOA TOC", "flash"), ("", "normal")],
)
def test_urgency_stamps(stamp, expected):
    found = suggest(f"SỞ Y TẾ\nSố: 3/SYT-NVY\n{stamp}\nĐề nghị khẩn trương thực hiện.\n")
    assert found.urgency.value == expected


def test_empty_or_unrelated_text_suggests_nothing():
    assert suggest("") == Suggestion()
    found = suggest("hello world\nthis is not an official document\n")
    assert found.number is None
    assert found.document_date is None
    assert found.signer_name is None


def test_suggestion_round_trips_through_json():
    found = suggest(DECISION)
    assert Suggestion.from_dict(found.to_dict()) == found


def test_summary_similarity_threshold_counts_small_ocr_slips_only():
    label = "Hướng dẫn kết nối Trục liên thông văn bản quốc gia"
    assert is_right("summary", "Huong dan ket noi Truc lien thong van ban quoc gia", label)
    assert is_right("summary", "V/v Hướng dẫn kết nối Trục liên thông văn bản quốc gja", label)
    assert not is_right("summary", "Hướng dẫn kết nối Trục liên", label)


# Floors a little under the accuracy recorded in bench/RESULTS.md: a regression fails here.
HELD_OUT_FLOOR = {
    "sender_name": 0.85,
    "number": 0.95,
    "notation": 0.95,
    "document_date": 0.95,
    "document_type": 0.95,
    "summary": 0.85,
    "signer_name": 0.85,
    "signer_position": 0.85,
    "urgency": 0.95,
}


def test_held_out_accuracy_stays_above_its_floor():
    score = score_set("heldout")
    assert score.documents >= 25
    low = {n: score.accuracy(n) for n in FIELDS if score.accuracy(n) < HELD_OUT_FLOOR[n]}
    assert not low, f"held-out accuracy fell: {low}; misses: {score.misses}"
