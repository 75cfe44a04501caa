"""Render a corpus Source to PDF through HTML + CSS and chromium (producer: html).

The running header and the page number are CSS page-margin boxes (`@page
{ @top-left … }`), suppressed on the first page with `@page :first`; two
columns are CSS columns. Chromium has no page-foot footnotes, so a footnote
is printed in small type after the block that carries its marker.
"""

from __future__ import annotations

import html
import subprocess
import tempfile
from pathlib import Path

from corpus.build import Block, Source, runs_to_tags
from corpus.chromium import CHROMIUM, CHROMIUM_ARGS
from corpus.render_docx import fix_pdf_dates, pdf_stamp

CSS = """
@page { size: A4; margin: 2.4cm 2.1cm 2.4cm 2.1cm;
  @top-left { content: HEADER; font: 8pt Helvetica, Arial, sans-serif; color: #555;
    border-bottom: 0.5pt solid #999; vertical-align: bottom; padding-bottom: 3pt; }
  @bottom-left { content: FOOTER; font: 8pt Helvetica, Arial, sans-serif; color: #555; }
  @bottom-right { content: counter(page); font: 9pt Helvetica, Arial, sans-serif; }
}
@page :first { @top-left { content: none; border: none; } }
body { font: 10.5pt/1.42 "Liberation Sans", Arial, sans-serif;
  color: #1d1d1b; margin: 0; }
h1 { font-size: 24pt; line-height: 1.2; color: #2b3f6c; margin: 2.2cm 0 0.6cm; }
h2 { font-size: 14pt; color: #2b3f6c; margin: 1.1em 0 0.45em; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 0.9em 0 0.35em; break-after: avoid; }
p { margin: 0 0 0.6em; }
p.num { padding-left: 2.6em; text-indent: -2.6em; }
p.num > span.marker { display: inline-block; width: 2.6em; text-indent: 0; }
ul { margin: 0 0 0.6em; padding-left: 1.6em; }
ul ul { margin-bottom: 0.1em; }
li { margin: 0 0 0.25em; }
ul.l0 { list-style-type: disc; }
ul.l1 { list-style-type: "\\2013  "; }
ul.l2 { list-style-type: square; }
div.box { background: #e6edf5; border-left: 4pt solid #2b3f6c;
  padding: 0.5em 0.9em 0.2em;
  margin: 0.5em 0 0.9em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; font-size: 9pt;
  line-height: 1.3; }
th, td { border: 0.6pt solid #666; padding: 3pt 4pt; vertical-align: top;
  text-align: left; }
th { background: #d5dce8; }
tr { break-inside: avoid; }
td.rag-red { background: #f4b6b0; } td.rag-amber { background: #fbd89a; }
td.rag-green { background: #bfe3b4; }
p.footnote { font-size: 7.5pt; line-height: 1.25; border-top: 0.5pt solid #999;
  padding-top: 2pt; width: 40%; }
div.columns { columns: 2; column-gap: 0.8cm; }
.pagebreak { break-before: page; }
"""


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def runs_to_html(text: str) -> str:
    """Inline source markup -> HTML (soft hyphens as &shy;)."""
    return runs_to_tags(
        text, lambda words: html.escape(words, quote=False).replace("\u00ad", "&shy;")
    )


RAG_CLASSES = {"red": "rag-red", "amber": "rag-amber", "green": "rag-green"}


def table_to_html(rows: tuple) -> str:
    head = "".join(f"<th>{runs_to_html(c)}</th>" for c in rows[0])
    body = []
    for row in rows[1:]:
        cells = []
        for cell in row:
            rag = RAG_CLASSES.get(cell.strip().lower())
            attr = f' class="{rag}"' if rag else ""
            cells.append(f"<td{attr}>{runs_to_html(cell)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def blocks_to_html(blocks: tuple) -> str:
    out, index = [], 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "bullet":
            run = []
            while index < len(blocks) and blocks[index].kind == "bullet":
                run.append(blocks[index])
                index += 1
            out.append(nested_list(run))
            continue
        out.append(block_to_html(block))
        index += 1
    return "\n".join(out)


def nested_list(bullets: list[Block]) -> str:
    """Bullets with levels -> well-formed nested <ul>/<li> HTML."""
    out, depth = [], -1
    for block in bullets:
        level = min(block.level, depth + 1)
        if level > depth:
            out.append(f'<ul class="l{level % 3}">')
            depth = level
        else:
            out.append("</li>")
            while depth > level:
                out.append("</ul></li>")
                depth -= 1
        out.append(f"<li>{runs_to_html(block.text)}")
    out.append("</li>")
    while depth > 0:
        out.append("</ul></li>")
        depth -= 1
    out.append("</ul>")
    return "".join(out)


def block_to_html(block: Block) -> str:
    if block.kind == "heading":
        return f"<h{block.level}>{runs_to_html(block.text)}</h{block.level}>"
    if block.kind == "paragraph":
        style = f' style="margin-left:{2.6 * block.level}em"' if block.level else ""
        return f"<p{style}>{runs_to_html(block.text)}</p>"
    if block.kind == "numbered":
        style = f' style="margin-left:{2.6 * block.level}em"' if block.level else ""
        marker = html.escape(block.marker)
        return (
            f'<p class="num"{style}><span class="marker">{marker}</span>'
            f"{runs_to_html(block.text)}</p>"
        )
    if block.kind == "box":
        return f'<div class="box">{blocks_to_html(block.children)}</div>'
    if block.kind == "table":
        return table_to_html(block.rows)
    if block.kind == "footnote":
        return f'<p class="footnote">{runs_to_html(block.text)}</p>'
    raise ValueError(f"unknown block kind {block.kind!r}")


def source_to_html(source: Source) -> str:
    """Source -> one HTML document; pages split at [pagebreak]."""
    meta = source.meta
    css = CSS.replace("HEADER", css_string(str(meta.get("header") or ""))).replace(
        "FOOTER", css_string(str(meta.get("footer") or ""))
    )
    pages, current = [], []
    for block in source.blocks:
        if block.kind == "pagebreak":
            pages.append(current)
            current = []
        else:
            current.append(block)
    pages.append(current)
    columns = int(meta.get("columns") or 1)
    sections = []
    for number, page_blocks in enumerate(pages):
        classes = ["pagebreak"] if number else []
        if columns == 2 and number:
            classes.append("columns")
        inner = blocks_to_html(tuple(page_blocks))
        sections.append(f'<div class="{" ".join(classes)}">{inner}</div>')
    title = html.escape(str(meta.get("title", "")))
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{css}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>"
    )


def render_pdf(source: Source, pdf_path: Path) -> None:
    """Source -> HTML -> PDF with headless chromium's print-to-pdf."""
    with tempfile.TemporaryDirectory(prefix="hmic-html-") as tmp:
        work = Path(tmp)
        page = work / f"{source.stem}.html"
        page.write_text(source_to_html(source), "utf-8")
        built = work / "out.pdf"
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                *CHROMIUM_ARGS,
                f"--user-data-dir={work / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={built}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        if not built.exists():
            raise RuntimeError(f"chromium did not write {built}")
        pdf_path.write_bytes(fix_pdf_dates(built.read_bytes(), pdf_stamp(source.meta)))
