"""Spreadsheets built in memory for the importer's tests: honest participants workbooks, and hostile ones.

The hostile ones are small files that unpack far beyond their size (a huge
cell, a huge shared string, entity expansion), parts whose zip directory lies,
stale dimensions and merged ranges to the sheet's last cell.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable

import openpyxl

HEADER = ["kode_peserta", "tahun", "program", "desa", "penyelenggara", "peran", "kabupaten_asal",
          "provinsi_asal", "usia", "status"]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"



def participant(i: int, **change) -> list:
    row = {"kode_peserta": f"P-{i:05d}", "tahun": 2023, "program": "Tata Rias", "desa": "Pare",
           "penyelenggara": "Dinas Sosial Kabupaten Kediri", "peran": "WPS", "kabupaten_asal": "Kabupaten Blitar",
           "provinsi_asal": "Jawa Timur", "usia": 27, "status": "Selesai"} | change
    return [row[h] for h in HEADER]


def workbook(rows: Iterable[list], build: Callable | None = None) -> bytes:
    """An XLSX written by openpyxl (as a program writes it: formulas without saved results)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Peserta"
    for row in rows:
        sheet.append(row)
    if build:
        build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def participants_workbook(n: int = 200, **changes: dict) -> bytes:
    """Participants 1..n under the header; ``changes`` maps 'row<spreadsheet row>' to cell changes."""
    return workbook([HEADER] + [participant(i, **changes.get(f"row{i + 1}", {})) for i in range(1, n + 1)])


def rewritten(content: bytes, changes: dict[str, Callable[[bytes], bytes | Iterable[bytes]]],
              added: dict[str, bytes | Iterable[bytes]] | None = None) -> bytes:
    """``content`` with some parts rewritten (a change may return chunks, streamed into the zip) or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
        for name, data in parts + list((added or {}).items()):
            if name in changes:
                data = changes[name](data)
            with target.open(name, "w") as part:
                for chunk in ([data] if isinstance(data, bytes) else data):
                    part.write(chunk)
    return out.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    return rewritten(content, {SHEET: lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                                                         xml)})


def with_merges(content: bytes, refs: Iterable[str]) -> bytes:
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    return rewritten(content, {SHEET: lambda xml: xml.replace(
        b"</sheetData>", f'</sheetData><mergeCells>{cells}</mergeCells>'.encode())})


def with_rows(content: bytes, rows_xml: str) -> bytes:
    """Extra ``<row>`` elements written at the end of the sheet's data."""
    return rewritten(content, {SHEET: lambda xml: xml.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")})


def repeated(prefix: bytes, fill: bytes, megabytes: int, suffix: bytes) -> Iterable[bytes]:
    """``prefix``, ``megabytes`` MB of ``fill``, ``suffix``: a part that inflates far beyond its packed size."""
    yield prefix
    chunk = fill * ((1 << 20) // len(fill))
    for _ in range(megabytes):
        yield chunk
    yield suffix


def with_shared_strings(content: bytes, strings: Iterable[bytes]) -> bytes:
    """``content`` whose first cell A1 is shared string 0, from a shared strings part made of ``strings``."""
    relation = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml" Id="rId99" /></Relationships>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return rewritten(content, {
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", relation),
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", override),
        SHEET: lambda xml: re.sub(rb'<c r="A1" t="inlineStr"><is><t>[^<]*</t></is></c>',
                                  b'<c r="A1" t="s"><v>0</v></c>', xml),
    }, added={"xl/sharedStrings.xml": strings})


def with_directory_size(content: bytes, part: str, size: int) -> bytes:
    """``content`` whose zip directory states ``size`` as the unpacked size of ``part`` (a lie)."""
    data = bytearray(content)
    name = part.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 46 + name_length + extra_length + comment_length)
    raise AssertionError(f"{part} not in the zip")


def with_end_record(content: bytes, entries: int, size: int) -> bytes:
    """``content`` whose zip end record states ``entries`` parts in a directory of ``size`` bytes (a lie)."""
    data = bytearray(content)
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HHI", data, end + 8, entries, entries, size)
    return bytes(data)


def many_parts(count: int) -> bytes:
    content = participants_workbook(2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        source = zipfile.ZipFile(io.BytesIO(content))
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for i in range(count):
            target.writestr(f"customXml/item{i}.xml", b"<a/>")
    return out.getvalue()


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{entities}]>'
           f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c>'
           "</row></sheetData></worksheet>").encode()
    return rewritten(participants_workbook(2), {SHEET: lambda _: xml})


def huge_inline_cell(megabytes: int) -> bytes:
    prefix = (f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>').encode()
    return rewritten(participants_workbook(2), {SHEET: lambda _: repeated(prefix, b"A", megabytes,
                                                                          b"</t></is></c></row></sheetData></worksheet>")})


def huge_shared_string(megabytes: int) -> bytes:
    prefix = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()
    return with_shared_strings(participants_workbook(2), repeated(prefix, b"B", megabytes, b"</t></si></sst>"))


def many_shared_texts(count: int) -> bytes:
    """A shared strings part of ``count`` entries (empty ones: they pack smallest, and count the same)."""
    prefix = f'<sst xmlns="{MAIN_NS}"><si><t>kode_peserta</t></si>'.encode()  # A1 reads as it did
    return with_shared_strings(participants_workbook(2), [prefix, b"<si/>" * (count - 1), b"</sst>"])


def header_only_workbook() -> bytes:
    return workbook([["DATA PESERTA PELATIHAN 2024"], [], HEADER])


def title_only_workbook() -> bytes:
    return workbook([["DATA PESERTA PELATIHAN 2024"], ["Dinas Sosial Kabupaten Kediri"]],
                    lambda book: book.active.merge_cells("A1:J1"))


def unsaved_formulas() -> bytes:
    rows = [HEADER, participant(1), participant(2, usia="=20+7"), participant(3, tahun="=2020+3"), participant(4)]
    return workbook(rows)
