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

from corpus.chromium import CHROMIUM, CHROMIUM_ARGS
from corpus.render_docx import fix_pdf_dates, pdf_stamp
from corpus.source import Block, Source, runs_to_tags

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


def runs_to_html(text: str, hyphenate=None) -> str:
    """Inline source markup -> HTML (soft hyphens as &shy;); `hyphenate` adds
    soft hyphens to each run's words first (a layout variant's justified text)."""

    def escape(words: str) -> str:
        if hyphenate is not None:
            words = hyphenate(words)
        return html.escape(words, quote=False).replace("\u00ad", "&shy;")

    return runs_to_tags(text, escape)


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


def blocks_to_html(blocks: tuple, to_block=None, to_html=runs_to_html) -> str:
    """Blocks -> HTML, each run of bullets one nested list; `to_block` sets
    every other block (default `block_to_html`), `to_html` a bullet's text."""
    to_block = to_block or block_to_html
    out, index = [], 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "bullet":
            run = []
            while index < len(blocks) and blocks[index].kind == "bullet":
                run.append(blocks[index])
                index += 1
            out.append(nested_list(run, to_html))
            continue
        out.append(to_block(block))
        index += 1
    return "\n".join(out)


def nested_list(bullets: list[Block], to_html=runs_to_html) -> str:
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
        out.append(f"<li>{to_html(block.text)}")
    out.append("</li>")
    while depth > 0:
        out.append("</ul></li>")
        depth -= 1
    out.append("</ul>")
    return "".join(out)


def block_to_html(block: Block, to_html=runs_to_html, to_blocks=None) -> str:
    """One block -> HTML; `to_html` sets a paragraph's words (a justified
    layout hyphenates them), `to_blocks` a box's blocks."""
    style = f' style="margin-left:{2.6 * block.level}em"' if block.level else ""
    if block.kind == "heading":
        return f"<h{block.level}>{runs_to_html(block.text)}</h{block.level}>"
    if block.kind == "paragraph":
        return f"<p{style}>{to_html(block.text)}</p>"
    if block.kind == "numbered":
        marker = html.escape(block.marker)
        return (
            f'<p class="num"{style}><span class="marker">{marker}</span>'
            f"{to_html(block.text)}</p>"
        )
    if block.kind == "box":
        return f'<div class="box">{(to_blocks or blocks_to_html)(block.children)}</div>'
    if block.kind == "table":
        return table_to_html(block.rows)
    if block.kind == "footnote":
        return f'<p class="footnote">{runs_to_html(block.text)}</p>'
    raise ValueError(f"unknown block kind {block.kind!r}")


# --------------------------------------------------------------------------
# Layout variants (corpus/render_variants.py): the same blocks, set otherwise.

LAYOUT_CSS = """
@page { size: A4; margin: 2.2cm MARGIN_RIGHT 2.2cm MARGIN_LEFT;
  @top-left { content: HEADER; font: 8pt Helvetica, Arial, sans-serif; color: #555;
    vertical-align: bottom; padding-bottom: 3pt; }
  @bottom-left { content: FOOTER; font: 8pt Helvetica, Arial, sans-serif; color: #555; }
  @bottom-right { content: counter(page); font: 9pt Helvetica, Arial, sans-serif; }
}
@page :first { @top-left { content: none; } }
body { font: SIZEpt/LEADING FAMILY; color: #111; margin: 0; text-align: ALIGN; }
h1 { font-size: 22pt; line-height: 1.2; margin: 2cm 0 0.6cm; text-align: left; }
h2 { font-size: 14pt; margin: HEAD2; break-after: avoid; text-align: left; }
h3 { font-size: 1.05em; margin: HEAD3; break-after: avoid; text-align: left; }
p { margin: 0 0 PARAGAP; }
p.num { padding-left: HANG; text-indent: NEGHANG; }
p.num > span.marker { display: inline-block; width: 2.6em; text-indent: 0; }
ul { margin: 0 0 PARAGAP; padding-left: 1.6em; }
ul ul { margin-bottom: 0; }
li { margin: 0 0 ITEMGAP; padding-left: 0.3em; }
ul.l0 { list-style-type: BULLET0; }
ul.l1 { list-style-type: BULLET1; }
ul.l2 { list-style-type: BULLET2; }
div.box { background: #eef1f4; border: 0.6pt solid #8a9bb0; padding: 0.4em 0.8em 0.1em;
  margin: 0.4em 0 0.8em; }
table { border-collapse: collapse; width: 100%; margin: 0.3em 0 0.8em;
  font-size: 0.85em; line-height: 1.25; text-align: left; }
th, td { border: 0.5pt solid #555; padding: 2pt 4pt; vertical-align: top; }
th { background: #e3e3e3; }
tr { break-inside: avoid; }
p.footnote { font-size: 7.5pt; line-height: 1.25; border-top: 0.5pt solid #999;
  padding-top: 2pt; width: 40%; }
div.columns { columns: 2; column-gap: 0.7cm; }
.pagebreak { break-before: page; }
div.gutter { margin-left: 3.3cm; }
.mlabel { float: left; width: 2.9cm; margin-left: -3.3cm; text-indent: 0;
  font-weight: bold; font-size: 0.85em; line-height: 1.25; color: #203864;
  text-align: left; }
"""


def css_list_glyph(glyph: str) -> str:
    return css_string(glyph + "\u2002")


def layout_css(layout) -> str:
    """A layout variant -> the document's CSS (HEADER/FOOTER still to fill)."""
    zero = layout.spacing == "zero"
    glyphs = layout.bullets
    values = {
        "MARGIN_LEFT": "1.6cm" if layout.labels == "margin" else "2.3cm",
        "MARGIN_RIGHT": "2.0cm",
        "SIZE": f"{layout.size:g}",
        "LEADING": "1.25" if zero else "1.4",
        "FAMILY": layout.family,
        "ALIGN": "justify" if layout.justify else "left",
        "HEAD2": "0.9em 0 0.2em" if zero else "1.1em 0 0.45em",
        "HEAD3": "0.6em 0 0" if zero else "0.9em 0 0.35em",
        "PARAGAP": "0" if zero else "0.65em",
        "ITEMGAP": "0" if zero else "0.25em",
        "NEGHANG": "-2.6em" if layout.hang else "0",
        "HANG": "2.6em" if layout.hang else "0",
        "BULLET0": css_list_glyph(glyphs[0]),
        "BULLET1": css_list_glyph(glyphs[1 % len(glyphs)]),
        "BULLET2": css_list_glyph(glyphs[2 % len(glyphs)]),
    }
    css = LAYOUT_CSS
    for name in sorted(values, key=len, reverse=True):
        css = css.replace(name, values[name])
    return css


class LayoutHtml:
    """Blocks -> HTML for one layout variant: labels as headings, run in or in
    the margin; soft hyphens in running text when it is justified."""

    def __init__(self, layout):
        from corpus.render_variants import soft_hyphenate

        self.layout = layout
        self.hyphenate = soft_hyphenate if layout.justify else None

    def text(self, text: str) -> str:
        return runs_to_html(text, self.hyphenate)

    def label(self, label: str, alone: bool) -> str:
        mode = self.layout.labels
        if mode == "heading":
            return f"<h3>{html.escape(label)}</h3>"
        if mode == "margin":
            tag = "div" if alone else "span"
            return f'<{tag} class="mlabel">{html.escape(label)}</{tag}>'
        return f"<b>{html.escape(label)}</b>" + ("" if alone else ": ")

    def blocks(self, blocks: tuple) -> str:
        return blocks_to_html(blocks, self.block, self.text)

    def block(self, block: Block) -> str:
        margin = f' style="margin-left:{2.6 * block.level}em"' if block.level else ""
        if block.kind == "label":
            if self.layout.labels == "runin":
                return f"<p>{self.label(block.text, alone=True)}</p>"
            return self.label(block.text, alone=True)
        if block.kind == "paragraph" and block.label:
            if self.layout.labels == "heading":
                return (
                    self.label(block.label, True)
                    + f"<p{margin}>{self.text(block.text)}</p>"
                )
            label = self.label(block.label, False)
            return f"<p{margin}>{label}{self.text(block.text)}</p>"
        return block_to_html(block, self.text, self.blocks)


def source_to_html(source: Source, layout=None) -> str:
    """Source -> one HTML document; pages split at [pagebreak].

    With a `layout` (corpus/render_variants.py) the CSS and the blocks follow
    that layout variant; without one the output is the corpus PDF's, unchanged.
    """
    meta = source.meta
    css = CSS if layout is None else layout_css(layout)
    css = css.replace("HEADER", css_string(str(meta.get("header") or ""))).replace(
        "FOOTER", css_string(str(meta.get("footer") or ""))
    )
    to_html = blocks_to_html if layout is None else LayoutHtml(layout).blocks
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
        if layout is not None and layout.labels == "margin" and number:
            classes.append("gutter")
        inner = to_html(tuple(page_blocks))
        sections.append(f'<div class="{" ".join(classes)}">{inner}</div>')
    title = html.escape(str(meta.get("title", "")))
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{css}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>"
    )


def render_pdf(source: Source, pdf_path: Path, layout=None) -> None:
    """Source -> HTML -> PDF with headless chromium's print-to-pdf."""
    with tempfile.TemporaryDirectory(prefix="hmic-html-") as tmp:
        work = Path(tmp)
        page = work / f"{source.stem}.html"
        page.write_text(source_to_html(source, layout), "utf-8")
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
