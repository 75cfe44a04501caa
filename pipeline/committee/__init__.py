"""The committee update: the register in, an HTML or Markdown paper out.

Register ─▶ `figures.build_update` (pandas: every number computed once) ─▶
`CommitteeUpdate` ─▶ `sections.update_to_sections` (paragraphs, tables, quotes,
charts from `charts.draw_charts`) ─▶ `render.render_markdown` /
`render.render_html` (Jinja2 templates in templates/) ─▶ `render.write_report`
(the only function here that writes files).

The sentences and the tables of a section read the same DataFrame, so a
number in the text always agrees with the table beside it.
"""

from __future__ import annotations

from .charts import Chart, age_by_kind, draw_charts
from .figures import (
    AGE_BANDS,
    AGE_EDGES,
    RED_SECTION_TITLE,
    CommitteeUpdate,
    answering_items,
    build_update,
    changes_in_period,
    counts_by_report,
    described_items,
    item_history,
    item_label,
    overdue_items,
    received_reports,
    responses_due,
    slipped_targets,
    status_over_time,
)
from .render import render_html, render_markdown, write_report
from .sections import Block, Section, count_phrase, paper_title, update_to_sections

__all__ = [
    "AGE_BANDS", "AGE_EDGES", "RED_SECTION_TITLE", "Block", "Chart",
    "CommitteeUpdate", "Section", "age_by_kind", "answering_items",
    "build_update", "changes_in_period", "count_phrase", "counts_by_report",
    "described_items", "draw_charts", "item_history", "item_label",
    "overdue_items", "paper_title", "received_reports", "render_html",
    "render_markdown", "responses_due", "slipped_targets", "status_over_time",
    "update_to_sections", "write_report",
]  # fmt: skip
