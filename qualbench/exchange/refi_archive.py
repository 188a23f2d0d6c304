"""Opening untrusted REFI-QDA files: ZIP members read in memory, XML without entities.

A ``.qdpx`` comes from another person's machine and another program, so it is treated
as hostile until read:

* **Nothing is extracted to disk.** Members are looked up by name in the archive's
  directory and read into memory, so a member called ``../../.bashrc`` can never be
  written anywhere; such names (absolute, ``..``, drive letters, NUL) are still refused,
  because no REFI tool writes them and an archive that has them is not one to trust.
* **Zip bombs are refused before decompressing**: a cap on the number of members
  (checked from the end-of-central-directory record, before :mod:`zipfile` builds its
  index), on each member's declared size, on the total read, and on the compression
  ratio of large members (text and XML compress 3-20:1; a bomb 1000:1). Reads stop at
  the cap even if a header lies.
* **XML is parsed by defusedxml** with entity declarations and external references
  forbidden: no billion laughs, no ``<!ENTITY x SYSTEM "file:///etc/passwd">``.

Every refusal is an :class:`~qualbench.errors.InputFileError` naming the file (and the
member), so the CLI prints one line and the project is never touched.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from ..errors import InputFileError

MB = 2 ** 20


@dataclass(frozen=True)
class Limits:
    max_members: int = 20_000               # MAXQDA survey imports give one source per respondent
    max_member_bytes: int = 128 * MB        # one project.qde or one source text
    max_total_bytes: int = 512 * MB         # everything read from one archive
    max_ratio: int = 100                    # uncompressed : compressed, for members over ratio_floor
    ratio_floor: int = 1 * MB


LIMITS = Limits()
_DRIVE = re.compile(r"^[A-Za-z]:")


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < MB else f"{n / MB:,.1f} MB"


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    return (n.startswith("/") or bool(_DRIVE.match(n)) or "\x00" in n
            or any(part == ".." for part in n.split("/")))


def _declared_entries(path: Path) -> int | None:
    """Member count from the end-of-central-directory record (ZIP64 aware), or None."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            tail_len = min(size, 65_535 + 22)
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
            i = tail.rfind(b"PK\x05\x06")
            if i < 0 or len(tail) - i < 22:
                return None
            entries = struct.unpack("<H", tail[i + 10:i + 12])[0]
            if entries != 0xFFFF or i < 20 or tail[i - 20:i - 16] != b"PK\x06\x07":
                return entries
            offset = struct.unpack("<Q", tail[i - 12:i - 4])[0]
            fh.seek(offset)
            record = fh.read(56)
            if record[:4] != b"PK\x06\x06":
                return None
            return struct.unpack("<Q", record[32:40])[0]
    except (OSError, struct.error):
        return None


class Archive:
    """A ``.qdpx`` opened for reading: every member name checked, members read with caps."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or LIMITS
        self._read = 0
        declared = _declared_entries(self.path)
        if declared is not None and declared > self.limits.max_members:
            raise self.error(f"has {declared:,} members (limit {self.limits.max_members:,}): refused")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise self.error("is not a ZIP archive (a .qdpx project is one; a .qdc codebook is "
                             "plain XML: use the codebook import)") from None
        infos = self.zip.infolist()
        if len(infos) > self.limits.max_members:
            raise self.error(f"has {len(infos):,} members (limit {self.limits.max_members:,}): refused")
        seen: set[str] = set()
        for info in infos:
            if _unsafe_name(info.filename):
                raise self.error(f"member name '{info.filename}' points outside the archive "
                                 "(path traversal): refused")
            if info.filename in seen:
                raise self.error(f"member '{info.filename}' appears twice: refused")
            seen.add(info.filename)
        self.names = [i.filename for i in infos if not i.is_dir()]
        self.root = ""        # the folder holding the .qde, set by project_member()

    def error(self, message: str) -> InputFileError:
        return InputFileError(message, source=self.path)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- finding members ------------------------------------------------------------------
    def project_member(self) -> str:
        """The one ``*.qde`` at the root (ATLAS.ti 26 names it after the project).

        A project that was unzipped and zipped again (macOS Finder) has everything under
        one folder, plus ``__MACOSX/`` junk: that folder is then taken as the root.
        """
        names = [n for n in self.names
                 if not n.startswith("__MACOSX/") and not n.rsplit("/", 1)[-1].startswith("._")]
        qdes = [n for n in names if n.casefold().endswith(".qde")]
        for depth in (0, 1):
            found = [n for n in qdes if n.count("/") == depth]
            if len(found) > 1:
                standard = [n for n in found if n.rsplit("/", 1)[-1].casefold() == "project.qde"]
                if len(standard) != 1:
                    raise self.error(f"has {len(found)} project files ({', '.join(sorted(found))}); "
                                     "expected one .qde")
                found = standard
            if found:
                self.root = found[0].rsplit("/", 1)[0] + "/" if depth else ""
                return found[0]
        raise self.error("has no project.qde (not a REFI-QDA project)")

    def source_member(self, internal: str) -> str | None:
        """The member holding ``internal://<internal>``: in ``sources/`` of any case."""
        want = internal.replace("\\", "/").lstrip("/").casefold()
        if want.startswith("sources/"):
            want = want[len("sources/"):]
        folder = self.root + "sources/"
        matches = [n for n in self.names if n[:len(folder)].casefold() == folder.casefold()
                   and n[len(folder):].casefold() == want]
        return matches[0] if len(matches) == 1 else None

    # -- reading --------------------------------------------------------------------------
    def read(self, name: str) -> bytes:
        info = self.zip.getinfo(name)
        lim = self.limits
        if info.flag_bits & 0x1:
            raise self.error(f"member '{name}' is encrypted: cannot read it")
        if info.file_size > lim.max_member_bytes:
            raise self.error(f"member '{name}' is {_size(info.file_size)} uncompressed "
                             f"(limit {_size(lim.max_member_bytes)}): refused")
        if info.file_size > lim.ratio_floor and info.file_size > lim.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise self.error(f"member '{name}' compresses {ratio:,}:1 (limit {lim.max_ratio}:1): "
                             "refused as a possible zip bomb")
        if self._read + info.file_size > lim.max_total_bytes:
            raise self.error(f"more than {_size(lim.max_total_bytes)} to read: refused")
        cap = min(info.file_size, lim.max_member_bytes) + 1
        try:
            with self.zip.open(info) as fh:
                data = fh.read(cap)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise self.error(f"member '{name}' is damaged ({exc})") from None
        except NotImplementedError:
            raise self.error(f"member '{name}' uses a compression method Python cannot read") from None
        if len(data) > info.file_size:
            raise self.error(f"member '{name}' holds more than its header says: refused")
        self._read += len(data)
        return data


def parse_xml(data: bytes, *, source: Path, member: str = "") -> Element:
    """Parse untrusted XML: entities and external references refused, BOMs tolerated."""
    where = f"{member}: " if member else ""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.lstrip()   # QualCoder once wrote a BOM, others a newline, before <?xml
    try:
        return safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise InputFileError(f"{where}the XML declares entities: refused (entity expansion or "
                             "external entity attack)", source=source) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise InputFileError(f"{where}the XML refers to an external resource: refused",
                             source=source) from None
    except ParseError as exc:
        raise InputFileError(f"{where}not well-formed XML ({exc})", source=source) from None
    except (defusedxml.DefusedXmlException, ValueError) as exc:
        raise InputFileError(f"{where}refused XML ({exc})", source=source) from None
