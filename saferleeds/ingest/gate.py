"""The one gate every uploaded file passes through before a reader looks inside it.

Whatever a file is called and whichever way it comes (the Data page, ``validate``, ``ingest``,
``ingest-police-uk``, the police.uk fetcher, the build of the default), what it is is decided from
its bytes, never from its name, and every kind has bounds on what reading it may cost: bytes,
expanded bytes and members of a zip archive, rows and cells of a table, features and vertices of
a boundary file. Each bound is checked before the work it bounds, from what is cheap to know (a
file's size, a zip's table of contents, a Parquet file's metadata, a count of line ends), so a
file over a bound is refused in seconds with a message naming the file and the bound.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.text import quoted, shortened

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # one file (matches server.maxUploadSize in .streamlit/config.toml)
MAX_EXPANDED_BYTES = 1024 * 1024 * 1024  # everything a zip archive would expand to
MAX_ZIP_MEMBERS = 5000
MAX_COMPRESSION_RATIO = 200  # a member that expands more than this is treated as a zip bomb
ZIP_DIRECTORY_BYTES_PER_MEMBER = 1024  # a zip's table of contents needs far less than this per file


@dataclass(frozen=True)
class Bounds:
    """What reading one file of a kind may cost: rows (features) and cells (vertices)."""

    rows: int
    cells: int
    row_words: str = "rows"
    cell_words: str = "cells"


# A month of police.uk street crime for West Yorkshire is about 25,000 rows of 12 columns.
POLICE_UK_BOUNDS = Bounds(rows=5_000_000, cells=60_000_000)
# 488 LSOAs x 120 months x 17 indicators is about a million rows of a long table.
TABLE_BOUNDS = Bounds(rows=1_000_000, cells=10_000_000)
# Leeds has 488 LSOAs, drawn with about 60,000 vertices.
BOUNDARY_BOUNDS = Bounds(rows=100_000, cells=10_000_000, row_words="features", cell_words="vertices")
MAX_LAYERS = 100

FORMAT_WORDS = {
    "zip": "a zip archive",
    "xlsx": "an Excel workbook (.xlsx)",
    "shapefile": "a zipped Shapefile",
    "parquet": "a Parquet file",
    "gpkg": "a GeoPackage",
    "json": "a GeoJSON file",
    "text": "a text (CSV) file",
}
SUFFIX_FORMATS = {
    ".csv": ("text",),
    ".zip": ("zip", "shapefile"),
    ".xlsx": ("xlsx",),
    ".parquet": ("parquet",),
    ".gpkg": ("gpkg",),
    ".geojson": ("json",),
    ".json": ("json",),
}
OTHER_FORMATS = {  # files people give by mistake, known by their first bytes
    b"\xd0\xcf\x11\xe0": "an old-style Office file (such as .xls); save it as .xlsx or CSV",
    b"%PDF": "a PDF document, not data",
    b"\x1f\x8b": "a gzip-compressed file; decompress it first",
    b"7z\xbc\xaf": "a 7-Zip archive; make it a .zip",
    b"Rar!": "a RAR archive; make it a .zip",
}
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
SNIFF_BYTES = 64 * 1024
# what reading a hostile zip can raise: damage, encryption (RuntimeError), unknown compression methods
READ_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error)
READ_ERRORS += (RuntimeError, NotImplementedError, ValueError, KeyError)
XLSX_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
XLSX_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Upload:
    """One file given by a person: the name they gave it and its bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name.lower()).suffix


def _refuse(label: str, message: str) -> DataError:
    return DataError(Problem(label, message))


def _megabytes(size: float) -> str:
    return f"{size / 1024**2:,.0f} MB"


# ---------------------------------------------------------------- bytes


def check_upload_size(name: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise _refuse(
            name, f"the file is {_megabytes(size)}; files of up to {MAX_UPLOAD_BYTES // 1024**2} MB can be loaded"
        )


def read_upload(path: str | Path) -> Upload:
    """Read a file named on the command line, never more than the size bound (a device or pipe included)."""
    path = Path(path)
    label = file_label(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except FileNotFoundError as exc:
        raise _refuse(label, "file not found") from exc
    except IsADirectoryError as exc:
        raise _refuse(label, "this is a folder, not a file") from exc
    except PermissionError as exc:
        raise _refuse(label, "the file cannot be read (permission denied)") from exc
    except OSError as exc:
        raise _refuse(label, f"the file cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(label, f"the file is more than {MAX_UPLOAD_BYTES // 1024**2} MB, the most that can be loaded")
    return Upload(label, data)


def identify(upload: Upload) -> str:
    """What the file is, from its bytes: one of FORMAT_WORDS, or DataError for what cannot be loaded."""
    data = upload.data
    head = data[:8]
    if head.startswith(ZIP_SIGNATURES):
        return _zip_format(upload)
    if head.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    for magic, words in OTHER_FORMATS.items():
        if head.startswith(magic):
            raise _refuse(upload.name, f"this is {words}")
    start = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise _refuse(
            upload.name,
            "this is not a text file (it holds binary data) nor any file type that can be loaded; "
            "save tables as CSV, .xlsx or Parquet",
        )
    if start[:1] in (b"{", b"["):
        return "json"
    return "text"


def name_warning(upload: Upload, found: str) -> Problem | None:
    """A warning when the file's name says one kind and its bytes another (the bytes decide)."""
    expected = SUFFIX_FORMATS.get(upload.suffix)
    if expected is None:
        return Problem(
            upload.name,
            f"the name ends {quoted(upload.suffix or '(nothing)')}, not a file type that can be loaded; the file is "
            f"{FORMAT_WORDS[found]}, so it was read as one",
            severity="warning",
        )
    if found in expected:
        return None
    return Problem(
        upload.name,
        f"the name ends {upload.suffix} but the file is {FORMAT_WORDS[found]}; it was read as {FORMAT_WORDS[found]}",
        severity="warning",
    )


# ---------------------------------------------------------------- zip archives


def _zip_directory(data: bytes) -> tuple[int, int] | None:
    """(members, size of the table of contents) from the end record, read before the table itself."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    members, size = struct.unpack("<HI", data[end + 10 : end + 16])
    if (members == 0xFFFF or size == 0xFFFFFFFF) and end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", data[end - 12 : end - 4])
        record = data[offset : offset + 56]
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            members, size = struct.unpack("<QQ", record[32:48])
    return members, size


def open_zip(upload: Upload) -> zipfile.ZipFile:
    """Open a zip archive after checking its members, expanded size and compression ratios."""
    directory = _zip_directory(upload.data)
    if directory is None:
        raise _refuse(upload.name, "the zip archive is damaged or incomplete (was the download cut short?)")
    members, size = directory
    if members > MAX_ZIP_MEMBERS or size > MAX_ZIP_MEMBERS * ZIP_DIRECTORY_BYTES_PER_MEMBER:
        shown = f"{members:,} files" if members > MAX_ZIP_MEMBERS else "a table of contents for more files"
        raise _refuse(upload.name, f"the zip archive holds {shown}; at most {MAX_ZIP_MEMBERS:,} files can be read")
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        infos = archive.infolist()
    except READ_ERRORS as exc:
        raise _refuse(upload.name, "the zip archive is damaged or incomplete (was the download cut short?)") from exc
    _check_members(upload.name, infos)
    return archive


def _check_members(name: str, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _refuse(name, f"the zip archive holds {len(infos):,} files; at most {MAX_ZIP_MEMBERS:,} can be read")
    expanded = sum(m.file_size for m in infos)
    if expanded > MAX_EXPANDED_BYTES:
        raise _refuse(
            name,
            f"the zip archive would expand to {_megabytes(expanded)}, more than the "
            f"{MAX_EXPANDED_BYTES // 1024**2:,} MB limit; split it into smaller downloads",
        )
    for member in infos:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise _refuse(
                member_label(name, member.filename),
                f"this file in the zip archive expands more than {MAX_COMPRESSION_RATIO} times "
                "(a 'zip bomb'); it was not read",
            )


def member_label(name: str, member: str) -> str:
    return f"{name}!{shortened(member)}"


def _zip_format(upload: Upload) -> str:
    try:
        names = [m.lower() for m in open_zip(upload).namelist()]
    except DataError as exc:
        if upload.suffix == ".xlsx" and "damaged" in exc.problems[0].message:
            words = "this is not a readable Excel workbook (.xlsx); save it again from Excel"
            raise _refuse(upload.name, words) from exc
        raise
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.endswith(".shp") for n in names):
        return "shapefile"
    if "[content_types].xml" in names:
        raise _refuse(upload.name, "this is an Office document that is not an Excel workbook")
    return "zip"


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """One member's bytes; a damaged, encrypted or oddly compressed member is a DataError naming it."""
    return b"".join(stream_member(archive, member, name))


def stream_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    label = member_label(name, member.filename)
    try:
        with archive.open(member) as source:
            while chunk := source.read(CHUNK):
                yield chunk
    except READ_ERRORS as exc:
        words = "is encrypted" if member.flag_bits & 0x1 else "is damaged or incomplete (was the download cut short?)"
        raise _refuse(label, f"this file in the zip archive {words}; it cannot be read") from exc


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path if it stays inside the folder it is extracted to, else None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or any(part in ("..", "") for part in path.parts) or ":" in path.parts[0]:
        return None
    return path


def extract_members(upload: Upload, folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Extract only members with the expected suffixes into ``folder``; never outside it.

    Members whose paths would escape (``../``, absolute paths, drive letters) are refused; members
    of other types are skipped unread.
    """
    archive = open_zip(upload)
    root = folder.resolve()
    written: list[Path] = []
    for member in archive.infolist():
        if member.is_dir():
            continue
        relative = safe_member_path(member.filename)
        target = (root / relative).resolve() if relative is not None else None
        if target is None or root not in target.parents:
            raise _refuse(member_label(upload.name, member.filename), "this path leads outside the archive's folder")
        if target.suffix.lower() not in suffixes or target.name.startswith("._"):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            for chunk in stream_member(archive, member, upload.name):
                out.write(chunk)
        written.append(target)
    return written


# ---------------------------------------------------------------- rows and cells


def check_count(label: str, bounds: Bounds, rows: int, cells: int, what: str = "the file") -> None:
    """Refuse a file whose rows or cells (features or vertices) are over the bounds of its kind."""
    for count, bound, words in ((rows, bounds.rows, bounds.row_words), (cells, bounds.cells, bounds.cell_words)):
        if count > bound:
            raise _refuse(
                label,
                f"{what} is too large: {count:,} {words} were counted, and at most {bound:,} {words} can be read "
                "from one file; split it",
            )


def text_rows(data: bytes) -> int:
    """At least the number of rows a CSV parser can find in the bytes (quoted line ends count too)."""
    return max(data.count(b"\n"), data.count(b"\r")) + 1


def check_text(label: str, data: bytes, bounds: Bounds, rows_before: int = 0) -> int:
    """Bound a CSV by its line ends and its header's width before it is parsed; returns its rows."""
    rows = text_rows(data)
    end = data.find(b"\n")
    header = data if end < 0 else data[:end]
    width = header.count(b",") + header.count(b"\t") + header.count(b";") + 1
    check_count(label, bounds, rows_before + rows, rows * width)
    return rows


def check_parquet(upload: Upload, bounds: Bounds):  # -> pyarrow.parquet.ParquetFile
    """Open a Parquet file and bound it by its metadata (rows, columns, expanded size) before any data is read."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(upload.data))
        metadata = parquet.metadata
        schema = parquet.schema_arrow
    except Exception as exc:  # pyarrow raises several types for a foreign or damaged file
        raise _refuse(upload.name, "this is not a readable Parquet file") from exc
    nested = [f.name for f in schema if f.type.num_fields > 0]
    if nested:
        raise _refuse(upload.name, f"column {quoted(nested[0])} holds lists or records; give one value per cell")
    rows = sum(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups))
    check_count(upload.name, bounds, max(rows, metadata.num_rows), max(rows, metadata.num_rows) * len(schema))
    expanded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if expanded > MAX_EXPANDED_BYTES:
        raise _refuse(upload.name, f"the table would expand to {_megabytes(expanded)}; at most 1,024 MB can be read")
    return parquet


def check_workbook(upload: Upload, bounds: Bounds) -> None:
    """Bound a workbook by the rows and cells written in its sheets, counted before any sheet is parsed."""
    archive = open_zip(upload)
    rows = cells = 0
    for member in archive.infolist():
        if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename, re.IGNORECASE):
            continue
        tail = b""
        for chunk in stream_member(archive, member, upload.name):
            window = tail + chunk
            # a tag cut off by the end of the chunk is counted with the next one
            cut = window.rfind(b"<", max(0, len(window) - 64))
            cut = len(window) if cut < 0 else cut
            rows += len(XLSX_ROW.findall(window, 0, cut))
            cells += len(XLSX_CELL.findall(window, 0, cut))
            tail = window[cut:]
            check_count(upload.name, bounds, rows, cells, "the workbook")
        rows += len(XLSX_ROW.findall(tail))
        cells += len(XLSX_CELL.findall(tail))
    check_count(upload.name, bounds, rows, cells, "the workbook")


def check_geojson(upload: Upload) -> None:
    """Bound a GeoJSON file by its features and vertices (each vertex opens a bracket) before parsing."""
    features = upload.data.count(b'"Feature"')
    check_count(upload.name, BOUNDARY_BOUNDS, features, upload.data.count(b"["))


def check_binary_shapes(label: str, size: int, features: int) -> None:
    """Bound a GeoPackage or Shapefile: every vertex takes at least 16 bytes of its file."""
    check_count(label, BOUNDARY_BOUNDS, features, size // 16)
