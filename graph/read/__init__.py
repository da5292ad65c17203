"""Read stage: a file of minutes (.txt, .md, .html, .pdf, .docx; any common encoding) -> `Document`.

The text is normalised once here (Unicode NFC, line ends, non-breaking spaces,
HTML and Markdown markup turned into plain lines); every later character offset
(span) points into this normalised text.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from ..vocab import slug
from .portal import PortalMeeting, is_portal_meeting, render as render_portal

MAX_BYTES = 50 * 1024 * 1024  # minutes are a few MB at most; larger input is refused, not swallowed
MB = 1024 * 1024  # sizes are shown in the same unit as the limit
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class ReadError(Exception):
    """A file that cannot be read as minutes. The message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = display_path(path), reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class Document:
    key: str  # identifies the document (its file name, as a slug)
    path: str
    text: str  # the normalised text that all spans point into
    sha256: str  # of the raw bytes
    format: str  # txt | md | html | pdf | docx
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    source: str | None = None  # where the minutes were published ("# source: <address>", or the portal's address)
    portal: PortalMeeting | None = None  # what a FirstAgenda meeting states as data (graph.read.portal)

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]


def display_path(path: str | Path) -> str:
    """A path as text that can always be printed and stored: bytes of a file name that are not UTF-8 become '\ufffd'."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


KEY_MAX = 80


def document_key(path: str | Path) -> str:
    """Documents are identified by file name, so that a changed file replaces its own graph. The key is the name
    as a slug; a name too long for KEY_MAX characters is cut and given a hash of the whole name, so that two long
    names that differ only at the end (a date) stay two documents."""
    name = display_path(Path(path).name)
    full = slug(name, max_len=len(name) + 1)
    if len(full) <= KEY_MAX:
        return full
    return f"{slug(name, max_len=KEY_MAX - 9)}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


def _too_big(path: str | Path, size: int) -> ReadError:
    return ReadError(path, f"filen er for stor ({size / MB:.0f} MB; grænsen er {MAX_BYTES // MB} MB)")


def check_size(path: Path) -> int:
    """The file's size, or ReadError when it cannot be read or is larger than MAX_BYTES (checked before reading)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(path, f"kan ikke læses ({exc.strerror or exc})") from exc
    if size > MAX_BYTES:
        raise _too_big(path, size)
    return size


def read_bytes(path: Path) -> bytes:
    """The file's bytes, never more than MAX_BYTES of them (a file that grows while it is read is refused)."""
    check_size(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReadError(path, f"kan ikke læses ({exc.strerror or exc})") from exc
    if len(raw) > MAX_BYTES:
        raise _too_big(path, len(raw))
    return raw


# --------------------------------------------------------------------------- decoding


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding). UTF-8 (with or without BOM), UTF-16 and cp1252/latin-1 are recognised."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    sample = raw[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without BOM: every other byte is NUL for Latin text
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        if max(even_nuls, odd_nuls) > len(sample) // 3:
            codec = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
            return raw.decode(codec, errors="replace"), codec
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Danish text from older Windows systems: cp1252 (a superset of latin-1 in the printable range)
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


# control characters other than line breaks, tabs and form feeds, and the replacement character of bad bytes
_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    controls = len(_CONTROLS_RE.findall(sample))  # a regex: ~10x faster than a Python loop over the characters
    return controls / len(sample) > 0.05


# --------------------------------------------------------------------------- HTML and Markdown


class _HtmlToText(HTMLParser):
    BLOCK = {
        "p",
        "div",
        "br",
        "tr",
        "table",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "thead",
        "tbody",
        "blockquote",
        "dl",
        "dt",
        "dd",
        "hr",
        "title",
    }
    CELL = {"td", "th"}
    SKIP = {"script", "style", "head", "noscript", "template"}

    def __init__(self, keep_whitespace: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.keep_whitespace = keep_whitespace
        self.skip_depth = 0
        self.lists: list[int | None] = []  # open lists: the last number of an <ol>, None for a <ul>

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag in ("ol", "ul"):
            start = next((v for k, v in attrs if k == "start" and v and v.isdigit()), None) if tag == "ol" else None
            self.lists.append((int(start) - 1 if start else 0) if tag == "ol" else None)
            self.parts.append("\n")
        elif tag == "li":
            if self.lists and self.lists[-1] is not None:  # an ordered list keeps its numbers: "1. at ..."
                self.lists[-1] += 1
                self.parts.append(f"\n{self.lists[-1]}. ")
            else:
                self.parts.append("\n- ")
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in self.CELL:
            self.parts.append("\t")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in ("ol", "ul"):
            if self.lists:
                self.lists.pop()
            self.parts.append("\n")
        elif tag in self.BLOCK or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skip_depth:
            return
        if not self.keep_whitespace:
            data = re.sub(r"\s+", " ", data)
        self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts)


def html_to_text(html: str, keep_whitespace: bool = False) -> str:
    parser = _HtmlToText(keep_whitespace)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # broken HTML: keep what was parsed, drop the tags crudely from the rest
        return re.sub(r"<[^>]{0,500}>", " ", html)
    return parser.text()


_HTML_TAG = re.compile(r"</?(p|br|div|table|tr|td|th|li|ul|ol|i|u|b|em|strong|span|h[1-6])\b[^>]*>", re.I)


def _has_markup(text: str) -> bool:
    return len(_HTML_TAG.findall(text[:200000])) >= 3


def strip_markdown(text: str) -> str:
    text = re.sub(r"\*\*([^*\n]+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(\*?[^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", text)  # no '*' inside: linear
    text = re.sub(r"\[([^\[\]]*)\]\([^()]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"^[^\S\n]*-{3,}[^\S\n]*$", "", text, flags=re.M)  # table rules
    return text


# --------------------------------------------------------------------------- normalisation


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"(?<![^\S\n\t])[^\S\n\t]+\n", "\n", text)  # trailing spaces
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n ") + "\n" if text.strip() else ""


# --------------------------------------------------------------------------- formats


def _read_pdf(path: Path, raw: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, LimitReachedError, KeyError ...) for bad input
        raise ReadError(path, f"ødelagt eller ufuldstændig PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n\n".join(pages)
    if len(text.strip()) < 20:
        raise ReadError(path, f"PDF'en har intet tekstlag ({len(pages)} sider, kun billeder?) - kør OCR først")
    return text


MAX_UNPACKED = 4 * MAX_BYTES  # what the text part of a .docx may unpack to (a zip bomb is refused, not unpacked)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _docx_part(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The main document part, as the package's relationships name it (almost always word/document.xml)."""
    name = "word/document.xml"
    try:
        rels = archive.getinfo("_rels/.rels")
        if rels.file_size < 1_000_000:
            for rel in ElementTree.fromstring(archive.read(rels)):
                if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("Target"):
                    name = rel.get("Target", name).lstrip("/")
    except (KeyError, ElementTree.ParseError):
        pass
    return archive.getinfo(name)


def _docx_text(element) -> str:
    return "".join(node.text or "" for node in element.iter(_W + "t"))


def _read_docx(path: Path, raw: bytes) -> str:
    """Paragraphs as lines and table rows as tab-separated cells, read straight from the document part as it
    unpacks (one top-level element in memory at a time): no library loads the whole package."""
    from lxml import etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        part = _docx_part(archive)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(path, f"ødelagt Word-fil ({exc})") from exc
    if part.file_size > MAX_UNPACKED:
        raise ReadError(
            path, f"Word-filens tekst fylder {part.file_size / MB:.0f} MB udpakket; grænsen er {MAX_UNPACKED // MB} MB"
        )
    lines: list[str] = []
    try:
        with archive.open(part) as stream:
            events = etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True, huge_tree=False)
            for _, element in events:
                parent = element.getparent()
                if parent is None or parent.tag != _W + "body":
                    continue
                if element.tag == _W + "p":
                    lines.append(_docx_text(element))
                elif element.tag == _W + "tbl":
                    for row in element.iter(_W + "tr"):
                        lines.append(
                            "\t".join(
                                " ".join(_docx_text(p) for p in cell.iter(_W + "p")).strip()
                                for cell in row
                                if cell.tag == _W + "tc"
                            )
                        )
                element.clear()  # comments, processing instructions and everything read are let go
                while element.getprevious() is not None:
                    del parent[0]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ReadError(path, f"ødelagt Word-fil ({type(exc).__name__}: {exc})") from exc
    return "\n".join(lines)


_SOURCE_LINE = re.compile(r"\A\ufeff?#\s*source:\s*(?P<source>\S{1,2000})[ \t]*\r?\n")


def _source_line(text: str) -> tuple[str | None, str]:
    """A first line `# source: <address>` (how harvested and collected minutes say where they were published) is
    metadata, not part of the minutes."""
    m = _SOURCE_LINE.match(text)
    return (m["source"], text[m.end() :]) if m else (None, text)


def _portal_json(raw: bytes) -> dict | None:
    """A FirstAgenda meeting's JSON (graph.read.portal), or None for anything else."""
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if is_portal_meeting(data) else None


def read_document(path: str | Path, raw: bytes | None = None, key: str | None = None) -> Document:
    """Read one file of minutes. Raises ReadError (naming file and reason) for input that is not minutes."""
    path = Path(path)
    if raw is None:
        raw = read_bytes(path)
    if len(raw) > MAX_BYTES:
        raise _too_big(path, len(raw))
    if not raw.strip():
        raise ReadError(path, "filen er tom")

    suffix = path.suffix.lower()
    encoding = source = portal = None
    warnings: list[str] = []
    if raw.startswith(b"%PDF") or suffix == ".pdf":
        fmt, text = "pdf", _read_pdf(path, raw)
    elif raw.startswith(b"PK\x03\x04") and suffix in (".docx", ".docm", ""):
        fmt, text = "docx", _read_docx(path, raw)
    elif suffix == ".docx":
        raise ReadError(path, "ikke en gyldig Word-fil (.docx er en zip-pakke)")
    elif (data := _portal_json(raw)) is not None:  # recognised by content, whatever the file is called
        source = data.get("_source") if isinstance(data.get("_source"), str) else None
        fmt, (text, portal) = "firstagenda", render_portal(data, source)
    else:
        text, encoding = decode_bytes(raw)
        source, text = _source_line(text)
        if _looks_binary(text):
            raise ReadError(path, "binære data, ikke tekst (forkert filtype?)")
        if encoding in ("cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"):
            warnings.append(f"tegnsæt genkendt som {encoding}")
        if suffix in HTML_SUFFIXES:
            fmt, text = "html", html_to_text(text)
        else:
            fmt = "md" if suffix in (".md", ".markdown") else "txt"
            if _has_markup(text):  # text exported from web systems often keeps HTML fragments
                text = html_to_text(text, keep_whitespace=True)
            text = strip_markdown(text)

    text = normalise_text(text)
    if not text.strip():
        raise ReadError(path, "ingen tekst efter udtræk")
    return Document(
        key=key or document_key(path),
        path=display_path(path),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        format=fmt,
        encoding=encoding,
        warnings=warnings,
        source=source,
        portal=portal,
    )
