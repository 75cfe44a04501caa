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


def force_mentions(text: str) -> Counter:
    """How often each force or service is named in `text`."""
    counts: Counter = Counter()
    for force in forces():
        for name in [force["name"], *force["aliases"]]:
            hits = len(re.findall(re.escape(name), text))
            if hits:
                counts[force["name"]] += hits
    return counts


def title_of(blocks: list[Block]) -> str:
    """The largest text on the first page with text, its lines joined."""
    first_page = [b for b in blocks if b.page == blocks[0].page] if blocks else []
    if not first_page:
        return ""
    largest = max(b.size for b in first_page)
    parts = [b.text for b in first_page if b.size >= largest - 0.5][:3]
    title = parts[0] if parts else ""
    for part in parts[1:]:
        title += f" – {part}" if re.match(r"^(an?|the)\b", part, re.I) else f" {part}"
    return title


def published_of(blocks: list[Block]) -> str | None:
    """The first full date ("25 February 2016") on the first two pages, ISO."""
    for block in blocks:
        if block.page > blocks[0].page + 1:
            break
        found = FULL_DATE.search(block.text)
        if found:
            day, month, year = found.groups()
            try:
                return date(int(year), MONTHS[month.lower()], int(day)).isoformat()
            except ValueError:
                continue
    return None


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
    named = force_mentions(title)
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
        inspectorates = [counts.most_common(1)[0][0]] if counts else inspectorates[:1]
    return {
        "title": title,
        "published": published_of(blocks),
        "inspectorates": inspectorates,
        "force": force,
        "kind": kind,
    }
