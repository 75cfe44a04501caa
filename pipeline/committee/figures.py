"""The committee paper's numbers: the register in, a `CommitteeUpdate` of frames out.

Every number the paper prints is computed once here, so a sentence and the
table beside it read the same DataFrame.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..tabular import Register, filter_register, register_as_of, to_day
from ..tracking import is_for_information
from ..vocabulary import (
    CLOSED_STATUSES,
    KIND_NAMES,
    KINDS,
    RAGS,
    RESPONSE_DAYS,
    STATUS_NAMES,
    STATUSES,
)

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
