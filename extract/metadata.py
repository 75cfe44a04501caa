"""Blocks in, the report's metadata (title, date, inspectorates, force, kind) out."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path

from .layout import Block

MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october "
        "november december".split(),
        start=1,
    )
}
FULL_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I
)
INSPECTORATES = [  # (code, pattern), the longer names first
    ("HMICFRS", r"\bHMICFRS\b|Inspectorate of Constabulary and Fire (?:&|and) Rescue"),
    ("HMIC", r"\bHMIC\b|Inspectorate of Constabulary\b(?! and Fire)"),
    ("HMIP", r"\bHMIP\b|HM Inspectorate of Prisons|Inspectorate of Prisons"),
    ("HMCPSI", r"\bHMCPSI\b|Crown Prosecution Service Inspectorate"),
    ("HMI Probation", r"HMI Probation|Inspectorate of Probation"),
    ("Ofsted", r"\bOfsted\b"),
    ("CQC", r"\bCQC\b|Care Quality Commission"),
]
TRACKER = re.compile(
    r"\b(audit committee|committee|inspections update|recommendations? tracker|"
    r"progress update|board)\b",
    re.I,
)


@lru_cache(maxsize=1)
def forces() -> list[dict]:
    """The 43 police forces and the fire and rescue services, with aliases."""
    path = Path(__file__).with_name("data") / "forces.json"
    return json.loads(path.read_text())


def short_name(name: str) -> str:
    """A force's name without "Police", "Constabulary" or "Fire and Rescue Service"."""
    return re.sub(
        r"\s+(Police( Service)?|Constabulary|Fire and Rescue( Service)?|Fire Service|"
        r"Fire Brigade)$",
        "",
        name,
    )


def force_mentions(text: str, short: bool = False) -> Counter:
    """How often each force or service is named in `text` (with `short`, also
    by its place name alone: "custody suites in West Midlands")."""
    counts: Counter = Counter()
    fire = bool(re.search(r"\bfire\b", text, re.I))
    for force in forces():
        names = [force["name"], *force["aliases"]]
        if short and (force["type"] == "fire") == fire:
            names.append(short_name(force["name"]))
        for name in dict.fromkeys(names):
            hits = len(re.findall(re.escape(name), text))
            if hits:
                counts[force["name"]] += hits
    return counts


def title_of(blocks: list[Block]) -> str:
    """The largest text on the first page, its parts joined as a catalogue would:
    "PEEL 2021/22: Police effectiveness … – An inspection of Derbyshire
    Constabulary", in the order printed."""
    first_page = [b for b in blocks if b.page == blocks[0].page] if blocks else []
    if not first_page:
        return ""
    largest = max(b.size for b in first_page)
    parts = [b.text for b in first_page if b.size >= largest - 0.5][:3]
    title = parts[0] if parts else ""
    for part in parts[1:]:
        if re.match(r"^(an?|the)\b", part, re.I) or title.endswith((":", "–", "-")):
            title += f" – {part}" if not title.endswith((":", "–", "-")) else f" {part}"
        elif part[:1].isupper():
            title += f": {part}"
        else:
            title += f" {part}"
    return title


def published_of(blocks: list[Block]) -> str | None:
    """The first full date ("25 February 2016") on the first two pages, ISO."""
    for block in blocks:
        if block.page > blocks[0].page + 1:
            break
        found = next(
            (
                m
                for m in FULL_DATE.finditer(block.text)
                if not is_range_end(block.text, m)
            ),
            None,
        )
        if found:
            day, month, year = found.groups()
            try:
                return date(int(year), MONTHS[month.lower()], int(day)).isoformat()
            except ValueError:
                continue
    return None


def is_range_end(text: str, match: re.Match) -> bool:
    """True for the end of a date range ("6–17 February 2017", "30 January –
    3 February 2017": fieldwork, not publication), not a date after a dash
    ("JOINT AUDIT COMMITTEE – 29 NOVEMBER 2022")."""
    return bool(
        re.search(
            r"(?:\d|\b(?:" + "|".join(MONTHS) + r"))\s*(?:[–—‐-]|\bto)\s*$",
            text[: match.start()],
            re.I,
        )
    )


def inspectorates_of(text: str) -> list[str]:
    """Inspectorates named in `text`, in order of first mention."""
    positions = []
    for code, pattern in INSPECTORATES:
        found = re.search(pattern, text)
        if found:
            positions.append((found.start(), code))
    return [code for _, code in sorted(positions)]


def blocks_to_report(blocks: list[Block]) -> dict:
    """The report's metadata (contract §1 "report")."""
    title = title_of(blocks)
    front = (
        " ".join(b.text for b in blocks if b.page <= blocks[0].page + 1)
        if blocks
        else ""
    )
    everything = " ".join(b.text for b in blocks)
    kind = "tracker" if TRACKER.search(f"{title} {front[:600]}") else "inspection"
    named = force_mentions(title) or force_mentions(title, short=True)
    if named:
        force = named.most_common(1)[0][0]
    else:
        counts = force_mentions(everything)
        force = counts.most_common(1)[0][0] if counts else None
        if kind == "inspection" and (len(counts) > 1 or not force_mentions(front)):
            force = None
    inspectorates = inspectorates_of(front) or inspectorates_of(everything)[:1]
    if kind == "tracker":
        counts = Counter(re.findall(r"\bHMICFRS\b|\bHMIC\b", everything))
        in_title = re.findall(r"\bHMICFRS\b|\bHMIC\b", title)
        inspectorates = in_title[:1] or (
            [counts.most_common(1)[0][0]] if counts else inspectorates[:1]
        )
    return {
        "title": title,
        "published": published_of(blocks),
        "inspectorates": inspectorates,
        "force": force,
        "kind": kind,
    }
