"""Read stage: every format and encoding in, one normalised text out; bad input named with its reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from graph.read import ReadError, decode_bytes, html_to_text, read_document

SAMPLE = "Referat\n\n1. Godkendelse af dagsorden\nBeslutning: Godkendt. Æbler og Ørreder på Ålborgvej.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_danish_text_survives_every_common_encoding(tmp_path, encoding):
    path = tmp_path / "referat.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    document = read_document(path)
    assert "Æbler og Ørreder på Ålborgvej" in document.text
    assert document.sha256 and document.format == "txt"


def test_html_fragments_in_text_become_lines_and_scripts_are_dropped(tmp_path):
    path = tmp_path / "x.html"
    path.write_text(
        "<html><head><script>alert(1)</script></head><body><p>Beslutning:</p><ul><li>At godkende</li></ul>"
        "<table><tr><td>2019</td><td>4,3 mio. kr.</td></tr></table></body></html>",
        encoding="utf-8",
    )
    text = read_document(path).text
    assert "alert" not in text
    assert "- At godkende" in text
    assert "2019\t4,3 mio. kr." in text


def test_markdown_emphasis_is_removed(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("Plan **træning** og *Træningsklynge*\n", encoding="utf-8")
    assert read_document(path).text == "Plan træning og Træningsklynge\n"


def test_docx_paragraphs_and_tables(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("1. Godkendelse af dagsorden")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Kolding Kommune", "250.000"
    doc.save(tmp_path / "x.docx")
    text = read_document(tmp_path / "x.docx").text
    assert "1. Godkendelse af dagsorden" in text and "Kolding Kommune\t250.000" in text


def test_pdf_text_layer_is_read(tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = StreamObject()
    stream.set_data(b"BT /F1 12 Tf 20 150 Td (Punkt 1: Godkendelse af dagsorden) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(tmp_path / "x.pdf", "wb") as handle:
        writer.write(handle)
    assert "Punkt 1: Godkendelse af dagsorden" in read_document(tmp_path / "x.pdf").text


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "tom"),
        (b"   \n\n", "tom"),
        (bytes(range(256)) * 40, "binære data"),
        (b"%PDF-1.4\n%broken", "PDF"),
        (b"PK\x03\x04garbage", "Word"),
    ],
)
def test_bad_input_is_refused_with_file_and_reason(tmp_path, content, reason):
    suffix = ".docx" if content.startswith(b"PK") else ".pdf" if content.startswith(b"%PDF") else ".txt"
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def test_too_large_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    import graph.read as read

    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2000)
    with pytest.raises(ReadError, match="for stor"):
        read_document(path)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decoding_never_raises(raw):
    text, encoding = decode_bytes(raw)
    assert isinstance(text, str) and encoding


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_html_to_text_never_raises(text):
    assert isinstance(html_to_text(text), str)
