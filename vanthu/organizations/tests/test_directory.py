"""Agency-directory files: parsing (pure) and `vanthu import-agencies` end to end."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vanthu.core.models import JournalEntry
from vanthu.organizations.directory import (
    MAX_DIRECTORY_BYTES,
    DirectoryError,
    parse_directory,
    parse_directory_rows,
)
from vanthu.organizations.models import Agency

HEADER = "identifier,name,short_name,kind,parent_identifier,qd20_code,email,is_hosted\n"
PROVINCE = (
    "000.00.00.H34,Ủy ban nhân dân tỉnh Khánh Hòa,UBND,provincial_committee,,H34,"
    "ubnd@khanhhoa.gov.vn,1\n"
)
STTTT = (
    "000.00.12.H34,Sở Thông tin và Truyền thông,STTTT,department,000.00.00.H34,H34.12,"
    "stttt@khanhhoa.gov.vn,có\n"
)
PARTNER = "000.00.00.G22,Văn phòng Chính phủ,VPCP,central,,,,không\n"


def _problems(exc_info: pytest.ExceptionInfo[DirectoryError]) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in exc_info.value.problems]


def test_csv_rows_are_read_with_their_fields():
    # given a CSV directory with a header row
    data = (HEADER + PROVINCE + STTTT + PARTNER).encode()
    # when parsed
    rows = parse_directory(data, filename="danh-ba.csv")
    # then each agency keeps its fields, booleans in Vietnamese included
    assert [r.identifier for r in rows] == ["000.00.00.H34", "000.00.12.H34", "000.00.00.G22"]
    assert rows[1].name == "Sở Thông tin và Truyền thông"
    assert rows[1].parent_identifier == "000.00.00.H34"
    assert rows[1].qd20_code == "H34.12"
    assert [r.is_hosted for r in rows] == [True, True, False]
    assert rows[2].kind == "central"


def test_utf8_bom_is_accepted():
    # given the file Excel writes: UTF-8 with a byte-order mark
    data = b"\xef\xbb\xbf" + (HEADER + STTTT).encode()
    # then the first column is still "identifier"
    rows = parse_directory(data)
    assert rows[0].identifier == "000.00.12.H34"


def test_decomposed_vietnamese_is_stored_composed():
    # given a name typed with combining marks (NFD)
    import unicodedata

    name = unicodedata.normalize("NFD", "Sở Tư pháp")
    data = f"identifier,name,short_name\n000.00.03.H34,{name},STP\n".encode()
    # then it is normalised to NFC (TCVN 6909:2001)
    assert parse_directory(data)[0].name == unicodedata.normalize("NFC", "Sở Tư pháp")


def test_json_list_keeps_line_numbers():
    # given a JSON list spread over several lines
    data = json.dumps(
        [
            {"identifier": "000.00.00.H34", "name": "UBND tỉnh", "short_name": "UBND"},
            {
                "identifier": "000.00.13.H34",
                "name": "Sở Tài chính",
                "short_name": "STC",
                "kind": "department",
                "parent_identifier": "000.00.00.H34",
                "is_hosted": False,
            },
        ],
        ensure_ascii=False,
        indent=2,
    ).encode()
    # when parsed
    rows = parse_directory_rows(data)
    # then each row knows the line where its object starts
    assert [(r.line, r.data.short_name) for r in rows] == [(2, "UBND"), (7, "STC")]
    assert rows[1].data.is_hosted is False


def test_bad_identifier_is_reported_with_its_line():
    # given a CSV whose third line has an identifier without the province letter
    data = (
        HEADER + PROVINCE + "000.00.12.34,Sở Thông tin và Truyền thông,STTTT,department,,,,\n"
    ).encode()
    # when parsed
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data)
    # then the line and the bad value are named, and no row is returned
    [(line, message)] = _problems(exc_info)
    assert line == 3
    assert "000.00.12.34" in message
    assert "QCVN 102" in message


def test_every_bad_row_is_reported_at_once():
    # given two bad rows (unknown kind, bad e-mail) around a good one
    data = (
        HEADER
        + "000.00.12.H34,Sở TT&TT,STTTT,ministry,,,,\n"
        + PROVINCE
        + "000.00.13.H34,Sở Tài chính,STC,department,,,not-an-email,\n"
    ).encode()
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data)
    # then both are listed, by line
    problems = _problems(exc_info)
    assert [line for line, _ in problems] == [2, 4]
    assert "ministry" in problems[0][1]
    assert "not-an-email" in problems[1][1]
    assert "2 lỗi" in exc_info.value.message


def test_duplicate_identifier_names_the_first_line():
    data = (HEADER + PROVINCE + STTTT + STTTT.replace("STTTT,", "STTTT2,")).encode()
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data)
    [(line, message)] = _problems(exc_info)
    assert line == 4
    assert "000.00.12.H34" in message
    assert "dòng 3" in message


def test_quoted_multiline_cell_keeps_later_line_numbers():
    # given an address spanning two lines, then a bad row
    data = (
        "identifier,name,short_name,address\n"
        '000.00.12.H34,Sở Thông tin và Truyền thông,STTTT,"Số 1\nNha Trang"\n'
        "bad,Sở Tài chính,STC,\n"
    ).encode()
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data)
    assert [line for line, _ in _problems(exc_info)] == [4]


@pytest.mark.parametrize(
    ("data", "line", "needle"),
    [
        # Sở Tư pháp in TCVN3 (ABC), the legacy encoding: not UTF-8
        ((HEADER + STTTT).encode() + b"000.00.03.H34,S\xab T\xa6 ph\xb8p,STP,,,,,\n", 3, "TCVN3"),
        ("identifier,name\n".encode("utf-16"), 1, "UTF-16"),
        # a multi-byte character cut short
        (HEADER.encode() + b"000.00.12.H34,S\xe1\xbb,STTTT,,,,,\n", 2, "UTF-8"),
    ],
)
def test_other_encodings_are_refused_with_the_line(data, line, needle):
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data)
    [(found_line, message)] = _problems(exc_info)
    assert (found_line, needle in message) == (line, True)


def test_unknown_and_missing_columns_are_refused():
    data = "identifier,ten_co_quan\n000.00.12.H34,Sở TT&TT\n".encode()
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data)
    messages = [m for _, m in _problems(exc_info)]
    assert any("ten_co_quan" in m for m in messages)
    assert any("name" in m and "short_name" in m for m in messages)


def test_json_syntax_error_names_its_line():
    data = b'[\n  {"identifier": "000.00.12.H34", "name": "S", "short_name": "S"},\n  {oops}\n]'
    with pytest.raises(DirectoryError) as exc_info:
        parse_directory(data, filename="x.json")
    [(line, message)] = _problems(exc_info)
    assert line == 3
    assert "JSON" in message


def test_too_large_and_empty_files_are_refused():
    with pytest.raises(DirectoryError, match="quá lớn"):
        parse_directory(b" " * (MAX_DIRECTORY_BYTES + 1))
    with pytest.raises(DirectoryError, match="không có cơ quan"):
        parse_directory(HEADER.encode())


# --- `vanthu import-agencies` -----------------------------------------------------------------


def _import(path, *extra):
    out, err = StringIO(), StringIO()
    call_command("import_agencies", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db
def test_import_creates_then_updates_and_leaves_the_rest(tmp_path):
    # given a directory whose child comes before its parent
    path = tmp_path / "danh-ba.csv"
    path.write_text(HEADER + STTTT + PROVINCE + PARTNER, encoding="utf-8")
    # when imported
    output = _import(path)
    # then all three agencies exist, linked to their parent, each with a journal record
    assert "3 tạo mới, 0 cập nhật, 0 không đổi" in output
    sttt = Agency.objects.get(identifier="000.00.12.H34")
    assert sttt.parent is not None
    assert sttt.parent.identifier == "000.00.00.H34"
    assert Agency.objects.get(identifier="000.00.00.G22").is_hosted is False
    assert JournalEntry.objects.filter(action="agency.import").count() == 3

    # when the same file comes back with one name changed
    path.write_text(
        HEADER + STTTT.replace("Sở Thông tin", "Sở Thông Tin") + PROVINCE + PARTNER,
        encoding="utf-8",
    )
    output = _import(path)
    # then one is updated and two are left alone
    assert "0 tạo mới, 1 cập nhật, 2 không đổi" in output
    assert Agency.objects.get(identifier="000.00.12.H34").name == "Sở Thông Tin và Truyền thông"
    assert JournalEntry.objects.filter(action="agency.import").count() == 4


@pytest.mark.django_db
def test_import_of_a_bad_file_stores_nothing(tmp_path):
    # given a file with good rows and one bad identifier
    path = tmp_path / "danh-ba.csv"
    path.write_text(HEADER + PROVINCE + STTTT.replace("000.00.12.H34", "12.H34"), "utf-8")
    # when imported, the command fails with the Vietnamese error naming the line
    err = StringIO()
    with pytest.raises(CommandError) as exc_info:
        call_command("import_agencies", str(path), stderr=err)
    assert "Dòng 3" in exc_info.value.args[0] or "Dòng 3" in err.getvalue()
    # and nothing is stored, not even the good rows
    assert Agency.objects.count() == 0
    assert JournalEntry.objects.count() == 0


@pytest.mark.django_db
def test_import_with_an_unknown_parent_is_all_or_nothing(tmp_path):
    # given a valid file whose second agency names a parent that exists nowhere
    path = tmp_path / "danh-ba.json"
    path.write_text(
        json.dumps(
            [
                {"identifier": "000.00.00.H34", "name": "UBND tỉnh", "short_name": "UBND"},
                {
                    "identifier": "000.00.13.H34",
                    "name": "Sở Tài chính",
                    "short_name": "STC",
                    "parent_identifier": "000.00.00.H99",
                },
            ]
        ),
        "utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="chưa lưu gì"):
        call_command("import_agencies", str(path), stderr=err)
    assert "cấp trên" in err.getvalue()
    assert Agency.objects.count() == 0
    assert JournalEntry.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_counts_without_storing(tmp_path):
    path = tmp_path / "danh-ba.csv"
    path.write_text(HEADER + PROVINCE + STTTT, "utf-8")
    output = _import(path, "--dry-run")
    assert "2 tạo mới" in output
    assert Agency.objects.count() == 0
    assert JournalEntry.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("import_agencies", str(tmp_path / "khong-co.csv"))
