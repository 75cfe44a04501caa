"""The committee paper as sections of blocks (paragraphs, headings, quotes,
bullets, tables, charts), made from a `CommitteeUpdate` only."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..vocabulary import KIND_NAMES, KINDS, RAGS, STATUS_NAMES
from .charts import Chart
from .figures import (
    LISTED_TEXT_CHARS,
    RED_SECTION_TITLE,
    CommitteeUpdate,
    _present,
)


@dataclass(frozen=True)
class Block:
    """A piece of a section: paragraph, heading, quote, bullets, table or chart."""

    kind: str
    text: str = ""
    lines: tuple[str, ...] = ()
    table: pd.DataFrame | None = None
    widths: tuple[int, ...] = ()  # per-column percentages (HTML); () sizes to fit
    chart: Chart | None = None


@dataclass(frozen=True)
class Section:
    """A numbered section of the paper. Sections flow on, as the seed paper's
    do; an `appendix` (a long list of items) is printed after the others, as
    Appendix A, B …, the first on a new page (HTML; Markdown keeps the order)."""

    title: str
    blocks: tuple[Block, ...]
    appendix: bool = False


def count_phrase(count: int, kind: str) -> str:
    """ "1 recommendation", "2 areas for improvement", "0 causes of concern"."""
    singular, plural = KIND_NAMES[kind]
    return f"{count} {singular if count == 1 else plural}"


def _join(phrases: list[str]) -> str:
    return (
        phrases[0]
        if len(phrases) == 1
        else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    )


def _day(value: object) -> str:
    """ISO date → "2 March 2017"; anything else as given, or "not set"."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return "not set"
    stamp = pd.to_datetime(value, errors="coerce", format="ISO8601")
    return f"{stamp.day} {stamp:%B %Y}" if not pd.isna(stamp) else str(value)


def _text(value: object, default: str = "") -> str:
    return str(value) if _present(value) else default


def update_to_sections(
    update: CommitteeUpdate, charts: dict[str, Chart]
) -> list[Section]:
    """The paper's sections in order, each made of Blocks from `update` only."""
    return [
        _purpose_section(update),
        _received_section(update),
        _red_section(update),
        _changes_section(update, charts),
        _slipped_section(update),
        *([_overdue_section(update)] if len(update.overdue) else []),
        _responses_section(update),
        _counts_section(update, charts),
        _open_by_report_section(update),
        *([_information_section(update)] if len(update.information) else []),
        Section(
            "Recommendations",
            (Block("paragraph", "The Committee to note the contents of the report."),),
        ),
    ]


def _purpose_section(update: CommitteeUpdate) -> Section:
    totals = update.totals
    scope = f" for {update.force} and national reports" if update.force else ""
    return Section(
        "Purpose of report",
        (
            Block(
                "paragraph",
                "To provide members of the Committee with oversight of HMIC "
                "recommendations.",
            ),
            Block(
                "paragraph",
                f"This paper covers {_day(update.since)} to {_day(update.until)}"
                f"{scope}, from the recommendations register.",
            ),
            Block(
                "bullets",
                lines=(
                    f"Inspection reports received: {totals['received']}",
                    f"Outstanding items: {totals['outstanding']}, "
                    f"of which graded Red: {totals['red']}",
                    "Items closed, superseded or re-graded in the period: "
                    f"{totals['changes']}",
                    "Outstanding items whose target date has slipped: "
                    f"{totals['slipped']}",
                    *_overdue_bullet(totals),
                    "Police and crime commissioner responses due: "
                    f"{totals['responses']}, "
                    f"overdue: {totals['overdue']}",
                ),
            ),
        ),
    )


def _received_section(update: CommitteeUpdate) -> Section:
    received = update.received
    blocks: list[Block] = []
    if received.empty:
        blocks.append(
            Block("paragraph", "No inspection reports were published in the period.")
        )
    for _, row in received.iterrows():
        blocks.append(Block("heading", _text(row["title"], "(untitled report)")))
        blocks.append(Block("paragraph", _received_sentence(row)))
    if not received.empty:
        table = pd.DataFrame(
            {
                "Report": received["title"],
                "Published": received["published"].map(_day),
                "Inspectorates": received["inspectorates"],
                "Recs": received["recommendation"],
                "Causes of concern": received["cause_of_concern"],
                "AFIs": received["area_for_improvement"],
                "Repeats": received[[f"repeat_{k}" for k in KINDS]].sum(axis=1),
            }
        )
        blocks.append(Block("table", table=table, widths=(36, 14, 14, 8, 10, 8, 10)))
    return Section(
        "Inspection reports received since the previous committee", tuple(blocks)
    )


def _received_sentence(row: pd.Series) -> str:
    names = row["inspectorates"].split(", ") if row["inspectorates"] else []
    inspectorates = _join(names) if names else "the inspectorate"
    contains = _join([count_phrase(int(row[k]), k) for k in KINDS])
    published = _day(row["published"])
    text = (
        f"Published on {published} by {inspectorates}, the report contains {contains}."
    )
    repeated = [
        f"{int(row[f'repeat_{k}'])} of the {KIND_NAMES[k][1]}"
        for k in KINDS
        if row[f"repeat_{k}"]
    ]
    if repeated:
        text += (
            f" In the case of {_join(repeated)}, there was continuity with the "
            "findings of an earlier report."
        )
    return text


def _red_section(update: CommitteeUpdate) -> Section:
    red = update.red
    counts = red["kind"].value_counts()
    if red.empty:
        lead = "There are currently no outstanding items graded as Red."
    else:
        phrases = [count_phrase(int(counts[k]), k) for k in KINDS if k in counts]
        verb = "is" if len(red) == 1 else "are"
        lead = f"There {verb} currently {_join(phrases)} graded as Red."
    blocks = [Block("paragraph", lead)]
    # A Red recommendation already quoted under its Red cause of concern is not
    # quoted again, as the seed paper quotes the two together.
    quoted = {i for answers in update.red_answers.values() for i in answers["id"]}
    listed = red[~red["id"].isin(quoted)]
    for index, (_, item) in enumerate(listed.iterrows(), start=1):
        blocks.extend(_red_item_blocks(index, item, update))
    return Section(RED_SECTION_TITLE, tuple(blocks))


def _red_item_blocks(
    index: int, item: pd.Series, update: CommitteeUpdate
) -> list[Block]:
    history = update.red_history[item["id"]]
    report = _text(item["report"], "unknown report")
    facts = (
        f"Source: {report}, published {_day(item['published'])}",
        f"Status: {STATUS_NAMES.get(item['status'], item['status'])}; "
        f"owner: {_text(item['owner'], 'not assigned')}; "
        f"target date: {_day(item['target_date'])}",
    )
    lines = tuple(_history_line(row) for _, row in history.iterrows())
    return [
        Block("heading", f"({_roman(index)}) {item['label']} from {report}"),
        Block("quote", _text(item["text"])),
        *_answer_blocks(update.red_answers[item["id"]]),
        Block("bullets", lines=facts),
        Block("paragraph", "History:" if lines else "History: no changes recorded."),
        *([Block("bullets", lines=lines)] if lines else []),
    ]


def _history_line(row: pd.Series) -> str:
    day = row["day"].strftime("%Y-%m-%d") if not pd.isna(row["day"]) else "undated"
    field_name = str(row["field"]).replace("_", " ")
    text = f"{day}: {field_name} {_text(row['value'], 'cleared')}"
    if _present(row["printed"]):
        text += f" (printed “{row['printed']}”)"
    text += f", {row['report'] if _present(row['report']) else row['source']}"
    return text + (f": {row['note']}" if _present(row["note"]) else "")


def _roman(number: int) -> str:
    numerals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, numeral in numerals:
        while number >= value:
            out, number = out + numeral, number - value
    return out


def _changes_section(update: CommitteeUpdate, charts: dict[str, Chart]) -> Section:
    changes = update.changes
    what = changes["what"].value_counts()
    closed, superseded, regraded = (
        int(what.get(w, 0)) for w in ("closed", "superseded", "regraded")
    )
    lead = (
        f"{len(changes)} changes were recorded between {_day(update.since)} and "
        f"{_day(update.until)}: {closed} closed, {superseded} superseded and "
        f"{regraded} re-graded."
    )
    blocks = [Block("paragraph", lead)]
    if not changes.empty:
        table = changes.rename(
            columns={
                "date": "Date",
                "label": "Item",
                "report": "Report",
                "change": "Change",
                "source": "Source",
            }
        )[["Date", "Item", "Report", "Change", "Source"]]
        blocks.append(Block("table", table=table, widths=(12, 18, 26, 22, 22)))
    blocks.append(Block("chart", chart=charts["status"]))
    return Section(
        "Items closed, superseded or re-graded since the previous committee",
        tuple(blocks),
    )


def _answer_blocks(answers: pd.DataFrame) -> list[Block]:
    blocks = []
    for _, answer in answers.iterrows():
        status = STATUS_NAMES.get(answer["status"], answer["status"])
        lead = f"To address it, {answer['label'].lower()} (status: {status}):"
        blocks += [Block("paragraph", lead), Block("quote", _text(answer["text"]))]
    return blocks


def _plural(count: int, singular: str, plural: str) -> str:
    """ "1 response", "2 responses"."""
    return f"{count} {singular if count == 1 else plural}"


def _slipped_section(update: CommitteeUpdate) -> Section:
    slipped = update.slipped
    in_period = int(slipped["slips_in_period"].sum()) if len(slipped) else 0
    if slipped.empty:
        lead = "No outstanding item has had its target date moved later."
    else:
        items = _plural(
            len(slipped),
            "outstanding item has had its",
            "outstanding items have had their",
        )
        lead = (
            f"{items} target date moved later, "
            f"{_plural(in_period, 'time', 'times')} in this period."
        )
    blocks = [Block("paragraph", lead)]
    if not slipped.empty:
        table = pd.DataFrame(
            {
                "Item": slipped["label"],
                "Report": slipped["report"],
                "Owner": slipped["owner"].fillna("not assigned"),
                "First target": slipped["first_target"].map(_day),
                "Current target": slipped["target_date"].map(_day),
                "Times slipped": slipped["slips"],
                "In period": slipped["slips_in_period"],
            }
        )
        blocks.append(Block("table", table=table, widths=(16, 26, 14, 13, 13, 9, 9)))
    return Section("Target dates that have slipped", tuple(blocks))


def _overdue_bullet(totals: dict[str, int]) -> tuple[str, ...]:
    # Only when there are any, so a paper with none reads as the seed does.
    count = totals["overdue_items"]
    return (f"Outstanding items past their due date: {count}",) if count else ()


def _overdue_section(update: CommitteeUpdate) -> Section:
    overdue = update.overdue
    lead = (
        f"{_plural(len(overdue), 'outstanding item was', 'outstanding items were')} "
        f"due before {_day(update.until)}: by the target date an analyst set, or "
        "else by the deadline the report printed."
    )
    table = pd.DataFrame(
        {
            "Item": overdue["label"],
            "Report": overdue["report"],
            "Owner": overdue["owner"].fillna("not assigned"),
            "Due": overdue["due"].map(_day),
            "Set by": overdue["set_by"].fillna("deadline"),
            "Days overdue": overdue["days"].astype(int),
        }
    )
    return Section(
        "Items past their due date",
        (
            Block("paragraph", lead),
            Block("table", table=table, widths=(16, 30, 14, 13, 17, 10)),
        ),
    )


def _responses_section(update: CommitteeUpdate) -> Section:
    responses = update.responses
    totals = update.totals
    responses_text = _plural(
        totals["responses"],
        "police and crime commissioner response falls",
        "police and crime commissioner responses fall",
    )
    lead = (
        f"{responses_text} due (56 days after publication) since "
        f"{_day(update.since)}; {totals['overdue']} of them fell due before "
        f"{_day(update.until)}. The register does not record whether a response "
        "has been published."
    )
    blocks = [Block("paragraph", lead)]
    if not responses.empty:
        state = [
            f"Overdue by {days} days" if overdue else f"Due in {days} days"
            for overdue, days in zip(
                responses["overdue"], responses["days"], strict=True
            )
        ]
        table = pd.DataFrame(
            {
                "Report": responses["title"],
                "Published": responses["published"].map(_day),
                "Response due": responses["response_due"].map(_day),
                "State": state,
            }
        )
        blocks.append(Block("table", table=table, widths=(46, 17, 17, 20)))
    return Section("Police and crime commissioner responses", tuple(blocks))


def _counts_section(update: CommitteeUpdate, charts: dict[str, Chart]) -> Section:
    counts = update.counts
    headers = {"report": "Report", **STATUS_NAMES}
    headers.update({r: r.capitalize() for r in RAGS})
    headers.update({"ungraded": "No RAG", "total": "Total"})
    table = counts.rename(columns=headers)
    return Section(
        "Items by status and RAG",
        (
            Block(
                "paragraph",
                "Each item is counted once, under the report that first made it. "
                "The RAG columns count outstanding items only.",
            ),
            Block("table", table=table),  # sized to fit: no header word split
            Block("chart", chart=charts["age"]),
        ),
    )


def _open_by_report_section(update: CommitteeUpdate) -> Section:
    outstanding = update.outstanding
    blocks: list[Block] = [
        Block(
            "paragraph",
            f"{len(outstanding)} items are outstanding (not closed or superseded), "
            "listed under the report that first made them.",
        )
    ]
    for report, items in outstanding.groupby("report", sort=False, dropna=False):
        title = _text(report, "(unknown report)")
        published = _day(items["published"].iloc[0])
        blocks.append(Block("heading", f"{title} ({published}): {len(items)} open"))
        table = pd.DataFrame(
            {
                "Item": items["label"],
                "Text": items["text"].map(_shorten),
                "Status": items["status"].map(STATUS_NAMES),
                "RAG": items["rag"].fillna("").str.capitalize(),
                "Owner": items["owner"].fillna("not assigned"),
                "Target": items["target_date"].map(_day),
            }
        )
        blocks.append(Block("table", table=table, widths=(15, 49, 10, 7, 10, 9)))
    return Section("Open items by report", tuple(blocks), appendix=True)


def _information_section(update: CommitteeUpdate) -> Section:
    information = update.information
    scope = update.force or "the force"
    lead = (
        f"{_plural(len(information), 'item is', 'items are')} addressed to other "
        f"bodies (the Home Office, the College of Policing, the NPCC, police and "
        f"crime commissioners …), not to {scope}. They are listed for "
        "information and not counted above."
    )
    table = pd.DataFrame(
        {
            "Item": information["label"],
            "Report": information["report"],
            "Addressed to": information["addressee"].fillna("another body"),
            "Text": information["text"].map(_shorten),
        }
    )
    return Section(
        "For information: items addressed to other bodies",
        (
            Block("paragraph", lead),
            Block("table", table=table, widths=(16, 26, 18, 40)),
        ),
        appendix=True,
    )


def _shorten(text: object, limit: int = LISTED_TEXT_CHARS) -> str:
    text = _text(text)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def paper_title(update: CommitteeUpdate) -> str:
    """The heading of the paper: "HMIC inspections update – 8 June 2017"."""
    return f"HMIC inspections update – {_day(update.until)}"
