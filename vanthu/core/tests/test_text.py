"""Vietnamese text integrity: NFC, control characters, TCVN3/VNI conversion, search folding."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from vanthu.core.errors import ErrorCode, ValidationFailed
from vanthu.core.text import (
    VIETNAMESE_LETTERS,
    VIETNAMESE_LOWER,
    AmbiguousEncoding,
    clean_text,
    detect_legacy_encoding,
    fold,
    is_vietnamese_syllable,
    normalize_text,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

# A copy of shared/seed/, kept in the repository so the tests need nothing beside it.
SEED = Path(__file__).resolve().parents[3] / "tests" / "data" / "QD-22-2017-UBND-KhanhHoa.txt"
TITLE = (
    "QUY ĐỊNH VỀ VIỆC TRAO ĐỔI, LƯU TRỮ, XỬ LÝ VĂN BẢN ĐIỆN TỬ TRONG CÁC CƠ QUAN NHÀ NƯỚC "
    "TỈNH KHÁNH HÒA"
)
# Fallbacks equal to the seed's lines, so the tests also run where /work/shared is absent.
SEED_LINES = {
    "Điều 1.": "Điều 1. Ban hành kèm theo Quyết định này, Quy định trao đổi, lưu trữ, xử lý văn "
    "bản điện tử trong hoạt động của cơ quan nhà nước tỉnh Khánh Hòa.",
    "b) Sử dụng": "b) Sử dụng bộ mã các ký tự chữ Việt theo tiêu chuẩn TCVN 6909:2001 để thể "
    "hiện các nội dung văn bản điện tử.",
    "Điều 3. Chánh": "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc các sở, Thủ trưởng "
    "các ban, ngành; Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố; Chủ tịch Ủy ban nhân "
    "dân xã, phường, thị trấn và các cơ quan, đơn vị, tổ chức, cá nhân có liên quan chịu trách "
    "nhiệm thi hành Quyết định này. /.",
}


def _seed_line(prefix: str) -> str:
    if not SEED.exists():
        return SEED_LINES[prefix]
    return next(line for line in SEED.read_text("utf-8").splitlines() if line.startswith(prefix))


def _nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


# --- NFC and control characters -------------------------------------------------------------


def test_nfd_input_comes_out_nfc():
    # given the title typed on a system that produces decomposed (NFD) Unicode
    decomposed = _nfd(TITLE)
    assert decomposed != TITLE
    # when it is cleaned
    cleaned = clean_text(decomposed)
    # then it is the precomposed (NFC) form
    assert cleaned == TITLE
    assert unicodedata.is_normalized("NFC", cleaned)


def test_control_characters_are_removed_and_line_breaks_unified():
    # given text pasted from a Windows tool with a BOM, a bell, a NUL and CR LF line breaks
    pasted = "\ufeffSở\x07 Thông tin\r\nvà\x00 Truyền thông\rPhòng\tHành chính\x85"
    # when it is cleaned
    cleaned = clean_text(pasted)
    # then only printable text, "\n" and "\t" remain
    assert cleaned == "Sở Thông tin\nvà Truyền thông\nPhòng\tHành chính"


def test_normalize_text_trims_and_runs_the_same_pipeline():
    # given a TCVN3 name with surrounding white space, in NFD-free mojibake
    # when it is normalised as services do
    # then it is converted, NFC and trimmed
    assert normalize_text("  Phßng Tµi chÝnh \n") == "Phòng Tài chính"
    assert normalize_text(_nfd(" Hòa ")) == "Hòa"


# --- Tables: every Vietnamese letter --------------------------------------------------------


def test_there_are_134_vietnamese_letters():
    assert len(VIETNAMESE_LOWER) == 67
    assert len(set(VIETNAMESE_LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in VIETNAMESE_LETTERS)


def test_every_letter_round_trips_through_vni():
    # given each of the 134 letters, alone and inside a word
    for letter in VIETNAMESE_LETTERS:
        # when it is encoded in VNI and decoded again
        # then it comes back unchanged
        assert vni_to_unicode(unicode_to_vni(letter)) == letter
        word = "Th" + letter + "ng" if letter.islower() else "TH" + letter + "NG"
        assert vni_to_unicode(unicode_to_vni(word)) == word


def test_vni_codes_are_distinct_and_legacy_only():
    codes = [unicode_to_vni(letter) for letter in VIETNAMESE_LETTERS]
    assert len(set(codes)) == 134
    # VNI mojibake holds only ASCII and Windows-1252 characters, never a Vietnamese letter
    # outside Latin-1.
    assert all(ord(c) <= 0xFF for code in codes for c in code)


def test_every_lower_case_letter_round_trips_through_tcvn3():
    codes = {unicode_to_tcvn3(letter) for letter in VIETNAMESE_LOWER}
    assert len(codes) == 67
    assert all(len(code) == 1 and 0xA1 <= ord(code) <= 0xFE for code in codes)
    for letter in VIETNAMESE_LOWER:
        assert tcvn3_to_unicode("th" + unicode_to_tcvn3(letter) + "ng") == "th" + letter + "ng"


def test_every_upper_case_letter_round_trips_through_tcvn3_in_capitals():
    # given each capital letter inside a word written in capitals (".VnTimeH" style)
    for letter in VIETNAMESE_LOWER:
        word = "TH" + letter.upper() + "NG"
        # when it is encoded in TCVN3 and decoded
        # then it comes back in capitals
        assert tcvn3_to_unicode(unicode_to_tcvn3(word)) == word


def test_tcvn3_table_matches_an_independent_implementation():
    # given the 67 lower-case letters and the 7 capitals that TCVN3 holds
    letters = "".join(VIETNAMESE_LOWER) + "ĂÂÊÔƠƯĐ"
    # then our codes are those that glibc's iconv (TCVN5712-1) gives for the same letters
    glibc = "¨©ª«¬\xadµ¸¶·¹»¾¼½ÆÇÊÈÉËÌÐÎÏÑÒÕÓÔÖ×ÝØÜÞßãáâäåèæçéêíëìîïóñòôõøö÷ùúýûüþ®¡¢£¤¥¦§"  # noqa: RUF001
    assert unicode_to_tcvn3(letters) == glibc


def test_vni_table_matches_the_vni_chart():
    # The VNI-Windows chart, row by row: ă â ê ô ơ ư; then a ă â e ê i o ô ơ u ư y with
    # huyền, sắc, hỏi, ngã, nặng; then đ.
    rows = (
        "aê aâ eâ oâ ô ö "
        "aø aù aû aõ aï  aè aé aú aü aë  aà aá aå aã aä  eø eù eû eõ eï  eà eá eå eã eä "
        "ì í æ ó ò  oø où oû oõ oï  oà oá oå oã oä  ôø ôù ôû ôõ ôï  uø uù uû uõ uï "
        "öø öù öû öõ öï  yø yù yû yõ î  ñ"
    )
    chart = rows.split()
    assert [unicode_to_vni(letter) for letter in VIETNAMESE_LOWER] == chart
    assert [unicode_to_vni(letter.upper()) for letter in VIETNAMESE_LOWER] == [
        code.upper() for code in chart
    ]


def test_tcvn3_known_codes():
    # Spot checks against the TCVN3 code chart (".VnTime" glyph positions).
    assert unicode_to_tcvn3("Quyết định") == "QuyÕt ®Þnh"
    assert tcvn3_to_unicode("Uû ban nh©n d©n") == "Uỷ ban nhân dân"
    assert tcvn3_to_unicode("§µ N½ng") == "Đà Nẵng"
    assert tcvn3_to_unicode("§µ N½NG") == "ĐÀ NẴNG"
    assert tcvn3_to_unicode("M\xadêng Kh\xad¬ng") == "Mường Khương"


def test_vni_known_codes():
    assert unicode_to_vni("Quyết định") == "Quyeát ñònh"
    assert vni_to_unicode("Xin chaøo caùc baïn") == "Xin chào các bạn"
    assert vni_to_unicode("ÑÖÔÏC") == "ĐƯỢC"


# --- Seed text in legacy encodings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "encoding"), [(unicode_to_tcvn3, "tcvn3"), (unicode_to_vni, "vni")]
)
def test_seed_title_in_legacy_encoding_is_converted_back_exactly(encode, encoding):
    # given the title as a user would paste it from an old TCVN3 / VNI file
    mojibake = encode(TITLE)
    assert mojibake != TITLE
    # when it is cleaned
    # then it is recognised and restored exactly
    assert detect_legacy_encoding(mojibake) == encoding
    assert clean_text(mojibake) == TITLE


@pytest.mark.parametrize(
    ("encode", "encoding"), [(unicode_to_tcvn3, "tcvn3"), (unicode_to_vni, "vni")]
)
@pytest.mark.parametrize("prefix", ["Điều 1.", "b) Sử dụng"])
def test_seed_sentence_in_legacy_encoding_is_converted_back_exactly(encode, encoding, prefix):
    sentence = _seed_line(prefix)
    mojibake = encode(sentence)
    assert detect_legacy_encoding(mojibake) == encoding
    assert clean_text(mojibake) == sentence


def test_seed_sentence_with_capital_toned_letters_round_trips_through_vni():
    # VNI has capital toned letters ("Ủy"); plain TCVN3 does not (see the ADR).
    sentence = _seed_line("Điều 3. Chánh")
    assert clean_text(unicode_to_vni(sentence)) == sentence


def test_tcvn3_capital_toned_letter_mid_sentence_comes_back_lower_case():
    # given "Ủy" mid-sentence, which TCVN3 can only store as "ủy" (documented limitation)
    sentence = _seed_line("Điều 3. Chánh")
    # when it goes through TCVN3
    converted = clean_text(unicode_to_tcvn3(sentence))
    # then only those capitals are lost, and the sentence start keeps its capital
    assert converted == sentence.replace("Ủy", "ủy")
    assert clean_text(unicode_to_tcvn3("Ủy ban nhân dân tỉnh Khánh Hòa")).startswith("Ủy ")


def test_every_seed_line_is_left_alone_and_converts_back_from_vni():
    if not SEED.exists():
        pytest.skip("seed text not present")
    lines = [line for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    for line in lines:
        assert clean_text(line) == unicodedata.normalize("NFC", line)
    whole = "\n".join(lines)
    assert clean_text(unicode_to_vni(whole)) == whole


# --- Text that must not be touched ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định số 22/2017/QĐ-UBND của Ủy ban nhân dân tỉnh Khánh Hòa",
        "Cà Mau",
        "có bò ở đó",
        "Tô Thị Bé",
        "Ông bà",
        "The quick brown fox jumps over the lazy dog.",
        "café",
        "© 2024 Sở Thông tin và Truyền thông",
        "€ 100",
        "½ giờ",
        "5 µm",
        "José García Pérez, Herr Müller aus Köln",
        "¿Qué tal, señor? Crème brûlée à la carte",
        "Montréal, Québec — Øresund, Ærø, Þórshöfn",
        "«Hà Nội» 25 °C ± 2",
    ],
)
def test_unicode_english_and_latin1_text_is_left_alone(text):
    assert detect_legacy_encoding(text) == "unicode"
    assert clean_text(text) == text


def test_convert_legacy_false_keeps_mojibake():
    assert clean_text("QuyÕt ®Þnh\r\n", convert_legacy=False) == "QuyÕt ®Þnh\n"


# --- Ambiguous input ------------------------------------------------------------------------


def test_text_readable_in_both_encodings_is_refused():
    # given "ña ñi": VNI reads "đa đi", TCVN3 reads "ủa ủi" - both are Vietnamese
    text = "ña ñi"
    assert detect_legacy_encoding(text) == "ambiguous"
    # when it is cleaned
    # then it is refused with a Vietnamese message naming the field
    with pytest.raises(AmbiguousEncoding) as caught:
        clean_text(text, field="name")
    assert isinstance(caught.value, ValidationFailed)
    assert caught.value.code == ErrorCode.AMBIGUOUS_ENCODING
    assert "bảng mã cũ (TCVN3/VNI)" in caught.value.message
    assert caught.value.fields == {"name": [caught.value.message]}


def test_legacy_looking_text_that_no_table_explains_is_refused():
    # given mojibake with a wrong code (0xB8 is "á", so "Quyát" is no word) next to a real one
    with pytest.raises(AmbiguousEncoding):
        normalize_text("Quy\xb8t ®Þnh")


def test_unicode_mixed_with_legacy_text_is_refused():
    # given a paste that joins Unicode text and TCVN3 text
    with pytest.raises(AmbiguousEncoding):
        clean_text("Nguyễn Văn An - QuyÕt ®Þnh sè 22 vÒ viÖc")


def test_short_legacy_word_is_refused_rather_than_guessed():
    assert detect_legacy_encoding("Tµi") == "ambiguous"


# --- Syllables and folding ------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["quyết", "định", "Khương", "NGHIÊNG", "giữa", "hòa", "hoà", "oán"]
)
def test_vietnamese_syllables_are_recognised(word):
    assert is_vietnamese_syllable(word)
    assert is_vietnamese_syllable(_nfd(word))


@pytest.mark.parametrize(
    "word", ["quyát", "cuả", "tôt", "inh\u0300", "hòà", "hòan", "café", "ka", "®Þnh"]
)
def test_malformed_syllables_are_rejected(word):
    # "quyát" has no such rhyme, "cuả" has its tone on the glide, "tôt" lacks the sắc/nặng
    # tone that a -t final needs, "hòà" has two tones, "hòan" puts the tone on the medial,
    # "ka" uses k before a back vowel.
    assert not is_vietnamese_syllable(word)


def test_fold_removes_case_diacritics_and_d_stroke():
    assert fold("Quyết Định ĐÀ NẴNG") == "quyet dinh da nang"


def test_fold_is_the_same_for_nfc_and_nfd():
    assert (
        fold(_nfd(TITLE))
        == fold(TITLE)
        == (
            "quy dinh ve viec trao doi, luu tru, xu ly van ban dien tu trong cac co quan nha nuoc "
            "tinh khanh hoa"
        )
    )
