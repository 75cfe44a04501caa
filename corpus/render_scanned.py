"""Scanned copies of corpus reports: each page rendered to an image and back.

    python -m corpus.render_scanned [STEM ...]     # default: SCANNED_STEMS

A force's older papers often exist only as scans. This prints each page of a
corpus PDF as a 300 dpi black-and-white image, as an office scanner files a
letter (`pdftoppm -gray`, then a threshold: dithering, as `pdftoppm -mono`
does, breaks the strokes of small type and doubled OCR's misread words),
compresses it as CCITT Group 4 (Pillow) and wraps the images in a PDF with no
text layer at all (img2pdf), written to
tests/scanned/<stem>.pdf. Their goldens are the text PDFs' own,
tests/golden/<stem>.json: tests/test_ocr.py scores OCR extraction against them.
Needs poppler-utils (pdftoppm) and the dev extra (img2pdf, Pillow).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED_DIR = ROOT / "tests" / "scanned"
# Short reports, one per producer: a tracker table (html), a PCC response
# (reportlab) and a joint inspection typed in Word (docx); 12 pages in all.
SCANNED_STEMS = (
    "tracker-table-2018-west-midlands",
    "fam-pcc-response-2023-humberside",
    "fam-joint-2022-lincolnshire",
)
DPI = 300
THRESHOLD = 200
"""Grey levels above it become white: a scanner's darker setting, which keeps
thin strokes whole (text accuracy 0.67 at 170, 0.89 at 200, as good as grey)."""


def pdf_to_page_images(pdf_path: Path, folder: Path, dpi: int = DPI) -> list[Path]:
    """Each page of the PDF as an 8-bit grey PGM image in `folder`, in page order."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    subprocess.run(
        [pdftoppm, "-r", str(dpi), "-gray", str(pdf_path), str(folder / "page")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return sorted(folder.glob("page-*.pgm"))


def images_to_scanned_pdf(
    images: list[Path], pdf_path: Path, dpi: int = DPI, threshold: int = THRESHOLD
) -> None:
    """The grey page images, made black and white at `threshold`, as Group 4
    TIFFs in an image-only PDF at `pdf_path`.

    img2pdf embeds a G4 TIFF as it is (a CCITT stream, about 20 KB a page),
    with no dates, so the same pages always give the same bytes.
    """
    import img2pdf
    from PIL import Image

    tiffs = []
    for image in images:
        tiff = image.with_suffix(".tif")
        with Image.open(image) as page:
            black_and_white = page.point(lambda v: 255 if v > threshold else 0)
            black_and_white.convert("1").save(
                tiff, compression="group4", dpi=(dpi, dpi)
            )
        tiffs.append(str(tiff))
    # The internal engine, not pikepdf, whose /ID is random.
    engine = img2pdf.Engine.internal
    pdf_path.write_bytes(img2pdf.convert(tiffs, nodate=True, engine=engine))


def render_scanned(stem: str, out_dir: Path = SCANNED_DIR) -> Path:
    """corpus/<stem>.pdf -> tests/scanned/<stem>.pdf, a scan of it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="hmic-scan-") as folder:
        images = pdf_to_page_images(ROOT / "corpus" / f"{stem}.pdf", Path(folder))
        images_to_scanned_pdf(images, target)
    return target


def main(argv: list[str] | None = None) -> int:
    stems = (sys.argv[1:] if argv is None else argv) or list(SCANNED_STEMS)
    for stem in stems:
        target = render_scanned(stem)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
