"""Agency identifiers: QCVN 102:2016 form and QĐ 20/2020 electronic codes."""

from __future__ import annotations

import pytest

from vanthu.organizations.identifiers import IdentifierError, parse_identifier, validate_qd20_code


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        ("000.00.00.G22", 1),  # Văn phòng Chính phủ (standards.md §2.1)
        ("000.00.00.H34", 1),
        ("000.00.14.H20", 2),  # Sở TT&TT Đồng Tháp
        ("000.01.20.H34", 3),
        ("001.01.20.H34", 4),
    ],
)
def test_valid_identifiers_parse_with_their_depth(value, depth):
    ident = parse_identifier(value)
    assert str(ident) == value
    assert ident.depth == depth


def test_surrounding_spaces_are_ignored():
    assert str(parse_identifier("  000.00.12.H34 ")) == "000.00.12.H34"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "000.00.12.h34",  # lower-case level-1 letter
        "000.00.12.H3",  # level 1 too short
        "00.00.12.H34",  # level 4 too short
        "000-00-12-H34",  # wrong separators
        "000.00.12.H34.1",  # too many groups
        "000.00.12.Z34",  # Z is reserved for other organisations (QĐ 20)
        "000.00.\uff112.H34",  # full-width digit
        "000.05.00.H34",  # level 3 without level 2
        "001.00.12.H34",  # level 4 without level 3
    ],
)
def test_malformed_identifiers_are_refused_in_vietnamese(value):
    with pytest.raises(IdentifierError) as excinfo:
        parse_identifier(value)
    assert "mã định danh" in str(excinfo.value).lower()


@pytest.mark.parametrize("value", ["H34", "H34.12", "H37.02.02", "H55.242"])
def test_valid_qd20_codes(value):
    assert validate_qd20_code(value) == value


@pytest.mark.parametrize("value", ["h34", "34.12", "H34..1", "Z01.123", "H34." + "1" * 40])
def test_invalid_qd20_codes(value):
    with pytest.raises(IdentifierError):
        validate_qd20_code(value)
