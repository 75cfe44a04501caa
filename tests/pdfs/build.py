"""Build the small bad inputs in tests/pdfs (run once; the files are committed).

.venv/bin/python tests/pdfs/build.py   # needs reportlab (the corpus extra)
"""

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

OUT = Path(__file__).parent


def text_pdf(path, pages, encrypt=None):
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, invariant=1)
    for lines in pages:
        y = 780
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()


def raw_pdf(path, contents, declared=None, filters=None):
    """A hand-written PDF: one page per content stream; `declared` overrides /Count."""
    filters = filters or {}
    n = len(contents)
    objs = {}
    font = 3 + 2 * n
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {declared or n} >>".encode()
    for i, body in enumerate(contents):
        page, stream = 3 + 2 * i, 4 + 2 * i
        objs[page] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>"
        ).encode()
        filt = f" /Filter {filters[i]}" if i in filters else ""
        objs[stream] = (
            f"<< /Length {len(body)}{filt} >>\nstream\n".encode()
            + body
            + b"\nendstream"
        )
    objs[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objs[num] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for num in sorted(objs):
        out += f"{offsets[num]:010d} 00000 n \n".encode()
    trailer = f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\n"
    out += f"{trailer}startxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def page_text(words):
    return f"BT /F1 12 Tf 72 760 Td ({words}) Tj ET".encode()


def main():
    text_pdf(
        OUT / "two-pages.pdf",
        [
            [
                "Recommendation 1",
                "The force should review its crime recording by March 2017.",
            ],
            [
                "Area for improvement",
                "The force should improve how it supervises investigations.",
            ],
        ],
    )
    text_pdf(OUT / "encrypted-user-password.pdf", [["Secret text"]], encrypt="secret")
    (OUT / "not-a-pdf.pdf").write_bytes(
        b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n"
    )
    (OUT / "zero-bytes.pdf").write_bytes(b"")
    raw_pdf(OUT / "blank-page.pdf", [b"0 0 m 100 100 l S"])
    raw_pdf(
        OUT / "bad-second-page.pdf",
        [page_text("Page one"), b"Not really compressed.", page_text("Page three")],
        filters={1: "/LZWDecode"},
    )
    raw_pdf(
        OUT / "count-says-three.pdf",
        [page_text("Page one"), page_text("Page two")],
        declared=3,
    )
    raw_pdf(
        OUT / "all-pages-bad.pdf",
        [b"Not really compressed."],
        filters={0: "/LZWDecode"},
    )


if __name__ == "__main__":
    main()
