"""Hostile files made at test time: a real zip bomb, a workbook of chosen cells (shared by tests and benchmarks)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

FIXTURES = Path(__file__).parent / "data"

STREET = "2025-03/2025-03-west-yorkshire-street.csv"


def deflated_zeros(blocks: int, block: int = 64 << 20) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``blocks`` x ``block`` zero bytes, its CRC-32 and its expanded size.

    Each block is compressed after a full flush, which resets the compressor, so every block
    compresses to the same bytes: one is made and repeated (far quicker than compressing 1 GB).
    """
    zeros = bytes(block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    return one * blocks + compressor.flush(zlib.Z_FINISH), crc, blocks * block


def zip_of_one(name: str, stream: bytes, crc: int, size: int) -> bytes:
    """A zip archive of one deflated member, written field by field (APPNOTE 4.3)."""
    encoded = name.encode()
    fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(stream), size)
    local = b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded
    central = b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, 0)
    central += encoded
    offset = len(local) + len(stream)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), offset, 0)
    return local + stream + central + end


def sheet_with_cells(cells: str) -> bytes:
    """A minimal workbook whose one sheet holds the given cell XML."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'
    )
    book = io.BytesIO((FIXTURES / "indicator_wide.xlsx").read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet.encode() if info.filename.startswith("xl/worksheets/") else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def gigabyte_bomb() -> bytes:
    """About a megabyte of zip that expands to 1,088 MB: one street file of zeros (as the attack used)."""
    return zip_of_one(STREET, *deflated_zeros(17))
