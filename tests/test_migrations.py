"""Upgrading a register made by the release before per-force tracking
(tests/fixtures/release-register.db, made by tests/fixtures/make_release_register.py):
a dated backup first, nothing lost, and a failed migration leaves the file as it was."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import export, migrations, register
from pipeline.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "release-register.db"
OLD_HISTORY = ("id", "item_id", "field", "value", "printed", "date", "source",
               "report_id", "note", "recorded_at", "analyst")  # fmt: skip
OLD_LINKS = ("id", "from_item_id", "to_item_id", "from_occurrence_id",
             "to_occurrence_id", "kind", "score", "confirmed",
             "created_at")  # fmt: skip
ANALYST_FIELDS = ("id", "status", "rag", "owner", "target_date", "notes",
                  "closure_evidence", "target_revisions")  # fmt: skip


@pytest.fixture
def old_register(tmp_path) -> Path:
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURE, path)
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """What an analyst would miss: history, links, items' analyst fields,
    reports and occurrences."""
    return {
        "history": rows(path, f"SELECT {', '.join(OLD_HISTORY)} FROM status_history "
                        "ORDER BY id"),
        "links": rows(path, f"SELECT {', '.join(OLD_LINKS)} FROM links ORDER BY id"),
        "items": rows(path, f"SELECT {', '.join(ANALYST_FIELDS)} FROM items "
                      "ORDER BY id"),
        "reports": rows(path, "SELECT id, title, published, force FROM reports "
                        "ORDER BY id"),
        "occurrences": rows(path, "SELECT id, item_id, report_id, page FROM "
                            "occurrences ORDER BY id"),
    }  # fmt: skip


def test_the_fixture_is_the_old_release():
    applied = rows(FIXTURE, "SELECT id FROM schema_migrations ORDER BY id")
    assert [a[0] for a in applied] == [1, 2, 3, 4, 5]
    assert len(rows(FIXTURE, "SELECT 1 FROM status_history WHERE source = "
                    "'analyst'")) == 7  # fmt: skip


def test_upgrade_backs_up_first_and_loses_nothing(old_register):
    before = snapshot(old_register)
    db = register.open_register(old_register)
    assert migrations.applied_migrations(db) == {n for n, _, _ in
                                                 migrations.MIGRATIONS}  # fmt: skip
    db.conn.close()
    copies = list(old_register.parent.glob("register-backup-*.db"))
    assert len(copies) == 1
    assert snapshot(copies[0]) == before  # the copy is the file as it was
    assert rows(copies[0], "SELECT max(id) FROM schema_migrations") == [(5,)]
    assert snapshot(old_register) == before


def test_the_old_record_moves_to_sqlite_utils_migrations_once(old_register):
    old = rows(old_register, "SELECT id, applied_at FROM schema_migrations ORDER BY id")
    register.open_register(old_register).conn.close()
    recorded = rows(old_register, "SELECT migration_set, name, applied_at FROM "
                    "_sqlite_migrations ORDER BY name")  # fmt: skip
    assert [name[:3] for _, name, _ in recorded] == [
        f"{n:03d}" for n, _, _ in migrations.MIGRATIONS
    ]
    assert {s for s, _, _ in recorded} == {"hmic-register"}
    assert [(int(n[:3]), at) for _, n, at in recorded[: len(old)]] == old
    assert rows(old_register, "SELECT name FROM sqlite_master WHERE name = "
                "'schema_migrations'") == []  # fmt: skip
    db = register.open_register(old_register)
    assert migrations.migrate(db) == []  # nothing runs twice
    db.conn.close()
    assert rows(old_register, "SELECT count(*) FROM _sqlite_migrations") == [
        (len(recorded),)
    ]
    assert len(list(old_register.parent.glob("register-backup-*.db"))) == 1


def test_upgrade_gives_each_history_entry_its_force(old_register):
    db = register.open_register(old_register)
    forces = dict(db.execute(
        "SELECT value || ':' || coalesce(note, ''), force FROM status_history "
        "WHERE source = 'analyst'"
    ).fetchall())  # fmt: skip
    # West Midlands' own items are West Midlands'; Kent's Kent's; the national
    # item (both forces) keeps no force, so it still applies to both.
    assert forces == {
        "ACC Crime:contact management": "West Midlands Police",
        "2017-12-31:": "West Midlands Police",
        "2018-03-31:new IT": "West Midlands Police",
        "pending_sign_off:evidence sent": "West Midlands Police",
        "amber:": "West Midlands Police",
        "in_progress:action plan drafted": None,
        "closed:audit done": "Kent Police",
    }
    trackers = db.execute(
        "SELECT DISTINCT force FROM status_history WHERE source = 'tracker'"
    ).fetchall()
    assert trackers == [("West Midlands Police",)]
    items = {i["text"][:30]: i for i in json.loads(export.export_json(db))["items"]}
    national = {
        f["force"]: f["status"]
        for f in items["Every force in England and Wal"]["forces"]
    }
    assert national == {"Kent Police": "in_progress",
                        "West Midlands Police": "in_progress"}  # fmt: skip


def test_upgrade_adds_confidence_and_the_tracked_list_empty(old_register):
    db = register.open_register(old_register)
    # The old release kept no confidence: unknown, so nothing is listed as weak
    # until a re-extract reads it; no force listed, so the reports' forces count.
    assert db.execute("SELECT count(*), count(confidence), count(reviewed_at) "
                      "FROM items").fetchone()[1:] == (0, 0)  # fmt: skip
    assert db.execute("SELECT count(*) FROM tracked_forces").fetchone() == (0,)
    assert db.execute("SELECT count(reviewed_by) FROM links").fetchone() == (0,)
    from pipeline import tracking

    assert tracking.tracked_forces(db.conn) == ["Kent Police", "West Midlands Police"]


def test_a_failed_migration_leaves_the_file_as_it_was(old_register):
    def boom(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk on fire")

    before = snapshot(old_register)
    db = register.Database(sqlite3.connect(old_register))
    failing = [*migrations.MIGRATIONS[:5], (6, "boom", boom)]
    with pytest.raises(migrations.MigrationFailed) as raised:
        migrations.migrate(db, failing)
    db.conn.close()
    copy = next(old_register.parent.glob("register-backup-*.db"))
    assert "migration 6 (boom) failed, so the register is as it was" in str(
        raised.value
    )
    assert f"the copy made before it is {copy}" in str(raised.value)
    assert snapshot(old_register) == before
    assert rows(old_register, "SELECT name FROM sqlite_master WHERE name = "
                "'half_done'") == []  # fmt: skip


def test_hmic_backup_writes_a_copy_where_asked(old_register, tmp_path):
    target = tmp_path / "copies" / "june.db"
    result = CliRunner().invoke(cli, ["backup", "--db", str(old_register), "--to",
                                      str(target)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert snapshot(target) == snapshot(old_register)
    assert rows(target, "SELECT max(id) FROM schema_migrations") == [(5,)]
    again = CliRunner().invoke(cli, ["backup", "--db", str(old_register), "--to",
                                     str(target)])  # fmt: skip
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_a_new_register_is_not_backed_up(tmp_path):
    register.open_register(tmp_path / "new.db").conn.close()
    assert list(tmp_path.glob("*backup*")) == []


def test_the_cli_reports_a_failed_migration_in_one_line(old_register, monkeypatch):
    def boom(db):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:5],
                                                   (6, "boom", boom)])  # fmt: skip
    monkeypatch.setattr(migrations.migrate, "__defaults__", (migrations.MIGRATIONS,))
    result = CliRunner().invoke(cli, ["export", "--db", str(old_register)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: migration 6 (boom) failed, so the "
                                    "register is as it was: disk on fire; the copy "
                                    "made before it is ")  # fmt: skip
    assert result.stderr.count("\n") == 1
