import io

import pytest
from openpyxl import Workbook

from enforcement.imports import parse


def rows(sheet):
    return list(sheet.rows)


def test_a_utf8_bom_is_not_part_of_the_first_header_and_blank_lines_keep_their_numbers():
    sheet = parse.read(io.BytesIO('\ufeff外部编号,地址\nA,中山路\n,\nB,"北街\n2号"\n'.encode()), "x.csv")

    assert sheet.headers == ["外部编号", "地址"]
    assert rows(sheet) == [(2, ["A", "中山路"]), (4, ["B", "北街\n2号"])]


def test_gb18030_text_is_read_when_it_is_not_utf8():
    sheet = parse.read(io.BytesIO("外部编号,地址\nA,中山路\n".encode("gb18030")), "x.csv")

    assert sheet.headers == ["外部编号", "地址"]
    assert rows(sheet) == [(2, ["A", "中山路"])]


def test_a_workbook_is_read_by_its_content_whatever_its_name():
    workbook = Workbook()
    workbook.active.append(["外部编号", None])
    workbook.active.append(["A", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)

    sheet = parse.read(buffer, "history.csv")

    assert sheet.headers == ["外部编号", ""]
    assert rows(sheet) == [(2, ["A", 3])]


@pytest.mark.parametrize(
    ("data", "name"), [(b"", "x.csv"), (b"PK\x03\x04broken", "x.xlsx"), (b"text", "x.xlsx")]
)
def test_an_empty_or_broken_file_is_unreadable(data, name):
    with pytest.raises(parse.UnreadableFile):
        parse.read(io.BytesIO(data), name)
