"""The `hmic` command: a thin client of extract/ and pipeline/.

It is long because each command's options and help live beside it, as click
wants; a command holds no logic of its own. Commands import the modules they
drive inside themselves, so that `hmic --help` and `hmic extract` do not load
pandas, Datasette and matplotlib (start-up is measured by `make bench`).
"""

from __future__ import annotations

import getpass
import json
import sys

import click

from extract import __version__
from extract.isolate import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT_S
from pipeline.vocabulary import KINDS

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
DEFAULT_DB = "output/register.db"


class Group(click.Group):
    """A click group that turns a failed schema migration into one Error line:
    the register is as it was, and the message says where its copy is."""

    def invoke(self, ctx):
        from pipeline.migrations import MigrationFailed

        try:
            return super().invoke(ctx)
        except MigrationFailed as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version")
def cli():
    """The HMIC recommendations register.

    Extract recommendations, areas for improvement and causes of concern from
    HMIC/HMICFRS reports, keep them in a SQLite register, review them in
    Datasette and report on them to a Joint Audit Committee.
    """


# --- extract -------------------------------------------------------------------


@cli.command()
@click.argument("pdf_path", type=click.Path(readable=False))
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    help="Seconds the file may take before it fails as too_slow.",
)
@click.option(
    "--memory-mib",
    type=click.IntRange(min=128),
    default=DEFAULT_MEMORY_MIB,
    show_default=True,
    help="Memory cap (address space, MiB) before the file fails as too_large.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Print, for every block, its cues and what became of it (which rule "
    "started, continued, ended or rejected an item), as text instead of JSON.",
)
def extract(pdf_path, timeout_s, memory_mib, explain):
    """Print one report's items as JSON (contract §1); never touches the database.

    The PDF is read in a child process with a deadline and a memory cap.
    Each item carries two extra fields: `rule`, the pattern or rule that found
    it, and `confidence`, from 0 to 1 (under 0.5: a weak cue or a guessed
    end, worth an analyst's look).

    \b
    Examples:
        hmic extract corpus/peel-effectiveness-2016-west-midlands.pdf
        hmic extract --explain corpus/peel-effectiveness-2016-west-midlands.pdf | less
    """
    from extract.errors import ExtractError
    from extract.isolate import ChildNotStarted, run_explain, run_extract

    run = run_explain if explain else run_extract
    # The path is not checked by click: a directory or an unreadable file is
    # bad input like any other, one Error line and exit 1 (contract §1).
    try:
        document = run(pdf_path, timeout_s=timeout_s, memory_mib=memory_mib)
    except ExtractError as exc:
        raise click.ClickException(f"{pdf_path}: {exc}") from exc
    except OSError as exc:
        raise click.ClickException(f"{pdf_path}: {os_error_text(exc)}") from exc
    except ChildNotStarted as exc:  # the machine's fault, not the file's
        raise click.ClickException(str(exc)) from exc
    if explain:
        sys.stdout.write(document["explain"])
        return
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def os_error_text(exc: OSError) -> str:
    """'permission denied' for PermissionError(13, 'Permission denied', 'x.pdf'):
    the reason without the errno and the path, which the caller names."""
    return (exc.strerror or str(exc)).lower()


# --- ingest --------------------------------------------------------------------

register_db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=DEFAULT_DB,
    show_default=True,
    help="The register (SQLite) to read or write.",
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@register_db_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Files extracted at once.  [default: all cores]",
)
@click.option(
    "--reextract",
    is_flag=True,
    help="Extract files already loaded again; ids and analysts' fields are kept.",
)
def ingest(paths, db_path, workers, reextract):
    """Load every new PDF or Word paper (.docx) in PATHS (files or folders;
    default corpus/).

    The register is output/register.db unless --db says otherwise. Files
    already loaded (same bytes, or the same report re-saved) are skipped.
    Exits 1 when any file failed, after loading the rest.

    \b
    Example:
        hmic ingest --workers 2 corpus/
    """
    from pipeline.ingest import ingest_paths, summary_lines

    if not paths:
        paths = ("corpus/",)
    summary = ingest_paths(db_path, paths, workers=workers, reextract=reextract)
    for line in summary_lines(summary):
        click.echo(line, err=True)
    sys.exit(summary.exit_code)


# --- export --------------------------------------------------------------------

iso_date = click.DateTime(formats=["%Y-%m-%d"])


def filter_options(command):
    """--force, --kind, --status and --since, shared by export and report."""
    command = click.option(
        "--since",
        type=iso_date,
        default=None,
        help="Only items printed or changed since.",
    )(command)
    command = click.option(
        "--status",
        "statuses",
        multiple=True,
        type=click.Choice(
            ["open", "in_progress", "pending_sign_off", "closed", "superseded"]
        ),
        help="Only items with this status (repeatable).",
    )(command)
    command = click.option(
        "--kind",
        "kinds",
        multiple=True,
        type=click.Choice(KINDS),
        help="Only items of this kind (repeatable).",
    )(command)
    return click.option(
        "--force", default=None, help="Only this force's and national reports' items."
    )(command)


@cli.command()
@register_db_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv", "xlsx"]),
    default="json",
    show_default=True,
    help="json: contract §2; csv: one row per item; xlsx: a sheet per table.",
)
@filter_options
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write (xlsx needs one; csv goes to stdout without it).",
)
def export(db_path, output_format, force, kinds, statuses, since, output):
    """Print the whole register as JSON (contract §2), in a fixed order.

    --format csv or xlsx writes one row per item (its report, occurrences,
    status, owner, target date and history), filtered by --force, --kind,
    --status and --since; the xlsx adds occurrences, reports and history
    sheets.

    \b
    Example:
        hmic export --db output/register.db --format json > register.json
        hmic export --format xlsx --status open --output output/open.xlsx
    """
    from pathlib import Path

    from pipeline.export import export_json
    from pipeline.register import open_register

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    force = _resolve_force(db_path, force)
    if output_format != "json":
        _export_table(db_path, output_format, force, kinds, statuses, since, output)
        return
    if force or kinds or statuses or since or output:
        raise click.ClickException(
            "--format json exports the whole register (contract §2) to stdout; "
            "--force, --kind, --status, --since and --output apply to csv and xlsx"
        )
    text = export_json(open_register(db_path))
    sys.stdout.write(text)


# --- report and tabular export (pipeline/committee.py, pipeline/tabular.py) ----


def _export_table(db_path, output_format, force, kinds, statuses, since, output):
    """The csv/xlsx branch of `export`: filter the register, write the table."""
    from pipeline.tabular import filter_register, read_register, write_csv, write_xlsx

    if output_format == "xlsx" and not output:
        raise click.ClickException("--format xlsx needs --output FILE.xlsx")
    register = filter_register(
        read_register(db_path),
        force=force,
        kinds=kinds,
        statuses=statuses,
        since=since.date() if since else None,
    )
    if output_format == "xlsx":
        write_xlsx(register, output)
        click.echo(f"Wrote {output}", err=True)
    elif output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            write_csv(register, out)
        click.echo(f"Wrote {output}", err=True)
    else:
        write_csv(register, sys.stdout)


@cli.command()
@register_db_option
@click.option("--since", type=iso_date, required=True, help="The previous committee.")
@click.option(
    "--until", type=iso_date, default=None, help="End of the period.  [default: today]"
)
@click.option("--force", default=None, help="Only this force's and national reports.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "md"]),
    default="html",
    show_default=True,
    help="html: one self-contained A4 page; md: Markdown with PNG charts beside it.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write.  [default: output/committee-update.html or .md]",
)
def report(db_path, since, until, force, output_format, output):
    """Write the committee update for the period SINCE..UNTIL from the register.

    Reports received, Red items, closures and re-gradings, slipped target
    dates, police and crime commissioner responses due, and counts by status
    and RAG. "Overdue" is relative to --until.

    \b
    Example:
        hmic report --since 2017-03-01 --until 2017-06-08 --force "West Midlands Police"
    """
    from datetime import date
    from pathlib import Path

    from pipeline.committee import write_report

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    until = until.date() if until else date.today()
    if until < since.date():
        raise click.ClickException(
            f"--until {until} is before --since {since:%Y-%m-%d}"
        )
    force = _resolve_force(db_path, force)
    output = output or f"output/committee-update.{output_format}"
    written = write_report(db_path, output, since.date(), until, force, output_format)
    for path in written:
        click.echo(str(path))


def _resolve_force(db_path, typed):
    """--force as typed → the register's name for it, or one Error line saying
    which names are close (pipeline/forces.py)."""
    from pipeline.forces import UnknownForce, resolve_tracked_force, tracked_forces

    if not typed:
        return None
    try:
        return resolve_tracked_force(typed, tracked_forces(db_path))
    except UnknownForce as exc:
        raise click.ClickException(f"--force: {exc}") from exc


# --- status --------------------------------------------------------------------


def _record(
    db_path, item_id, field_name, value, note, effective=None, force=None, analyst=None
):
    """Record an analyst's change and print the item's new state."""
    from pathlib import Path

    from pipeline.register import (
        AmbiguousItem,
        UnknownItem,
        open_register,
        record_change,
    )

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    force = _resolve_force(db_path, force)
    try:
        db = open_register(db_path)
        item = record_change(
            db, item_id, field_name, value, note=note, effective=effective,
            force=force, analyst=analyst,
        )  # fmt: skip
    except AmbiguousItem as exc:
        prefix, ids = exc.args
        raise click.ClickException(
            f"{prefix}: more than one item's id starts so ({', '.join(ids)}); "
            "give more of the id"
        ) from exc
    except UnknownItem as exc:
        raise click.ClickException(f"{item_id}: no such item in {db_path}") from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{item['id']} status={item['status']} rag={item['rag']} "
        f"owner={item['owner']} target_date={item['target_date']}"
    )


note_option = click.option("--note", default=None, help="Why; kept in the history.")
force_option = click.option(
    "--force",
    default=None,
    help="Whose change it is, for an item that applies to several forces.",
)
date_option = click.option(
    "--date",
    "effective",
    metavar="YYYY-MM-DD",
    default=None,
    help="When it was decided, if not today; kept beside when it was recorded.",
)


def default_analyst() -> str | None:
    """Who is making a change when --analyst is not given: $HMIC_ANALYST (read
    by click), else the login name ($USER), else None."""
    import os

    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return None


analyst_option = click.option(
    "--analyst",
    envvar="HMIC_ANALYST",
    default=default_analyst,
    show_default="$HMIC_ANALYST, else $USER",
    help="Who makes the change; kept in the history.",
)


@cli.command()
@click.argument("item_id")
@click.argument("status", metavar="STATUS")
@note_option
@date_option
@force_option
@register_db_option
@analyst_option
def status(item_id, status, note, effective, force, db_path, analyst):
    """Set an item's status (or its RAG grade: red, amber, green) as an analyst.

    STATUS is open, in_progress, pending_sign_off, closed or superseded, or a
    RAG grade (case, spaces and hyphens do not matter: "In progress").
    ITEM_ID may be any prefix that one id alone starts with. The change is
    dated today (or --date) and kept in status_history; ingest never
    overwrites it with an older tracker's status.

    \b
    Example:
        hmic status 1c3ec66a pending_sign_off --note "evidence sent to HMIC"
    """
    from pipeline.statuses import UnknownStatus, word_to_field

    try:
        field_name, value = word_to_field(status)
    except UnknownStatus as exc:
        raise click.ClickException(str(exc)) from exc
    _record(db_path, item_id, field_name, value, note, effective, force, analyst)


# --- owner ---------------------------------------------------------------------


@cli.command()
@click.argument("item_id")
@click.argument("name")
@note_option
@date_option
@force_option
@register_db_option
@analyst_option
def owner(item_id, name, note, effective, force, db_path, analyst):
    """Set who owns an item; earlier owners stay in the history.

    \b
    Example:
        hmic owner 1c3ec66a71e870c7 "Head of Public Protection"
    """
    _record(db_path, item_id, "owner", name, note, effective, force, analyst)


# --- target --------------------------------------------------------------------


@cli.command()
@click.argument("item_id")
@click.argument("target_date", metavar="DATE")
@note_option
@date_option
@force_option
@register_db_option
@analyst_option
def target(item_id, target_date, note, effective, force, db_path, analyst):
    """Set an item's target date (YYYY-MM-DD); each revision stays in the history.

    A date before the item's publication is refused.

    \b
    Example:
        hmic target 1c3ec66a71e870c7 2018-03-31 --note "new custody IT in March"
    """
    _record(
        db_path, item_id, "target_date", target_date, note, effective, force, analyst
    )


# --- note and evidence -----------------------------------------------------------


@cli.command()
@click.argument("item_id")
@click.argument("text")
@date_option
@force_option
@register_db_option
@analyst_option
def note(item_id, text, effective, force, db_path, analyst):
    """Add a dated line to an item's notes; it is kept in the history too.

    \b
    Example:
        hmic note 1c3ec66a "Discussed at the vulnerability board"
    """
    _record(db_path, item_id, "notes", text, None, effective, force, analyst)


@cli.command()
@click.argument("item_id")
@click.argument("text")
@date_option
@force_option
@register_db_option
@analyst_option
def evidence(item_id, text, effective, force, db_path, analyst):
    """Record what shows an item done (closure evidence), with its date.

    \b
    Example:
        hmic evidence 1c3ec66a "Audit of 300 DASH forms, May 2017: 98% complete"
    """
    _record(db_path, item_id, "closure_evidence", text, None, effective, force, analyst)


# --- backup --------------------------------------------------------------------


@cli.command()
@register_db_option
@click.option(
    "--to",
    "to_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the copy.  [default: a dated name beside the register]",
)
def backup(db_path, to_path):
    """Copy the register with SQLite's online backup API; print where it went.

    Safe while others use it. Every upgrade of the register's schema makes
    such a copy first, by itself.

    \b
    Example:
        hmic backup --to /backups/register-2017-06-08.db
    """
    import sqlite3
    from pathlib import Path

    from pipeline.database import Database
    from pipeline.migrations import backup_register

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    try:  # the file as it is: not opened with open_register, which migrates
        copy = backup_register(Database(sqlite3.connect(db_path)), to_path)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(copy))


# --- item: analysts' corrections of extraction ---------------------------------


@cli.group()
def item():
    """Correct what the extractor read: add, edit, confirm, merge or reject items.

    Each correction is kept in status_history (who and why) and survives
    `hmic ingest --reextract`.
    """


reason_option = click.option("--reason", default=None, help="Why; kept in the history.")


def _correct(db_path, action):
    """Open the register, run `action(db)`, and turn its errors into one line."""
    from pathlib import Path

    from pipeline.register import (
        AmbiguousItem,
        UnknownItem,
        UnknownReport,
        open_register,
    )

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    try:
        return action(open_register(db_path))
    except AmbiguousItem as exc:
        raise click.ClickException(
            f"{exc.args[0]}: more than one item's id starts so; give more of it"
        ) from exc
    except UnknownItem as exc:
        raise click.ClickException(f"{exc.args[0]}: no such item in {db_path}") from exc
    except UnknownReport as exc:
        raise click.ClickException(
            f"{exc.args[0]}: no such report in {db_path}"
        ) from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@item.command("add")
@click.argument("report_id")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(KINDS),
)
@click.option("--text", required=True, help="The item's words, as printed.")
@click.option("--page", required=True, type=click.IntRange(min=1), help="Its page.")
@click.option("--number", default=None, help="Its number as printed, if any.")
@reason_option
@register_db_option
@analyst_option
def item_add(report_id, kind, text, page, number, reason, db_path, analyst):
    """Add an item the extractor missed to REPORT_ID; print its id.

    \b
    Example:
        hmic item add 3f2a9c1d0b7e4a55 --kind recommendation --page 12 \\
            --text "The force should ..." --reason "missed: two columns"
    """
    from pipeline.register import add_item

    item_id = _correct(
        db_path,
        lambda db: add_item(db, report_id, kind=kind, text=text, page=page,
                            number=number, reason=reason, analyst=analyst),
    )  # fmt: skip
    click.echo(item_id)


@item.command("edit")
@click.argument("item_id")
@click.option("--text", required=True, help="The item's words, corrected.")
@reason_option
@register_db_option
@analyst_option
def item_edit(item_id, text, reason, db_path, analyst):
    """Correct ITEM_ID's text (cut off, run on); the printing stays as printed.

    \b
    Example:
        hmic item edit 1c3ec66a --text "The force should ..." --reason "cut off"
    """
    from pipeline.register import edit_item

    row = _correct(
        db_path,
        lambda db: edit_item(db, item_id, text, reason=reason, analyst=analyst),
    )
    click.echo(row["id"])


@item.command("confirm")
@click.argument("item_id")
@reason_option
@register_db_option
@analyst_option
def item_confirm(item_id, reason, db_path, analyst):
    """Say ITEM_ID is read right as it stands: it leaves `hmic review`.

    \b
    Example:
        hmic item confirm 1c3ec66a --reason "checked against p. 12"
    """
    from pipeline.register import confirm_item

    row = _correct(
        db_path, lambda db: confirm_item(db, item_id, reason=reason, analyst=analyst)
    )
    click.echo(f"{row['id']} confirmed")


@item.command("merge")
@click.argument("keep_id")
@click.argument("other_id")
@reason_option
@register_db_option
@analyst_option
def item_merge(keep_id, other_id, reason, db_path, analyst):
    """Make OTHER_ID part of KEEP_ID: one item, every printing and its history.

    For a repeat de-duplication missed; OTHER_ID stays, rejected, pointing at
    KEEP_ID. `hmic review-links --split` takes a printing out again.

    \b
    Example:
        hmic item merge 1c3ec66a 9f02b7d1 --reason "the 2016 rewording"
    """
    from pipeline.register import merge_items

    row = _correct(
        db_path,
        lambda db: merge_items(db, keep_id, other_id, reason=reason, analyst=analyst),
    )
    click.echo(f"{row['id']} now holds {other_id}")


@item.command("reject")
@click.argument("item_id")
@click.option("--reason", required=True, help="Why it is not an item.")
@register_db_option
@analyst_option
def item_reject(item_id, reason, db_path, analyst):
    """Mark ITEM_ID as not an item (the extractor invented it); it stays, hidden.

    \b
    Example:
        hmic item reject 1c3ec66a --reason "a footer, not a recommendation"
    """
    from pipeline.register import reject_item

    row = _correct(
        db_path, lambda db: reject_item(db, item_id, reason=reason, analyst=analyst)
    )
    click.echo(f"{row['id']} rejected")


# --- import-tracker ------------------------------------------------------------


@cli.command("import-tracker")
@register_db_option
@click.argument("file_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", default=None, help="Whose tracker it is.")
@click.option("--sheet", default=None, help="Read only this sheet.  [default: all]")
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="HEADER=field",
    help="A column the built-in header names miss, e.g. 'Our ref=number' "
    "(fields: number, text, kind, report, force, owner, target_date, "
    "revised_date, rag, status, update, action, updated, closed; or ignore).",
)
def import_tracker(db_path, file_path, force, sheet, mappings):
    """Import a force's tracker spreadsheet (.xlsx or .csv) into the register.

    Each row is linked to the item it tracks (by report and number, else by
    its text) or listed for review; its statuses, RAG, owners, target dates
    and updates become dated history (source import). Importing a file again
    adds nothing. Prints a summary on stderr; exits 1 when any row was
    refused, after importing the rest.

    \b
    Example:
        hmic import-tracker --force "West Midlands Police" tracker.xlsx
    """
    from pathlib import Path

    from pipeline import import_tracker as importer
    from pipeline.register import open_register

    try:
        mapping = importer.parse_mapping(mappings)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from exc
    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    force = _resolve_force(db_path, force)
    try:
        summary = importer.import_tracker(
            open_register(db_path), file_path, force=force, sheet=sheet, mapping=mapping
        )
    except importer.TrackerUnreadable as exc:
        raise click.ClickException(f"{file_path}: {exc}") from exc
    for line in summary.lines():
        click.echo(line, err=True)
    sys.exit(1 if summary.refused else 0)


# --- review-links --------------------------------------------------------------


@cli.command("review-links")
@register_db_option
@click.option("--confirm", "confirm_id", type=int, help="Confirm link ID: one item.")
@click.option("--split", "split_id", type=int, help="Split link ID: two items.")
@analyst_option
def review_links(db_path, confirm_id, split_id, analyst):
    """List the links de-duplication was unsure about, or confirm or split one.

    \b
    Example:
        hmic review-links
        hmic review-links --split 12
    """
    from pathlib import Path

    from pipeline.register import (
        UnknownLink,
        confirm_link,
        open_register,
        split_link,
        unsure_links,
    )

    if confirm_id is not None and split_id is not None:
        raise click.UsageError("use --confirm or --split, not both")
    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    db = open_register(db_path)
    try:
        if confirm_id is not None:
            link = confirm_link(db, confirm_id, analyst=analyst)
        elif split_id is not None:
            link = split_link(db, split_id, analyst=analyst)
        else:
            link = None
    except UnknownLink as exc:
        raise click.ClickException(f"link {exc.args[0]}: no such link") from exc
    if link:
        click.echo(f"link {link['id']}: confirmed={link['confirmed']}")
        return
    for row in unsure_links(db):
        click.echo(
            f"[{row['id']}] {row['kind']} score={row['score']} item={row['item_id']}\n"
            f"  later   ({row['later_report']}): {row['later_text']}\n"
            f"  earlier ({row['earlier_report']}): {row['earlier_text']}"
        )


# --- review --------------------------------------------------------------------


@cli.command()
@register_db_option
@click.option("--confirm", "confirm_id", metavar="ITEM_ID", help="Item read right.")
@click.option(
    "--correct", "correct_id", metavar="ITEM_ID", help="Correct the item's text."
)
@click.option("--text", default=None, help="With --correct: the item's words.")
@click.option("--reject", "reject_id", metavar="ITEM_ID", help="Not an item.")
@click.option("--confirm-link", "link_id", type=int, help="Link ID joins one item.")
@click.option("--split-link", "split_id", type=int, help="Link ID joins two items.")
@click.option(
    "--confirm-row", "row_id", type=int, help="Import row ID tracks its item."
)
@reason_option
@analyst_option
def review(
    db_path, confirm_id, correct_id, text, reject_id, link_id, split_id, row_id,
    reason, analyst,
):  # fmt: skip
    """List what the register was unsure of, or settle one entry.

    Without an action, prints the review queue: items extraction was unsure
    of (confidence under 0.5), links de-duplication was unsure about, items a
    re-extract no longer finds, imported tracker rows not linked, and items
    of placeholder reports; each entry names the option that settles it. The
    actions call what `hmic item confirm|edit|reject` and `hmic review-links`
    call, and record --analyst.

    \b
    Example:
        hmic review
        hmic review --reject 1c3ec66a --reason "a footnote, not an item"
    """
    from pipeline import review as reviewing

    chosen = {
        "confirm": confirm_id, "correct": correct_id, "reject": reject_id,
        "confirm-link": link_id, "split-link": split_id, "confirm-row": row_id,
    }  # fmt: skip
    chosen = {action: target for action, target in chosen.items() if target is not None}
    if len(chosen) > 1:
        raise click.UsageError(
            f"give one action at a time, not {' and '.join('--' + a for a in chosen)}"
        )
    if text is not None and "correct" not in chosen:
        raise click.UsageError("--text goes with --correct ITEM_ID")
    if not chosen:
        queue = reviewing.review_queue(_existing_register(db_path))
        click.echo(reviewing.queue_to_text(queue), nl=False)
        return
    ((action, target),) = chosen.items()
    done = _correct(
        db_path,
        lambda db: _review_act(
            db, reviewing, action, str(target), text, reason, analyst
        ),
    )
    click.echo(done)


def _review_act(db, reviewing, action, target, text, reason, analyst):
    """`review.act`, its own lookup errors as one Error line each."""
    from pipeline.import_tracker import UnknownRow
    from pipeline.register import UnknownLink

    try:
        return reviewing.act(
            db, action, target, text=text, reason=reason, analyst=analyst
        )
    except UnknownLink as exc:
        raise click.ClickException(f"link {exc.args[0]}: no such link") from exc
    except UnknownRow as exc:
        raise click.ClickException(
            f"tracker row {exc.args[0]}: no such imported row"
        ) from exc


# --- forces --------------------------------------------------------------------


@cli.group()
def forces():
    """The forces the register tracks: a national item applies to each of them.

    While none is listed, the register tracks the force of every report it
    holds; once one is listed, it tracks the listed forces.
    """


def _existing_register(db_path):
    """The register at `db_path`, or one Error line saying to ingest first."""
    from pathlib import Path

    from pipeline.register import open_register

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no register here; run hmic ingest")
    return open_register(db_path)


def _force_name(typed):
    from pipeline.forces import UnknownForce, resolve_force

    try:
        return resolve_force(typed)
    except UnknownForce as exc:
        raise click.ClickException(str(exc)) from exc


@forces.command("track")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@register_db_option
@analyst_option
def forces_track(names, db_path, analyst):
    """Track each NAME: national items apply to it, and to the others listed.

    NAME is a force's name, alias or shortening ("Kent", "WMP", "the Met").

    \b
    Example:
        hmic forces track Kent "West Mids"
    """
    from pipeline import tracking
    from pipeline.register import now_iso

    resolved = [_force_name(name) for name in names]
    db = _existing_register(db_path)
    for name in resolved:
        added = tracking.track_force(db.conn, name, analyst=analyst, now=now_iso())
        click.echo(f"{name}: {'tracked' if added else 'tracked already'}")


@forces.command("untrack")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@register_db_option
def forces_untrack(names, db_path):
    """Stop tracking each NAME; its history stays. With none left listed, the
    register tracks the forces of its reports again.

    \b
    Example:
        hmic forces untrack Kent
    """
    from pipeline import tracking

    resolved = [_force_name(name) for name in names]
    db = _existing_register(db_path)
    for name in resolved:
        removed = tracking.untrack_force(db.conn, name)
        click.echo(f"{name}: {'untracked' if removed else 'was not listed'}")


@forces.command("list")
@register_db_option
def forces_list(db_path):
    """Print the forces the register tracks, one a line, and why.

    \b
    Example:
        hmic forces list
    """
    from pipeline import tracking

    db = _existing_register(db_path)
    listed = tracking.listed_forces(db.conn)
    why = "listed by an analyst" if listed else "a report of it is in the register"
    for name in tracking.tracked_forces(db.conn):
        click.echo(f"{name}\t{why}")


# --- serve ---------------------------------------------------------------------


@cli.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=DEFAULT_DB,
    show_default=True,
    help="The register to serve.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8001,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False),
    default="corpus",
    show_default=True,
    help="Folder of report PDFs, served at /corpus/ for the page links.",
)
@click.option(
    "--edit",
    is_flag=True,
    help="Let signed-in analysts set statuses (needs --set-password first).",
)
@click.option(
    "--set-password",
    is_flag=True,
    help="Set (or change) the --analyst's password for --edit, then exit.",
)
@click.option(
    "--analyst",
    default=lambda: getpass.getuser(),
    show_default="your login name",
    help="Whose password --set-password sets.",
)
@click.option(
    "--host-name",
    "host_names",
    multiple=True,
    help="Accept this Host name besides 127.0.0.1 and localhost (repeatable).",
)
def serve(db_path, port, corpus_dir, edit, set_password, analyst, host_names):
    """Review the register in Datasette on 127.0.0.1 (read-only unless --edit).

    Live: an ingest or `hmic status` shows on the next page load. With
    --edit, an analyst signs in at /-/login with the password set by
    --set-password (stored hashed beside the register) and sets statuses in
    the browser, each recorded with their name.

    \b
    Example:
        hmic serve --port 8001
        hmic serve --set-password --analyst alice && hmic serve --edit
    """
    from pathlib import Path

    from pipeline import serve as serving

    try:
        serving.prepare_database(db_path)
    except serving.NotARegister as exc:
        raise click.ClickException(str(exc)) from exc
    if set_password:
        password = click.prompt(
            f"Password for {analyst}", hide_input=True, confirmation_prompt=True
        )
        try:
            path = serving.set_password(db_path, analyst, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Password for {analyst} stored, hashed, in {path}", err=True)
        return
    if not Path(corpus_dir).is_dir():
        click.echo(f"{corpus_dir}: no such folder; PDF links will not open", err=True)
    try:
        datasette = serving.register_datasette(
            db_path,
            corpus_dir=corpus_dir,
            edit=edit,
            passwords=serving.read_passwords(db_path),
            host_names=host_names,
        )
    except serving.NoPassword as exc:
        raise click.ClickException(str(exc)) from exc
    port = port or serving.free_port()
    mode = "editable by signed-in analysts (--edit)" if edit else "read-only"
    click.echo(f"Serving {db_path} {mode} at http://127.0.0.1:{port}/")
    sys.stdout.flush()
    serving.run(datasette, port)
