"""The committee paper's sections as Markdown or one self-contained HTML page,
from the Jinja2 templates beside this module, and the one function that writes
files."""

from __future__ import annotations

import base64
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from ..tabular import read_register
from .charts import draw_charts
from .figures import CommitteeUpdate, build_update
from .sections import Section, _text, paper_title, update_to_sections


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.committee", "templates"),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["text"] = _text
    environment.filters["md_cell"] = _markdown_cell
    environment.filters["base64"] = lambda data: base64.b64encode(data).decode("ascii")
    environment.tests["number"] = lambda value: isinstance(value, int)
    return environment


def _markdown_cell(value: object) -> str:
    return _text(value).replace("|", "\\|").replace("\n", " ")


def _rows(table: pd.DataFrame) -> list[tuple]:
    return list(table.itertuples(index=False))


def render_markdown(
    update: CommitteeUpdate, sections: list[Section], chart_files: dict[str, str]
) -> str:
    """The paper as Markdown (templates/paper.md.j2); a chart is a link to
    `chart_files[chart.name]`."""
    template = _environment(False).get_template("paper.md.j2")
    text = template.render(
        title=paper_title(update), sections=sections, chart_files=chart_files,
        rows=_rows,
    )  # fmt: skip
    return text.rstrip() + "\n"


def render_html(update: CommitteeUpdate, sections: list[Section]) -> str:
    """The paper as one self-contained HTML page (templates/paper.html.j2, CSS
    inline, charts as data URIs)."""
    css = (
        resources.files("pipeline")
        .joinpath("templates/committee.css")
        .read_text("utf-8")
    )
    template = _environment(True).get_template("paper.html.j2")
    return template.render(
        title=paper_title(update), sections=sections, css=css, rows=_rows
    )


def write_report(
    db_path: str | Path,
    output: str | Path,
    since: date,
    until: date,
    force: str | None = None,
    fmt: str = "html",
) -> list[Path]:
    """Read the register, write the paper to `output`; return the files written.

    Markdown writes each chart as `<output stem>-<chart name>.png` beside it.
    """
    update = build_update(read_register(db_path), since, until, force)
    charts = draw_charts(update)
    sections = update_to_sections(update, charts)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        output.write_text(render_html(update, sections), encoding="utf-8")
        return [output]
    chart_files = {c.name: f"{output.stem}-{c.name}.png" for c in charts.values()}
    written = []
    for chart in charts.values():
        path = output.with_name(chart_files[chart.name])
        path.write_bytes(chart.png)
        written.append(path)
    output.write_text(render_markdown(update, sections, chart_files), encoding="utf-8")
    return [output, *written]
