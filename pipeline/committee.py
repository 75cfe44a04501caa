"""The committee update: the register in, an HTML or Markdown paper out.

Register ─▶ `build_update` (pandas: every number computed once) ─▶ `CommitteeUpdate`
─▶ `update_to_sections` (paragraphs, tables, quotes, charts) ─▶ `render_markdown` /
`render_html` ─▶ `write_report` (the only function here that writes files).

The sentences and the tables of a section read the same DataFrame, so a
number in the text always agrees with the table beside it.
"""

from __future__ import annotations

import base64
import html
import io
import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd

from .tabular import (
    CLOSED_STATUSES,
    KINDS,
    RESPONSE_DAYS,
    STATUSES,
    Register,
    filter_register,
    read_register,
    register_as_of,
    to_day,
)
from .tracking import is_for_information

RAGS = ("red", "amber", "green")
KIND_NAMES = {
    "recommendation": ("recommendation", "recommendations"),
    "cause_of_concern": ("cause of concern", "causes of concern"),
    "area_for_improvement": ("area for improvement", "areas for improvement"),
}
STATUS_NAMES = {
    "open": "Open",
    "in_progress": "In progress",
    "pending_sign_off": "Pending sign-off",
    "closed": "Closed",
    "superseded": "Superseded",
}
AGE_BANDS = ("under 6 months", "6-12 months", "1-2 years", "2-3 years", "3 years +")
AGE_EDGES = (-1, 182, 365, 730, 1095, 100_000)
LISTED_TEXT_CHARS = 240
RED_SECTION_TITLE = "Outstanding recommendations currently assessed as Red"


@dataclass(frozen=True)
class CommitteeUpdate:
    """Everything the paper says, as frames; each number is computed once here."""

    since: date
    until: date
    force: str | None
    received: pd.DataFrame  # one row per inspection report published in the period
    items: pd.DataFrame  # one row per item of the paper, as it stood on `until`
    information: pd.DataFrame  # items addressed to other bodies: for information
    outstanding: pd.DataFrame  # one row per item not closed or superseded
    red: pd.DataFrame  # the outstanding items graded red
    red_history: dict[str, pd.DataFrame]  # item id → its history, oldest first
    red_answers: dict[str, pd.DataFrame]  # cause of concern id → its recommendations
    changes: pd.DataFrame  # closed, superseded or re-graded in the period
    slipped: pd.DataFrame  # outstanding items whose target date moved later
    overdue: pd.DataFrame  # outstanding items whose target date or deadline passed
    responses: pd.DataFrame  # PCC responses falling due since the last paper
    counts: pd.DataFrame  # status and RAG counts per report
    status_over_time: pd.DataFrame  # month-end × status → number of items
    totals: dict[str, int] = field(default_factory=dict)


# --- numbers ----------------------------------------------------------------------


def build_update(
    register: Register, since: date, until: date, force: str | None = None
) -> CommitteeUpdate:
    """Compute the paper's tables from the register for the period since..until.

    Both ends are inclusive. The register is replayed as it stood on `until`
    (`tabular.register_as_of`): later reports, printings and changes are left
    out. `force` keeps that force's and national reports' items (see
    `tabular.filter_register`). "Overdue" is relative to `until`.
    """
    register = register_as_of(register, until, force)
    if force:
        register = filter_register(register, force=force)
    described = described_items(register, until)
    information = described[described["for_information"]]
    items = described[~described["for_information"]]
    outstanding = items[~items["status"].isin(CLOSED_STATUSES)]
    red = outstanding[outstanding["rag"] == "red"]
    update = CommitteeUpdate(
        since=since,
        until=until,
        force=force,
        received=received_reports(register, since, until),
        items=items,
        information=information,
        outstanding=outstanding,
        red=red,
        red_history={i: item_history(register, i, until) for i in red["id"]},
        red_answers={i: answering_items(register, items, i) for i in red["id"]},
        changes=changes_in_period(register, items, since, until),
        slipped=slipped_targets(register, outstanding, since, until),
        overdue=overdue_items(outstanding, until),
        responses=responses_due(register, since, until),
        counts=counts_by_report(items),
        status_over_time=status_over_time(register, until),
    )
    return _with_totals(update)


def _with_totals(update: CommitteeUpdate) -> CommitteeUpdate:
    responses = update.responses
    totals = {
        "received": len(update.received),
        "outstanding": len(update.outstanding),
        "red": len(update.red),
        "changes": len(update.changes),
        "slipped": len(update.slipped),
        "overdue_items": len(update.overdue),
        "responses": len(responses),
        "overdue": int(responses["overdue"].sum()) if len(responses) else 0,
    }
    return CommitteeUpdate(**{**update.__dict__, "totals": totals})


def described_items(register: Register, until: date) -> pd.DataFrame:
    """Items with their first report's title and date, first number and age in days."""
    reports = register.reports.set_index("id")
    items = register.items.copy()
    items["status"] = items["status"].fillna("open")
    items["report"] = items["first_report_id"].map(reports["title"])
    first = items["first_published"].fillna(
        items["first_report_id"].map(reports["published"])
    )
    items["published"] = first
    printings = _first_printings(register)
    items["number"] = items["id"].map(printings["number"])
    items["position"] = items["id"].map(printings["position"])
    items["age_days"] = (pd.Timestamp(until) - to_day(first)).dt.days
    items["for_information"] = [
        is_for_information(a, t)
        for a, t in zip(items["addressee"], items["text"], strict=True)
    ]
    items["label"] = [
        item_label(k, n) for k, n in zip(items["kind"], items["number"], strict=True)
    ]
    return items.sort_values(
        ["published", "report", "position", "id"], na_position="last"
    )


def _first_printings(register: Register) -> pd.DataFrame:
    """Item id → number and position of its printing in its first report."""
    occurrences = register.occurrences
    first = occurrences[
        occurrences["report_id"]
        == occurrences["item_id"].map(register.items.set_index("id")["first_report_id"])
    ]
    first = first.sort_values("position").drop_duplicates("item_id")
    return first.set_index("item_id")[["number", "position"]]


def item_label(kind: str, number: str | None) -> str:
    """ "Recommendation 3", "Area for improvement", "Cause of concern (ii)"."""
    name = KIND_NAMES.get(kind, (kind, kind))[0].capitalize()
    return f"{name} {number}" if _present(number) else name


def _present(value: object) -> bool:
    """False for None, NaN/NaT and the empty string."""
    return value is not None and value == value and value != ""


def received_reports(register: Register, since: date, until: date) -> pd.DataFrame:
    """Inspection reports published in the period, with counts per kind and repeats.

    A repeat is an item of the report that an earlier-published report also
    printed: the seed paper's "continuity with the findings of the last such
    inspection". Columns: report_id, title, published, inspectorates, and for
    each kind K in KINDS the columns K and repeat_K.
    """
    reports = register.reports.assign(day=to_day(register.reports["published"]))
    in_period = reports[
        (reports["kind"] == "inspection")
        & reports["day"].between(pd.Timestamp(since), pd.Timestamp(until))
    ]
    printed = register.occurrences.merge(
        reports[["id", "day"]], left_on="report_id", right_on="id", suffixes=("", "_r")
    )
    printed["kind"] = printed["kind"].fillna(
        printed["item_id"].map(register.items.set_index("id")["kind"])
    )
    earliest = printed.groupby("item_id")["day"].min()
    printed["repeat"] = printed["item_id"].map(earliest) < printed["day"]
    mine = printed[printed["report_id"].isin(in_period["id"])].drop_duplicates(
        ["report_id", "item_id"]
    )
    counts = pd.crosstab(mine["report_id"], mine["kind"]).reindex(columns=KINDS)
    repeats = pd.crosstab(
        mine["report_id"], mine["kind"], values=mine["repeat"], aggfunc="sum"
    )
    repeats = repeats.reindex(columns=KINDS).add_prefix("repeat_")
    table = in_period[["id", "title", "published", "inspectorates"]].rename(
        columns={"id": "report_id"}
    )
    table["inspectorates"] = table["inspectorates"].map(_inspectorates)
    table = table.join(counts, on="report_id").join(repeats, on="report_id")
    number_columns = [*KINDS, *repeats.columns]
    table[number_columns] = table[number_columns].fillna(0).astype(int)
    return table.sort_values(["published", "title"]).reset_index(drop=True)


def _inspectorates(value: object) -> str:
    if not value:
        return ""
    try:
        names = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return str(value)
    return ", ".join(names) if isinstance(names, list) else str(names)


def _sorted_history(register: Register) -> pd.DataFrame:
    """status_history with `day`, the value each change replaced and report titles."""
    history = register.history.assign(day=to_day(register.history["date"]))
    history = history.sort_values(["day", "recorded_at", "id"], na_position="first")
    previous = history.groupby(["item_id", "field"])["value"].shift()
    history["previous"] = previous.astype(object).where(previous.notna(), None)
    titles = register.reports.set_index("id")["title"]
    history["report"] = history["report_id"].map(titles)
    return history


def answering_items(
    register: Register, items: pd.DataFrame, item_id: str
) -> pd.DataFrame:
    """Items printed as answering `item_id`: a cause of concern's recommendations."""
    occurrences = register.occurrences
    children = occurrences.loc[occurrences["parent_item_id"] == item_id, "item_id"]
    return items[items["id"].isin(children) & (items["id"] != item_id)]


def item_history(register: Register, item_id: str, until: date) -> pd.DataFrame:
    """One item's status_history up to `until`, oldest first."""
    history = _sorted_history(register)
    wanted = (history["item_id"] == item_id) & ~(history["day"] > pd.Timestamp(until))
    return history[wanted].reset_index(drop=True)


def changes_in_period(
    register: Register, items: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    """History entries in the period that closed, superseded or re-graded an item.

    Columns: what (closed, superseded or regraded), date, label, report (the
    item's first report), change, source, note, item_id; oldest first.
    """
    history = _sorted_history(register)
    in_period = history["day"].between(pd.Timestamp(since), pd.Timestamp(until))
    closing = (history["field"] == "status") & history["value"].isin(CLOSED_STATUSES)
    regraded = (history["field"] == "rag") & (history["value"] != history["previous"])
    changes = history[in_period & (closing | regraded)]
    described = items.set_index("id")
    return pd.DataFrame(
        {
            "what": changes["value"].where(changes["field"] == "status", "regraded"),
            "date": changes["day"].dt.strftime("%Y-%m-%d"),
            "label": changes["item_id"].map(described["label"]),
            "report": changes["item_id"].map(described["report"]),
            "change": [_change_text(row) for _, row in changes.iterrows()],
            "source": changes["report"].fillna(changes["source"].str.capitalize()),
            "note": changes["note"],
            "item_id": changes["item_id"],
        }
    ).reset_index(drop=True)


def _change_text(row: pd.Series) -> str:
    if row["field"] == "rag":
        before = (row["previous"] or "ungraded").capitalize()
        return f"Re-graded {before} → {str(row['value']).capitalize()}"
    before = STATUS_NAMES.get(row["previous"] or "open", row["previous"])
    text = f"{before} → {STATUS_NAMES.get(row['value'], row['value'])}"
    return f"{text} (“{row['printed']}”)" if row["printed"] else text


def slipped_targets(
    register: Register, outstanding: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    """Outstanding items whose target date was moved later, with how often.

    A slip is a target_date entry later than the one before it for the same
    item (the first target set is not a slip, nor is a target brought forward).
    Columns: label, report, owner, first_target, target_date, slips,
    slips_in_period, last_slipped; most slips first.
    """
    history = _sorted_history(register)
    history = history[
        (history["field"] == "target_date") & (history["day"] <= pd.Timestamp(until))
    ]
    history = history[history["item_id"].isin(outstanding["id"])]
    moved_later = to_day(history["value"]) > to_day(history["previous"])
    slips = history[moved_later]
    in_period = slips["day"] >= pd.Timestamp(since)
    per_item = slips.groupby("item_id").agg(
        slips=("value", "size"), last_slipped=("day", "max")
    )
    per_item["slips_in_period"] = in_period.groupby(slips["item_id"]).sum()
    per_item["first_target"] = history.groupby("item_id")["value"].first()
    table = outstanding.merge(per_item, left_on="id", right_index=True)
    table["last_slipped"] = table["last_slipped"].dt.strftime("%Y-%m-%d")
    columns = ["label", "report", "owner", "first_target", "target_date", "slips"]
    columns += ["slips_in_period", "last_slipped", "id"]
    return (
        table[columns]
        .sort_values(["slips", "last_slipped"], ascending=False)
        .reset_index(drop=True)
    )


def overdue_items(outstanding: pd.DataFrame, until: date) -> pd.DataFrame:
    """Outstanding items due before `until`: by the analyst's target date when
    one is set, else by the deadline the report printed ("By 31 March 2024").

    Columns: label, report, owner, due, set_by (the deadline as printed, or
    "target date"), days (past due at `until`), id; longest overdue first.
    """
    target = to_day(outstanding["target_date"])
    deadline = to_day(outstanding["deadline_date"])
    due = target.fillna(deadline)
    late = outstanding[due < pd.Timestamp(until)]
    set_by = late["deadline_text"].where(target[late.index].isna(), "target date")
    table = pd.DataFrame(
        {
            "label": late["label"],
            "report": late["report"],
            "owner": late["owner"],
            "due": due[late.index].dt.strftime("%Y-%m-%d"),
            "set_by": set_by,
            "days": (pd.Timestamp(until) - due[late.index]).dt.days,
            "id": late["id"],
        }
    )
    return table.sort_values(["days", "id"], ascending=[False, True]).reset_index(
        drop=True
    )


def responses_due(register: Register, since: date, until: date) -> pd.DataFrame:
    """PCC responses to inspection reports falling due on or after `since`.

    The due date is reports.response_due, or published + 56 days when the
    register has none. `overdue` is whether it falls before `until`; the
    register does not record whether the response was published.
    Columns: title, published, response_due, overdue, days (past due if
    overdue, else left).
    """
    reports = register.reports[register.reports["kind"] == "inspection"]
    published = to_day(reports["published"])
    due = to_day(reports["response_due"]).fillna(
        published + pd.Timedelta(days=RESPONSE_DAYS)
    )
    start, end = pd.Timestamp(since), pd.Timestamp(until)
    wanted = (due >= start) & (published <= end)
    table = pd.DataFrame(
        {
            "title": reports["title"],
            "published": published.dt.strftime("%Y-%m-%d"),
            "response_due": due.dt.strftime("%Y-%m-%d"),
            "overdue": due < end,
            "days": (end - due).dt.days.abs(),
        }
    )[wanted]
    return table.sort_values(["response_due", "title"]).reset_index(drop=True)


def counts_by_report(items: pd.DataFrame) -> pd.DataFrame:
    """Items per first report by status, outstanding items by RAG, and totals.

    The RAG columns count outstanding items only, so their Red total is the
    number of Red items the paper quotes.
    """
    if items.empty:
        return pd.DataFrame(columns=["report", *STATUSES, *RAGS, "ungraded", "total"])
    report = items["report"].fillna("(unknown report)")
    by_status = pd.crosstab(report, items["status"]).reindex(
        columns=STATUSES, fill_value=0
    )
    outstanding = ~items["status"].isin(CLOSED_STATUSES)
    rag = items.loc[outstanding, "rag"].fillna("ungraded")
    by_rag = pd.crosstab(report[outstanding], rag).reindex(
        index=by_status.index, columns=[*RAGS, "ungraded"], fill_value=0
    )
    table = by_status.join(by_rag)
    table["total"] = by_status.sum(axis=1)
    order = items.assign(report=report).drop_duplicates("report")["report"]
    table = table.reindex(order)
    table.loc["Total"] = table.sum()
    return table.rename_axis("report").reset_index()


def status_over_time(register: Register, until: date, months: int = 36) -> pd.DataFrame:
    """Items per status at each month end of the `months` months up to `until`.

    An item counts from its first report's date; before its first status
    entry it is open. Index: month ends; columns: STATUSES.
    """
    ends = pd.date_range(end=pd.Timestamp(until), periods=months, freq="ME").as_unit(
        "us"
    )
    items = register.items[["id", "first_published"]].assign(
        start=lambda f: to_day(f["first_published"])
    )
    grid = items.merge(pd.DataFrame({"month": ends}), how="cross")
    grid = grid[grid["start"].isna() | (grid["start"] <= grid["month"])]
    history = _sorted_history(register)
    history = history[(history["field"] == "status") & history["day"].notna()]
    as_of = pd.merge_asof(
        grid.sort_values("month"),
        history[["item_id", "day", "value"]].sort_values("day"),
        left_on="month",
        right_on="day",
        left_by="id",
        right_by="item_id",
    )
    as_of["status"] = as_of["value"].fillna("open")
    table = pd.crosstab(as_of["month"], as_of["status"])
    return table.reindex(index=ends, columns=STATUSES, fill_value=0)


# --- charts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """One picture: its file-name part, its caption and its PNG bytes."""

    name: str
    caption: str
    png: bytes


def draw_charts(update: CommitteeUpdate) -> dict[str, Chart]:
    """The paper's pictures: open items by age and kind, and status over time."""
    import matplotlib

    matplotlib.use("Agg")
    return {
        "age": _age_chart(update),
        "status": _status_chart(update),
    }


def age_by_kind(outstanding: pd.DataFrame) -> pd.DataFrame:
    """Outstanding items per age band (rows, AGE_BANDS) and kind (columns, KINDS)."""
    bands = pd.cut(outstanding["age_days"], bins=AGE_EDGES, labels=AGE_BANDS)
    table = pd.crosstab(bands, outstanding["kind"], dropna=False)
    return table.reindex(index=list(AGE_BANDS), columns=list(KINDS), fill_value=0)


def _age_chart(update: CommitteeUpdate) -> Chart:
    import matplotlib.pyplot as plt

    table = age_by_kind(update.outstanding)
    figure, axes = plt.subplots(figsize=(7, 3.2))
    bottom = pd.Series(0, index=table.index)
    for kind, colour in zip(KINDS, ("#1f4e79", "#c00000", "#7f9fbf"), strict=True):
        axes.bar(table.index, table[kind], bottom=bottom, color=colour,
                 label=KIND_NAMES[kind][1].capitalize())  # fmt: skip
        bottom = bottom + table[kind]
    axes.set_ylabel("Open items")
    axes.set_xlabel(f"Time since first published (at {update.until:%d %B %Y})")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, fontsize=8)
    return Chart("open-items-by-age", "Open items by age and kind", _png(figure))


def _status_chart(update: CommitteeUpdate) -> Chart:
    import matplotlib.pyplot as plt

    table = update.status_over_time
    colours = ("#1f4e79", "#5b9bd5", "#ffc000", "#70ad47", "#a5a5a5")
    figure, axes = plt.subplots(figsize=(7, 3.2))
    axes.stackplot(table.index, *[table[s] for s in STATUSES], colors=colours,
                   labels=[STATUS_NAMES[s] for s in STATUSES])  # fmt: skip
    axes.axvline(
        pd.Timestamp(update.since), color="black", linewidth=0.8, linestyle="--"
    )
    axes.set_ylabel("Items")
    axes.set_title("Dashed line: the previous committee", fontsize=8, loc="left")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, fontsize=7, loc="upper left", ncols=5)
    axes.margins(x=0, y=0.15)
    return Chart("status-over-time", "Items by status at each month end", _png(figure))


def _png(figure) -> bytes:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    buffer = io.BytesIO()
    # No "Software" text chunk, so the bytes depend only on the data.
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


# --- the paper as blocks -------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A piece of a section: paragraph, heading, quote, bullets, table or chart."""

    kind: str
    text: str = ""
    lines: tuple[str, ...] = ()
    table: pd.DataFrame | None = None
    widths: tuple[int, ...] = ()  # per-column percentages (HTML)
    chart: Chart | None = None


@dataclass(frozen=True)
class Section:
    """A numbered section of the paper; the HTML starts each on a new page."""

    title: str
    blocks: tuple[Block, ...]


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
            Block("table", table=table, widths=(23, 7, 9, 9, 7, 10, 6, 8, 8, 7, 6)),
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
        blocks.append(Block("table", table=table, widths=(17, 39, 11, 9, 12, 12)))
    return Section("Open items by report", tuple(blocks))


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
    )


def _shorten(text: object, limit: int = LISTED_TEXT_CHARS) -> str:
    text = _text(text)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


# --- rendering -----------------------------------------------------------------------


def paper_title(update: CommitteeUpdate) -> str:
    """The heading of the paper: "HMIC inspections update – 8 June 2017"."""
    return f"HMIC inspections update – {_day(update.until)}"


def render_markdown(
    update: CommitteeUpdate, sections: list[Section], chart_files: dict[str, str]
) -> str:
    """The paper as Markdown; a chart is a link to `chart_files[chart.name]`."""
    lines = [f"# {paper_title(update)}", ""]
    for number, section in enumerate(sections, start=1):
        lines += [f"## {number}. {section.title}", ""]
        for block in section.blocks:
            lines += _block_markdown(block, chart_files) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _block_markdown(block: Block, chart_files: dict[str, str]) -> list[str]:
    if block.kind == "heading":
        return [f"### {block.text}"]
    if block.kind == "quote":
        return [f"> {block.text}"]
    if block.kind == "bullets":
        return [f"- {line}" for line in block.lines]
    if block.kind == "table":
        return _table_markdown(block.table)
    if block.kind == "chart":
        return [f"![{block.chart.caption}]({chart_files[block.chart.name]})"]
    return [block.text]


def _table_markdown(table: pd.DataFrame) -> list[str]:
    def cell(value: object) -> str:
        return _text(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in table.columns) + " |"]
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return lines


def render_html(update: CommitteeUpdate, sections: list[Section]) -> str:
    """The paper as one self-contained HTML page (CSS inline, charts as data URIs)."""
    css = (
        resources.files("pipeline")
        .joinpath("templates/committee.css")
        .read_text("utf-8")
    )
    body = []
    for number, section in enumerate(sections, start=1):
        inner = "\n".join(_block_html(block) for block in section.blocks)
        heading = f"<h2>{number}. {html.escape(section.title)}</h2>"
        body.append(f"<section>\n{heading}\n{inner}\n</section>")
    title = html.escape(paper_title(update))
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        '<header><p class="committee">Joint Audit Committee</p>'
        f"<h1>{title}</h1></header>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _block_html(block: Block) -> str:
    if block.kind == "heading":
        return f"<h3>{html.escape(block.text)}</h3>"
    if block.kind == "quote":
        return f"<blockquote>{html.escape(block.text)}</blockquote>"
    if block.kind == "bullets":
        return (
            "<ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in block.lines)
            + "</ul>"
        )
    if block.kind == "table":
        return _table_html(block.table, block.widths)
    if block.kind == "chart":
        data = base64.b64encode(block.chart.png).decode("ascii")
        caption = html.escape(block.chart.caption)
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    return f"<p>{html.escape(block.text)}</p>"


def _table_html(table: pd.DataFrame, widths: tuple[int, ...]) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{v}</td>'
            if isinstance(v, int)
            else f"<td>{html.escape(_text(v))}</td>"
            for v in row
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --- the edge ------------------------------------------------------------------------


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
