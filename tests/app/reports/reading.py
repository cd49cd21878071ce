"""The summary read back from its files: figures from the PDF's text, tables from the CSV,
cells from the workbook's sheets."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

from tests.printing import reading

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def pdf_text(pdf: bytes) -> str:
    return reading.text(pdf, layout=True)


def figure(text: str, label: str) -> str:
    """The value printed right after ``label`` (the key figures stand two to a line)."""
    found = re.search(rf"{re.escape(label)}\s+(\S+)", text)
    assert found is not None, label
    return found.group(1)


def row(text: str, first: str, *, after: str = "") -> list[str]:
    """The cells after ``first`` on the first line that starts with it, below ``after``."""
    start = text.index(after) if after else 0
    for line in text[start:].splitlines():
        if line.strip().startswith(first):
            return line.strip()[len(first) :].split()
    raise AssertionError(f"no line starting with {first!r} after {after!r}")


def csv_sections(data: bytes) -> dict[str, list[list[str]]]:
    """Each table of the CSV file by its title: its header, rows and total."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sections: dict[str, list[list[str]]] = {"": []}
    current = ""
    for index, line in enumerate(lines):
        if not line:
            current = lines[index + 1][0]
            sections[current] = []
        elif line != [current]:
            sections[current].append(line)
    return sections


def xlsx_sheets(data: bytes) -> dict[str, dict[str, str]]:
    """Each sheet by its name: the cells' values by reference ("A6"), shared strings resolved."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        strings = [
            "".join(item.itertext())
            for item in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).findall(
                "m:si", _NS
            )
        ]
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {item.get("Id"): item.get("Target") for item in relations}
        listed = workbook.find("m:sheets", _NS)
        assert listed is not None
        sheets = {}
        for sheet in listed:
            xml = ElementTree.fromstring(archive.read(f"xl/{targets[sheet.get(_RELS)]}"))
            cells = {}
            for cell in xml.iter(f"{{{_NS['m']}}}c"):
                value = cell.find("m:v", _NS)
                if value is None or value.text is None:
                    continue
                text = value.text
                cells[cell.get("r") or ""] = strings[int(text)] if cell.get("t") == "s" else text
            sheets[sheet.get("name") or ""] = cells
        return sheets


def sheet_rows(cells: dict[str, str]) -> dict[str, list[str]]:
    """A sheet's rows by the text of their first cell: the values of the other columns."""
    by_row: dict[int, dict[str, str]] = {}
    for reference, value in cells.items():
        found = re.fullmatch(r"([A-Z]+)(\d+)", reference)
        assert found is not None
        by_row.setdefault(int(found.group(2)), {})[found.group(1)] = value
    return {
        columns["A"]: [columns[key] for key in sorted(columns) if key != "A"]
        for columns in by_row.values()
        if "A" in columns
    }
