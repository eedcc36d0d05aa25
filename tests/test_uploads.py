"""The shared upload checks: size, type by content, zip bombs, XML entities, CSV limits."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from tandem.uploads import UploadError, read_table


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def test_a_normal_workbook_and_csv_read_the_same() -> None:
    rows = [["name", "email"], ["Ann Lee", "ann@example.org"]]
    assert read_table(xlsx_bytes(rows), "people.xlsx") == rows
    assert read_table(b"name,email\nAnn Lee,ann@example.org\n", "people.csv") == rows


def test_type_is_judged_by_content_not_name() -> None:
    rows = [["name"], ["Ann"]]
    assert read_table(xlsx_bytes(rows), "people.csv") == rows
    with pytest.raises(UploadError, match="not an Excel workbook"):
        read_table(b"name\nAnn\n", "people.xlsx")
    with pytest.raises(UploadError, match="binary data"):
        read_table(b"\x00\x01\x02garbage", "people.csv")


def test_zip_bomb_is_refused_before_openpyxl_opens_it(settings) -> None:
    settings.TANDEM_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    bomb = _replace_member(
        xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", b"<x>" + b" " * (20 * 1024 * 1024)
    )
    assert len(bomb) < 100_000
    with pytest.raises(UploadError, match=r"too large once unpacked|suspiciously"):
        read_table(bomb, "bomb.xlsx")


def test_a_highly_compressed_part_is_refused() -> None:
    bomb = _replace_member(xlsx_bytes([["a"]]), "xl/styles.xml", b"<x>" + b"A" * (3 * 1024 * 1024))
    with pytest.raises(UploadError, match="suspiciously"):
        read_table(bomb, "bomb.xlsx")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData></worksheet>"""


def test_xml_entity_bomb_in_a_workbook_is_refused() -> None:
    hostile = _replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    with pytest.raises(UploadError, match="not a readable XLSX"):
        read_table(hostile, "lol.xlsx")


def test_size_and_row_and_column_limits(settings) -> None:
    settings.TANDEM_MAX_IMPORT_BYTES = 1000
    with pytest.raises(UploadError, match="larger than"):
        read_table(b"a\n" * 1000, "big.csv")
    settings.TANDEM_MAX_IMPORT_BYTES = 10_000_000
    settings.TANDEM_MAX_IMPORT_ROWS = 10
    with pytest.raises(UploadError, match="more than 10 rows"):
        read_table(b"a\n" * 20, "long.csv")
    with pytest.raises(UploadError, match="columns"):
        read_table(b",".join([b"x"] * 600) + b"\n", "wide.csv")
    with pytest.raises(UploadError, match="could not be read"):
        read_table(b'a\n"' + b"x" * 200_000 + b'"\n', "cell.csv")


def test_upload_form_refuses_a_file_over_the_limit_before_reading_it(settings) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.programmes.forms import ParticipantImportForm

    settings.TANDEM_MAX_IMPORT_BYTES = 100
    form = ParticipantImportForm(files={"file": SimpleUploadedFile("p.csv", b"x" * 200)})
    assert not form.is_valid()
    assert "larger than" in str(form.errors["file"])


WIDE_ROW = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData><row r="1">'
    + b"".join(b"<c><v>%d</v></c>" % (i * 7919 % 1_000_003) for i in range(300_000))
    + b"</row></sheetData></worksheet>"
)


def test_a_row_of_300000_cells_is_refused_before_openpyxl_builds_it(monkeypatch) -> None:
    # Issue 14: a 3 MB workbook with one huge row tied up a worker for 7 s before refusal.
    import openpyxl

    wide = _replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", WIDE_ROW)
    assert len(wide) < 3 * 1024 * 1024

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to open a workbook that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(UploadError, match="Row 1 has more than 500 columns"):
        read_table(wide, "wide.xlsx")


def test_a_cell_placed_far_to_the_right_is_refused_before_parsing() -> None:
    far = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData><row r="3"><c r="XFD3"><v>1</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(UploadError, match="Row 3 has more than 500 columns"):
        read_table(_replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", far), "f.xlsx")
