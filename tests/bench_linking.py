"""Time linking new printings against a large register; print a table (asserts nothing).

    python -m tests.bench_linking [--sizes 1000 5000 20000] [--printings 50]

Builds N synthetic register items (recommendation-like sentences from a fixed
seed), then links one inspection report's and one tracker's printings (a
mix of planted rewordings, truncations, quotations and new items) with the
exhaustive loop (`best_match_exhaustive`, the code before the prefilter) and
with `best_match`, and says whether every match is the same. Not collected by
pytest (no test_ prefix) and not run by CI; tests/test_dedupe.py uses its
generators.
"""

from __future__ import annotations

import argparse
import random
import time

from pipeline import dedupe

FORCES = [
    "West Midlands Police", "Kent Police", "Merseyside Police", "Thames Valley Police",
    "Avon and Somerset Constabulary", "Greater Manchester Police", "Essex Police",
    "Cumbria Constabulary",
]  # fmt: skip
KINDS = ["recommendation", "area_for_improvement", "cause_of_concern"]
ADDRESSEES = [
    "The force", "The chief constable", "Chief constables", "Every force",
    "The force and its partners", "The police and crime commissioner",
    "Forces in England and Wales", "The College of Policing",
]  # fmt: skip
DEADLINES = ["", "", "", "Within six months, ", "Within three months, ",
             "By March 2018, ", "Immediately, "]  # fmt: skip
VERBS = [
    "review", "improve", "evaluate", "strengthen", "monitor", "develop",
    "publish a plan for", "introduce a process to assess", "make sure it understands",
    "take steps to improve",
]  # fmt: skip
OBJECTS = [
    "its approach to missing and absent children",
    "the supervision of crime investigations",
    "how it records and classifies reported crime",
    "its use of stop and search powers",
    "the quality of risk assessments for victims of domestic abuse",
    "the way it manages registered sex offenders",
    "how calls for service are graded and attended",
    "its arrangements for safeguarding vulnerable adults",
    "the use of out of court disposals",
    "its workforce planning for investigators",
    "the training given to call handlers",
    "how it shares information with partner agencies",
    "its response to reports of modern slavery",
    "the management of digital forensic backlogs",
    "its use of body worn video",
    "the timeliness of responses to emergency calls",
]  # fmt: skip
PURPOSES = [
    "so that victims receive a consistent service",
    "to make sure that officers understand their responsibilities",
    "so that risks to children are identified at the earliest opportunity",
    "and report its progress to the police and crime commissioner",
    "so that the public can see how well it is performing",
    "to reduce the number of repeat victims",
    "and make sure supervisors check the quality of the work",
    "in line with national guidance",
    "so that officers have the skills they need",
    "and act on what it learns",
]  # fmt: skip
EXTRAS = [
    "",
    "",
    " It should also consider how it uses data to identify those most at risk.",
    " This should include a review of the demand on its control room.",
    " It should work with partners to make these changes.",
]


def random_text(rng: random.Random) -> str:
    """One recommendation-like sentence, e.g. "Within six months, the force
    should review its use of stop and search powers so that ..."."""
    deadline = rng.choice(DEADLINES)
    who = rng.choice(ADDRESSEES)
    if deadline:
        who = who[0].lower() + who[1:]
    modal = rng.choice(["should", "should", "must"])
    words = f"{who} {modal} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.4:
        words += f" and {rng.choice(OBJECTS)}"
    return f"{deadline}{words} {rng.choice(PURPOSES)}.{rng.choice(EXTRAS)}"


def reword(text: str, rng: random.Random) -> str:
    """A planted rewording: light edits (sure), or a restatement that drops its
    last fifth (near the UNSURE threshold)."""
    if rng.random() < 0.5:
        words = text.split()
        return " ".join(words[: max(1, int(len(words) * rng.uniform(0.7, 0.85)))])
    return (
        text.replace("should", "must", 1)
        .replace("make sure", "ensure")
        .replace("improve", "enhance")
        .replace(" its ", " the force's ", 1)
    )


def random_date(rng: random.Random, first: int = 2013, last: int = 2022) -> str:
    """An ISO date between `first` and `last` (years)."""
    return (
        f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    )


def synthetic_candidates(count: int, seed: int = 0) -> list[dedupe.Candidate]:
    """`count` register items: mostly inspections, a few tracker-only, some
    national (no force), plus planted rewordings of earlier items."""
    rng = random.Random(seed)
    candidates: list[dedupe.Candidate] = []
    for number in range(count):
        if candidates and rng.random() < 0.05:
            text = reword(rng.choice(candidates).text, rng)
        else:
            text = random_text(rng)
        tracker_only = rng.random() < 0.05
        title = (
            f"PEEL {rng.choice(['Effectiveness', 'Efficiency'])} {2013 + number % 10}"
        )
        candidates.append(
            dedupe.Candidate(
                item_id=dedupe.short_hash("bench", seed, number),
                kind=rng.choice(KINDS),
                text=text,
                force=None if rng.random() < 0.1 else rng.choice(FORCES),
                first_published=random_date(rng),
                report_title=title,
                tracker_only=tracker_only,
                source_report=f"{title} report" if tracker_only else None,
            )
        )
    return candidates


def synthetic_printings(
    candidates: list[dedupe.Candidate], count: int, *, tracker: bool, seed: int = 1
) -> tuple[dict, list[dict]]:
    """A report and `count` of its printings: rewordings and quotations of
    `candidates` (some exact, some near the thresholds) and new texts."""
    rng = random.Random(seed)
    kind = "tracker" if tracker else "inspection"
    report = {"title": f"Bench {kind}", "published": "2020-06-30",
              "force": FORCES[0], "kind": kind}  # fmt: skip
    printings = []
    for _ in range(count):
        source = rng.choice(candidates)
        roll = rng.random()
        if roll < 0.3:
            text = source.text
        elif roll < 0.6:
            text = reword(source.text, rng)
        elif roll < 0.7:
            text = "The force had not done enough. " + source.text
        elif roll < 0.8:
            text = source.text.split(".")[0] + "."  # the first sentence only
        else:
            text = random_text(rng)
        printing = {"kind": rng.choice([source.kind, rng.choice(KINDS)]), "text": text}
        if tracker and rng.random() < 0.5:
            printing["source_report"] = f"{source.report_title} report"
        printings.append(printing)
    return report, printings


def run(size: int, printing_count: int, tracker: bool) -> tuple[str, ...]:
    """One row of the table: size, report kind, seconds before, seconds to
    build the report's CandidateIndex and to link after, speed-up (index
    included), printings linked, and whether every match is the same."""
    candidates = synthetic_candidates(size)
    report, printings = synthetic_printings(candidates, printing_count, tracker=tracker)
    for candidate in candidates:  # both paths start with warm caches
        dedupe.normalise_text(candidate.text)
    start = time.perf_counter()
    before = [
        dedupe.best_match_exhaustive(p, report=report, candidates=candidates)
        for p in printings
    ]
    before_s = time.perf_counter() - start
    start = time.perf_counter()
    index = dedupe.CandidateIndex(candidates)  # once per report, as register.py
    index_s = time.perf_counter() - start
    start = time.perf_counter()
    after = [dedupe.best_match(p, report=report, candidates=index) for p in printings]
    after_s = time.perf_counter() - start
    linked = sum(match is not None for match in after)
    return (
        f"{size:,}",
        report["kind"],
        f"{before_s:.2f}",
        f"{index_s:.3f}",
        f"{after_s:.3f}",
        f"{before_s / (index_s + after_s):.0f}x",
        f"{linked}/{printing_count}",
        "yes" if before == after else "NO",
    )


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--printings", type=int, default=50)
    args = parser.parse_args()
    header = ("items", "report", "before s", "index s", "after s", "speed-up",
              "linked", "same")  # fmt: skip
    print(" | ".join(header))
    print(" | ".join("-" * len(name) for name in header))
    for size in args.sizes:
        for tracker in (False, True):
            print(" | ".join(run(size, args.printings, tracker)), flush=True)


if __name__ == "__main__":
    main()
