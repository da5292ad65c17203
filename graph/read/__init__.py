"""Read stage: a file of minutes (.txt, .md, .html, .pdf, .docx; any common encoding) -> `Document`.

The text is normalised once here (Unicode NFC, line ends, non-breaking spaces,
HTML and Markdown markup turned into plain lines); every later character offset
(span) points into this normalised text.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..vocab import slug

MAX_BYTES = 50 * 1024 * 1024  # minutes are a few MB at most; larger input is refused, not swallowed
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class ReadError(Exception):
    """A file that cannot be read as minutes. The message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


@dataclass
class Document:
    key: str  # identifies the document (its file name, as a slug)
    path: str
    text: str  # the normalised text that all spans point into
    sha256: str  # of the raw bytes
    format: str  # txt | md | html | pdf | docx
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]


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


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    return controls / len(sample) > 0.05


# --------------------------------------------------------------------------- HTML and Markdown


class _HtmlToText(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
             "section", "article", "header", "footer", "thead", "tbody", "blockquote", "dl", "dt", "dd", "hr", "title"}
    CELL = {"td", "th"}
    SKIP = {"script", "style", "head", "noscript", "template"}

    def __init__(self, keep_whitespace: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.keep_whitespace = keep_whitespace
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag == "li":
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
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"^\s*-{3,}\s*$", "", text, flags=re.M)  # table rules
    return text


# --------------------------------------------------------------------------- normalisation


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"[^\S\n\t]+\n", "\n", text)  # trailing spaces
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n ") + "\n" if text.strip() else ""


# --------------------------------------------------------------------------- formats


def _read_pdf(path: Path, raw: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ReadError(path, f"ødelagt eller ufuldstændig PDF ({exc})") from exc
    text = "\n\n".join(pages)
    if len(text.strip()) < 20:
        raise ReadError(path, f"PDF'en har intet tekstlag ({len(pages)} sider, kun billeder?) - kør OCR først")
    return text


def _read_docx(path: Path, raw: bytes) -> str:
    import zipfile

    from docx import Document as DocxDocument

    try:
        doc = DocxDocument(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(path, f"ødelagt Word-fil ({exc})") from exc
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row:
                        if cell.tag.endswith("}tc"):
                            cells.append(" ".join("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                                                  for p in cell.iter() if p.tag.endswith("}p")).strip())
                    lines.append("\t".join(cells))
    return "\n".join(lines)


def read_document(path: str | Path, raw: bytes | None = None, key: str | None = None) -> Document:
    """Read one file of minutes. Raises ReadError (naming file and reason) for input that is not minutes."""
    path = Path(path)
    if raw is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ReadError(path, f"kan ikke læses ({exc.strerror})") from exc
        if size > MAX_BYTES:
            raise ReadError(path, f"filen er for stor ({size / 1e6:.0f} MB; grænsen er {MAX_BYTES // 1_000_000} MB)")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ReadError(path, f"kan ikke læses ({exc.strerror})") from exc
    if len(raw) > MAX_BYTES:
        raise ReadError(path, f"filen er for stor ({len(raw) / 1e6:.0f} MB; grænsen er {MAX_BYTES // 1_000_000} MB)")
    if not raw.strip():
        raise ReadError(path, "filen er tom")

    suffix = path.suffix.lower()
    encoding = None
    warnings: list[str] = []
    if raw.startswith(b"%PDF") or suffix == ".pdf":
        fmt, text = "pdf", _read_pdf(path, raw)
    elif raw.startswith(b"PK\x03\x04") and suffix in (".docx", ".docm", ""):
        fmt, text = "docx", _read_docx(path, raw)
    elif suffix == ".docx":
        raise ReadError(path, "ikke en gyldig Word-fil (.docx er en zip-pakke)")
    else:
        text, encoding = decode_bytes(raw)
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
        key=key or slug(path.name), path=str(path), text=text,
        sha256=hashlib.sha256(raw).hexdigest(), format=fmt, encoding=encoding, warnings=warnings,
    )
