"""Where each field sits in each format, as positions in the lines joined without newlines.

Parsing and generating read the same table, so the two cannot disagree about a position.
Positions are 0-based Python slices; ICAO 9303 counts from 1 within each line.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.mrz.model import MrzFormat


@dataclass(frozen=True, slots=True)
class Layout:
    line_length: int
    line_count: int
    name: slice
    document_number: slice  # the nine principal characters
    document_number_check: int
    nationality: slice
    birth_date: slice
    birth_date_check: int
    sex: int
    expiry_date: slice
    expiry_date_check: int
    optional_data: slice
    optional_data_check: int | None  # TD3 only: the personal number has its own check
    optional_data_2: slice | None  # TD1 only
    composite_check: int | None  # visas have none
    composite_fields: tuple[slice, ...]
    # TD1, TD2 and TD3 continue a document number longer than nine characters in the
    # optional data; the visa parts of ICAO 9303 define no such rule.
    continues_long_number: bool

    @property
    def total_length(self) -> int:
        return self.line_length * self.line_count


# The two-line formats share one pattern: line 1 is code, state and name; line 2 starts
# with number, nationality, dates and sex, then optional data up to the end.
def _two_line(
    line_length: int, *, optional_check: bool, composite: bool, continues: bool
) -> Layout:
    line2 = line_length
    end = 2 * line_length
    optional_end = end - int(composite) - int(optional_check)
    return Layout(
        line_length=line_length,
        line_count=2,
        name=slice(5, line_length),
        document_number=slice(line2, line2 + 9),
        document_number_check=line2 + 9,
        nationality=slice(line2 + 10, line2 + 13),
        birth_date=slice(line2 + 13, line2 + 19),
        birth_date_check=line2 + 19,
        sex=line2 + 20,
        expiry_date=slice(line2 + 21, line2 + 27),
        expiry_date_check=line2 + 27,
        optional_data=slice(line2 + 28, optional_end),
        optional_data_check=optional_end if optional_check else None,
        optional_data_2=None,
        composite_check=end - 1 if composite else None,
        composite_fields=(
            (slice(line2, line2 + 10), slice(line2 + 13, line2 + 20), slice(line2 + 21, end - 1))
            if composite
            else ()
        ),
        continues_long_number=continues,
    )


LAYOUTS: dict[MrzFormat, Layout] = {
    MrzFormat.TD1: Layout(
        line_length=30,
        line_count=3,
        name=slice(60, 90),
        document_number=slice(5, 14),
        document_number_check=14,
        nationality=slice(45, 48),
        birth_date=slice(30, 36),
        birth_date_check=36,
        sex=37,
        expiry_date=slice(38, 44),
        expiry_date_check=44,
        optional_data=slice(15, 30),
        optional_data_check=None,
        optional_data_2=slice(48, 59),
        composite_check=59,
        composite_fields=(slice(5, 30), slice(30, 37), slice(38, 45), slice(48, 59)),
        continues_long_number=True,
    ),
    MrzFormat.TD2: _two_line(36, optional_check=False, composite=True, continues=True),
    MrzFormat.TD3: _two_line(44, optional_check=True, composite=True, continues=True),
    MrzFormat.MRVA: _two_line(44, optional_check=False, composite=False, continues=False),
    MrzFormat.MRVB: _two_line(36, optional_check=False, composite=False, continues=False),
}
