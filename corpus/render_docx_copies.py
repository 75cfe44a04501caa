"""Word copies of corpus sources, for reading .docx directly (extract/docx.py).

    python -m corpus.render_docx_copies

A committee paper is written in Word; the corpus prints its docx sources to
PDF through LibreOffice (corpus/render_docx.py). This keeps the .docx
itself, as python-docx wrote it, in tests/docx/<name>.docx: the seed
committee paper as the corpus prints it (typed numbers, Symbol bullets, a
table, footnotes) and sources in the `word-list` layout variant (Word list
numbering, Wingdings bullets, labels as headings), whose goldens are
tests/golden/variants/<stem>--word-list.json; and the seed paper saved again
by LibreOffice (`<stem>--libreoffice.docx`: another producer's XML for the
same paper; needs soffice, skipped without it). tests/test_docx.py reads them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCX_DIR = ROOT / "tests" / "docx"
# (stem, layout variant or None for the source's own layout)
COPIES = (
    ("committee-update-2017-06-08", None),
    ("holdout2-tracker-2021-kent", "word-list"),
    ("holdout3-joint-cp-2019-norfolk", "word-list"),
)


def render_copy(stem: str, variant: str | None, out_dir: Path = DOCX_DIR) -> Path:
    """corpus/src/<stem>.hmic -> tests/docx/<stem>[--<variant>].docx."""
    from corpus.build import read_source
    from corpus.render_docx import source_to_docx
    from corpus.render_variants import VARIANT_MAX_FILLER, VARIANTS_BY_NAME

    path = ROOT / "corpus" / "src" / f"{stem}.hmic"
    layout = VARIANTS_BY_NAME[variant] if variant else None
    source = read_source(path, max_filler=VARIANT_MAX_FILLER if variant else None)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (f"{stem}--{variant}.docx" if variant else f"{stem}.docx")
    source_to_docx(source, target, layout)
    fix_zip_dates(target)
    return target


def fix_zip_dates(path: Path, stamp=(2017, 1, 1, 0, 0, 0)) -> None:
    """Rewrite the .docx (a zip) with every entry dated `stamp`, so the same
    source always gives the same bytes (python-docx dates them now)."""
    with zipfile.ZipFile(path) as old:
        entries = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in entries:
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED  # ZipInfo's default: stored
            new.writestr(entry, data)


def resave_with_libreoffice(docx_path: Path) -> Path | None:
    """<stem>.docx saved again by LibreOffice as <stem>--libreoffice.docx,
    or None without soffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    target = docx_path.with_name(f"{docx_path.stem}--libreoffice.docx")
    with tempfile.TemporaryDirectory(prefix="hmic-lo-") as folder:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
             "--convert-to", "docx:MS Word 2007 XML", "--outdir", folder,
             str(docx_path)],
            check=True, capture_output=True, timeout=240,
        )  # fmt: skip
        shutil.copyfile(Path(folder) / docx_path.name, target)
    fix_zip_dates(target)
    return target


def main() -> int:
    for stem, variant in COPIES:
        targets = [render_copy(stem, variant)]
        if variant is None:
            targets.append(resave_with_libreoffice(targets[0]))
        for target in filter(None, targets):
            size = target.stat().st_size // 1024
            print(f"{target.relative_to(ROOT)}: {size} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
