"""The committee paper's pictures, drawn with matplotlib from a `CommitteeUpdate`."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from ..vocabulary import KIND_NAMES, KINDS, STATUS_NAMES, STATUSES
from .figures import AGE_BANDS, AGE_EDGES, CommitteeUpdate


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
    # Head-room over the tallest bar, so it does not meet the frame or the legend.
    axes.set_ylim(0, max(1, int(bottom.max())) * 1.2)
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
