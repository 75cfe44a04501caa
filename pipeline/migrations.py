"""Numbered schema migrations for output/register.db; each keeps existing rows.

A migration is a function of the open `Database`; sqlite-utils' `Migrations`
records which have run (table `_sqlite_migrations`), and `migrate` applies the
rest under one `BEGIN IMMEDIATE`, so two ingests started at once cannot both
apply the same one. A register made before that kept its record in
`schema_migrations`; its first upgrade moves the record across.
Never edit a migration that has shipped: add a new one (`ALTER TABLE ... ADD
COLUMN`, `table.transform(...)`), so a register holding years of analysts'
work is upgraded in place. The migrations that read items again
(`_reread_deadlines`, `_reread_addressees`) call extraction's readers as they
are now, on purpose: they exist to bring old rows up to what extraction reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from extract.addressee import text_to_addressee
from extract.deadline import text_to_deadline

from .database import Database, import_sqlite_utils

Migrations = import_sqlite_utils().Migrations

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT,
    path TEXT,
    title TEXT,
    published TEXT,
    inspectorates TEXT,
    force TEXT,
    kind TEXT NOT NULL DEFAULT 'inspection',
    pages INTEGER,
    extractor_version TEXT,
    ingested_at TEXT,
    reextracted_at TEXT,
    response_due TEXT,
    warnings TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS reports_content_hash ON reports(content_hash);
CREATE INDEX IF NOT EXISTS reports_published ON reports(published);
CREATE INDEX IF NOT EXISTS reports_force ON reports(force);

CREATE TABLE IF NOT EXISTS report_files (
    sha256 TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id),
    file_name TEXT,
    path TEXT,
    first_seen TEXT
);
CREATE INDEX IF NOT EXISTS report_files_report_id ON report_files(report_id);

CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    addressee TEXT,
    deadline_text TEXT,
    deadline_date TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    status_printed TEXT,
    rag TEXT,
    owner TEXT,
    target_date TEXT,
    target_revisions INTEGER NOT NULL DEFAULT 0,
    notes TEXT,
    closure_evidence TEXT,
    first_report_id TEXT REFERENCES reports(id),
    first_published TEXT,
    missing_since TEXT,
    created_at TEXT,
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS items_kind ON items(kind);
CREATE INDEX IF NOT EXISTS items_status ON items(status);
CREATE INDEX IF NOT EXISTS items_first_report_id ON items(first_report_id);
CREATE INDEX IF NOT EXISTS items_owner ON items(owner);

CREATE TABLE IF NOT EXISTS occurrences (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id),
    report_id TEXT NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,
    number TEXT,
    page INTEGER,
    text TEXT NOT NULL,
    position INTEGER NOT NULL,
    parent_item_id TEXT REFERENCES items(id),
    source_report TEXT,
    status_printed TEXT,
    match_score REAL,
    missing_since TEXT
);
CREATE INDEX IF NOT EXISTS occurrences_item_id ON occurrences(item_id);
CREATE INDEX IF NOT EXISTS occurrences_report_id ON occurrences(report_id, position);
CREATE INDEX IF NOT EXISTS occurrences_parent_item_id ON occurrences(parent_item_id);

CREATE TABLE IF NOT EXISTS status_history (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id),
    field TEXT NOT NULL,
    value TEXT,
    printed TEXT,
    date TEXT NOT NULL,
    source TEXT NOT NULL,
    report_id TEXT REFERENCES reports(id),
    note TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS status_history_item ON status_history(item_id, field, date);
CREATE UNIQUE INDEX IF NOT EXISTS status_history_tracker
    ON status_history(item_id, field, report_id) WHERE source = 'tracker';

CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    from_item_id TEXT NOT NULL REFERENCES items(id),
    to_item_id TEXT NOT NULL REFERENCES items(id),
    from_occurrence_id TEXT REFERENCES occurrences(id),
    to_occurrence_id TEXT REFERENCES occurrences(id),
    kind TEXT NOT NULL,
    score REAL,
    confirmed INTEGER,
    created_at TEXT
);
CREATE INDEX IF NOT EXISTS links_from ON links(from_item_id);
CREATE INDEX IF NOT EXISTS links_to ON links(to_item_id);
CREATE INDEX IF NOT EXISTS links_unsure ON links(confirmed, score);

CREATE TABLE IF NOT EXISTS ingest_log (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT,
    report_id TEXT,
    outcome TEXT NOT NULL,
    reason TEXT,
    error TEXT,
    duration_s REAL,
    pages INTEGER,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ingest_log_outcome ON ingest_log(outcome, reason);
CREATE INDEX IF NOT EXISTS ingest_log_sha256 ON ingest_log(sha256);
"""

VIEWS_V2 = """
CREATE VIEW IF NOT EXISTS open_items AS
SELECT items.id, items.kind, items.status, items.rag, items.owner,
       items.target_date, items.deadline_date, reports.force,
       items.first_published, items.text
FROM items LEFT JOIN reports ON reports.id = items.first_report_id
WHERE items.status NOT IN ('closed', 'superseded');

CREATE VIEW IF NOT EXISTS repeated_items AS
SELECT items.id, items.kind, items.status, items.rag,
       count(DISTINCT occurrences.report_id) AS reports, items.text
FROM items JOIN occurrences ON occurrences.item_id = items.id
GROUP BY items.id HAVING count(DISTINCT occurrences.report_id) > 1;

CREATE VIEW IF NOT EXISTS unsure_links AS
SELECT links.id, links.kind, links.score, links.from_item_id, links.to_item_id,
       later.text AS later_text, earlier.text AS earlier_text
FROM links
LEFT JOIN occurrences AS later ON later.id = links.from_occurrence_id
LEFT JOIN occurrences AS earlier ON earlier.id = links.to_occurrence_id
WHERE links.confirmed IS NULL;

CREATE VIEW IF NOT EXISTS target_revisions AS
SELECT item_id, value AS target_date, date, note
FROM status_history WHERE field = 'target_date';
"""


def _create_tables(db: Database) -> None:
    db.executescript(SCHEMA_V1)


def _create_fts(db: Database) -> None:
    # sqlite-utils' layout (content table + triggers) is what Datasette detects.
    db["items"].enable_fts(["text"], create_triggers=True, replace=True)


def _create_views(db: Database) -> None:
    db.executescript(VIEWS_V2)


def _add_analyst(db: Database) -> None:
    # Who made an analyst's change: the signed-in name from `hmic serve --edit`.
    db.execute("ALTER TABLE status_history ADD COLUMN analyst TEXT")


def _reread_deadlines(db: Database) -> None:
    # Registers made before extract/deadline.py missed "By 31 March 2024" and
    # read "Within six months" from a tracker's date; read every item again.
    rows = db.execute("SELECT id, text, first_published FROM items").fetchall()
    for item_id, text, published in rows:
        deadline = text_to_deadline(text, published)
        due = deadline.due.isoformat() if deadline and deadline.due else None
        db.execute(
            "UPDATE items SET deadline_text = ?, deadline_date = ? WHERE id = ?",
            [deadline.text if deadline else None, due, item_id],
        )


def _track_per_force(db: Database) -> None:
    # A national item has one status per force, so each history entry says
    # whose it is: a tracker's is its force's; an analyst's is the item's one
    # force when it has one. An entry left without a force still applies to
    # every force, as every entry did before, so nothing recorded changes
    # meaning for a register that tracks one force.
    from .tracking import APPLIES_BY_REPORTS_SQL as APPLIES_SQL

    db.execute("ALTER TABLE status_history ADD COLUMN force TEXT")
    db.execute(
        "UPDATE status_history SET force = (SELECT reports.force FROM reports "
        "WHERE reports.id = status_history.report_id) WHERE source = 'tracker'"
    )
    db.execute(
        f"WITH applies AS ({APPLIES_SQL}), single AS (SELECT item_id, "
        "min(force) AS force FROM applies GROUP BY item_id HAVING count(*) = 1) "
        "UPDATE status_history SET force = (SELECT force FROM single WHERE "
        "single.item_id = status_history.item_id) WHERE source != 'tracker'"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS status_history_force "
        "ON status_history(item_id, force, field)"
    )


def _placeholder_reports(db: Database) -> None:
    # Items only trackers have printed were "of" the tracker paper
    # ("Recommendation 1 | HMIC INSPECTIONS UPDATE"); they become items of a
    # placeholder report named by the title the tracker quotes them from.
    from .register import placeholder_report

    db.execute("ALTER TABLE reports ADD COLUMN placeholder INTEGER NOT NULL DEFAULT 0")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = db.execute(
        "SELECT items.id, (SELECT o.source_report FROM occurrences AS o "
        "WHERE o.item_id = items.id AND o.source_report IS NOT NULL "
        "ORDER BY o.rowid LIMIT 1) FROM items JOIN reports "
        "ON reports.id = items.first_report_id WHERE reports.kind = 'tracker' "
        "AND NOT EXISTS (SELECT 1 FROM occurrences AS o JOIN reports AS r "
        "ON r.id = o.report_id WHERE o.item_id = items.id AND r.kind != 'tracker')"
    ).fetchall()
    for item_id, source in rows:
        if source:
            db.execute(
                "UPDATE items SET first_report_id = ?, first_published = NULL "
                "WHERE id = ?",
                [placeholder_report(db, source, now), item_id],
            )


def _import_rows(db: Database) -> None:
    # A force's own tracker spreadsheet (pipeline/import_tracker.py): every
    # row read is kept, linked or not, so none is dropped, and its history
    # entries point at it, so a second import of the file adds nothing.
    db.execute(
        "CREATE TABLE import_rows (id INTEGER PRIMARY KEY, "
        "file_name TEXT NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL, "
        "sha256 TEXT, force TEXT, report TEXT, number TEXT, kind TEXT, text TEXT, "
        "item_id TEXT REFERENCES items(id), score REAL, outcome TEXT NOT NULL, "
        "reason TEXT, cells TEXT, imported_at TEXT NOT NULL, "
        "UNIQUE (file_name, sheet, row))"
    )
    db.execute("CREATE INDEX import_rows_item_id ON import_rows(item_id)")
    db.execute("CREATE INDEX import_rows_outcome ON import_rows(outcome)")
    db.execute(
        "ALTER TABLE status_history ADD COLUMN import_row_id INTEGER "
        "REFERENCES import_rows(id)"
    )
    db.execute(
        "CREATE UNIQUE INDEX status_history_import ON status_history"
        "(import_row_id, item_id, field, value, date) WHERE source = 'import'"
    )


def _analyst_corrections(db: Database) -> None:
    # Analysts correct extraction: printings they add and items they reject
    # are marked so that re-extraction leaves them be (register.add_item ...).
    db.execute("ALTER TABLE occurrences ADD COLUMN added_by TEXT")
    db.execute("ALTER TABLE items ADD COLUMN rejected_at TEXT")


def _confidence(db: Database) -> None:
    # Extraction says how sure it is of each item (contract §1 `confidence`,
    # under 0.5 for a weak cue or a guessed end) and by which rule; the register
    # keeps both per printing, an item's lowest in `items.confidence`, and when
    # an analyst confirmed or corrected it, so `hmic review` lists it until then.
    # Registers loaded before have no figure (null) until `hmic ingest --reextract`.
    db.execute("ALTER TABLE occurrences ADD COLUMN confidence REAL")
    db.execute("ALTER TABLE occurrences ADD COLUMN rule TEXT")
    # Who the printing addresses and its deadline wording, when the extractor
    # reads them itself (issue 16), so the register need not re-read the text.
    db.execute("ALTER TABLE occurrences ADD COLUMN addressee TEXT")
    db.execute("ALTER TABLE occurrences ADD COLUMN deadline_text TEXT")
    db.execute("ALTER TABLE items ADD COLUMN confidence REAL")
    db.execute("ALTER TABLE items ADD COLUMN reviewed_at TEXT")
    db.execute("CREATE INDEX items_confidence ON items(confidence)")


def _tracked_forces(db: Database) -> None:
    # The forces the analyst says the register tracks (`hmic forces track`);
    # while it is empty, the register tracks the forces of its reports.
    db.execute(
        "CREATE TABLE tracked_forces (force TEXT PRIMARY KEY, added_at TEXT, "
        "added_by TEXT)"
    )


def _link_reviewers(db: Database) -> None:
    # Who confirmed or split a link, and when, as every other analyst change.
    db.execute("ALTER TABLE links ADD COLUMN reviewed_by TEXT")
    db.execute("ALTER TABLE links ADD COLUMN reviewed_at TEXT")


def _reread_addressees(db: Database) -> None:
    # "Within six months, the Home Office, working with the NPCC lead and the
    # CPS, should …" had no addressee, so it counted as a force's own item;
    # read every item's addressee again, past lead-ins, deadlines and partners,
    # preferring what extraction read for its first printing, when it did.
    rows = db.execute(
        "SELECT id, text, first_published, (SELECT o.addressee FROM occurrences "
        "AS o WHERE o.item_id = items.id AND o.addressee IS NOT NULL "
        "ORDER BY o.rowid LIMIT 1) FROM items"
    ).fetchall()
    for item_id, text, published, extracted in rows:
        db.execute(
            "UPDATE items SET addressee = ? WHERE id = ?",
            [extracted or text_to_addressee(text, published), item_id],
        )


def _merged_items(db: Database) -> None:
    # `hmic item merge KEEP OTHER`: OTHER's printings and history become
    # KEEP's; OTHER stays (rejected, pointing at KEEP) so its id still answers.
    db.execute("ALTER TABLE items ADD COLUMN merged_into TEXT REFERENCES items(id)")


MIGRATIONS: list[tuple[int, str, Callable[[Database], None]]] = [
    (1, "create tables", _create_tables),
    (2, "full-text search on items.text", _create_fts),
    (3, "views for the common reviews", _create_views),
    (4, "status_history.analyst: who made the change", _add_analyst),
    (5, "deadlines read in every printed form", _reread_deadlines),
    (6, "status_history.force: statuses per (item, force)", _track_per_force),
    (7, "placeholder reports for what trackers quote", _placeholder_reports),
    (8, "import_rows: rows of a force's tracker spreadsheet", _import_rows),
    (9, "analysts' corrections: added printings, rejected items", _analyst_corrections),
    (10, "extraction's confidence and rule; items reviewed", _confidence),
    (11, "tracked_forces: the forces the analyst says are tracked", _tracked_forces),
    (12, "links.reviewed_by/reviewed_at: who reviewed a link", _link_reviewers),
    (13, "addressees read past long lead-ins", _reread_addressees),
    (14, "items.merged_into: items an analyst merged", _merged_items),
]


class MigrationFailed(Exception):
    """A migration failed and was rolled back; the message says where the
    copy made before it is."""


def database_path(db: Database) -> Path | None:
    """The file `db` is open on, or None for an in-memory database."""
    row = db.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def backup_path(path: Path, now: datetime | None = None) -> Path:
    """A dated name beside `path` for its copy: register-backup-20261202T081500Z.db
    (-2, -3 … when that exists)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.stem}-backup-{stamp}{path.suffix}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-backup-{stamp}-{number}{path.suffix}")
    return candidate


def backup_register(db: Database, to: str | Path | None = None) -> Path:
    """Copy the register with SQLite's online backup API; return the copy's path.

    The copy is consistent even while another process writes (WAL readers
    see one snapshot). `to` defaults to a dated name beside the file.
    """
    source = database_path(db)
    target = Path(to) if to else backup_path(source)
    if target.exists():
        raise FileExistsError(f"{target}: already exists; give another --to")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(target) as copy:
        db.conn.backup(copy)
    copy.close()
    return target


LEGACY_TABLE = "schema_migrations"  # the record before sqlite-utils Migrations
MIGRATION_SET = "hmic-register"


def migration_name(number: int, name: str) -> str:
    """The name a migration is recorded under: "006 status_history.force: …"."""
    return f"{number:03d} {name}"


def migration_number(recorded: str) -> int:
    """The number of a migration from the name it is recorded under."""
    return int(recorded[:3])


class _Failed(Exception):
    """Migration `number` (`name`) raised `exc` (unwrapped by `migrate`)."""

    def __init__(self, number: int, name: str, exc: Exception):
        super().__init__(f"migration {number} ({name}) failed")
        self.exc = exc


def migration_set(migrations=MIGRATIONS) -> Migrations:
    """The numbered migrations as one sqlite-utils migration set."""
    chosen = Migrations(MIGRATION_SET)
    for number, name, apply in migrations:

        def run(db, number=number, name=name, apply=apply):
            try:
                apply(db)
            except Exception as exc:
                raise _Failed(number, name, exc) from exc

        chosen(name=migration_name(number, name))(run)
    return chosen


def applied_migrations(db: Database) -> set[int]:
    """The numbers of the migrations applied (empty for a new file), from
    sqlite-utils' record or, in a register not yet upgraded, the legacy one."""
    numbers = {migration_number(m.name) for m in Migrations(MIGRATION_SET).applied(db)}
    if LEGACY_TABLE in db.table_names():
        numbers |= {row[0] for row in db.execute(f"SELECT id FROM {LEGACY_TABLE}")}
    return numbers


def adopt_legacy_record(db: Database, chosen: Migrations) -> None:
    """Record in sqlite-utils' table the migrations the legacy table says were
    applied, then drop the legacy table: one record of what has run."""
    if LEGACY_TABLE not in db.table_names():
        return
    chosen.ensure_migrations_table(db)
    names = {migration_number(m.name): m.name for m in chosen.pending(db)}
    done = {m.name for m in chosen.applied(db)}
    for number, applied_at in db.execute(f"SELECT id, applied_at FROM {LEGACY_TABLE}"):
        name = names.get(number, migration_name(number, "before sqlite-utils"))
        if name not in done:
            db[Migrations.migrations_table].insert(
                {"migration_set": MIGRATION_SET, "name": name, "applied_at": applied_at}
            )
    db.execute(f"DROP TABLE {LEGACY_TABLE}")


def migrate(db: Database, migrations=MIGRATIONS) -> list[int]:
    """Apply the pending migrations in order; return the numbers applied.

    sqlite-utils' `Migrations` runs them and records each one; here they all
    run under one `BEGIN IMMEDIATE`, which reads what is pending only once it
    holds the write lock, so concurrent callers apply each one exactly once,
    and a failure rolls every one of them back. Before that, a register file
    that already holds a schema is copied beside itself (`backup_register`);
    a failed migration raises MigrationFailed naming it and that copy.
    """
    chosen = migration_set(migrations)
    applied = applied_migrations(db)  # none: a file made just now
    if not {number for number, _, _ in migrations} - applied:
        return []
    copy = None
    if applied and database_path(db):
        copy = backup_register(db)  # years of analysts' work: copy it first
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        adopt_legacy_record(db, chosen)
        pending = [migration_number(m.name) for m in chosen.pending(db)]
        chosen.apply(db)
        db.conn.execute("COMMIT")
    except _Failed as failed:
        db.rollback()
        where = f"; the copy made before it is {copy}" if copy else ""
        raise MigrationFailed(
            f"{failed}, so the register is as it was: {failed.exc}{where}"
        ) from failed.exc
    except BaseException:
        db.rollback()
        raise
    return pending
