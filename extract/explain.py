"""`hmic extract --explain`: what became of every block of a report, and why.

For each block in reading order: its page, kind and text, the cues the span
rulers found in it, and what the item reader made of it (context, item
started, continued, ended, status, rejected, merged), naming the rule. An
analyst reads it to see why an item is missing; a developer, for every
failure on a document the rules were not built on.
"""

from __future__ import annotations

from pathlib import Path

from .items import blocks_to_cues, blocks_to_items
from .metadata import blocks_to_report
from .report import read_blocks


def explain_report(path: str | Path, width: int = 110) -> str:
    """The explanation of the PDF or .docx at `path`, as text."""
    blocks = read_blocks(path).blocks
    report = blocks_to_report(blocks)
    trace: dict[int, list[str]] = {}
    items = blocks_to_items(blocks, report, trace)
    cues = blocks_to_cues(blocks)
    lines = [
        f"{path}: {report.get('kind')} {report.get('title')!r}, "
        f"{len(blocks)} blocks, {len(items)} items"
    ]
    for index, block in enumerate(blocks):
        where = f"p{block.page} {block.kind}"
        if block.marker:
            where += f" {block.marker}"
        if block.table:
            where += f" {block.table} r{block.row} c{block.col}"
        text = block.text if len(block.text) <= width else block.text[: width - 1] + "…"
        lines.append(f"[{index}] {where}: {text}")
        for cue in cues[index]:
            lines.append(f"      cue {cue.label} {cue.rule}: {cue.text!r}")
        for what in trace.get(index, []):
            lines.append(f"      -> {what}")
    lines.append("items:")
    for number, item in enumerate(items):
        lines.append(
            f"  {number}. p{item['page']} {item['kind']} {item['number'] or ''} "
            f"({item['rule']}, confidence {item['confidence']}): "
            f"{item['text'][:width]}"
        )
    return "\n".join(lines) + "\n"


def explain_in_child(path: str) -> dict:
    """explain_report for the extraction child, which returns a dict."""
    return {"explain": explain_report(path)}
