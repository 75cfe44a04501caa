"""The `hmic` command: a thin client of extract/ and pipeline/."""

from __future__ import annotations

import json
import sys

import click

from extract import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
DEFAULT_DB = "output/register.db"


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version")
def cli():
    """The HMIC recommendations register.

    Extract recommendations, areas for improvement and causes of concern from
    HMIC/HMICFRS reports, keep them in a SQLite register, review them in
    Datasette and report on them to a Joint Audit Committee.
    """


# --- extract -------------------------------------------------------------------


@cli.command()
@click.argument("pdf_path", type=click.Path(dir_okay=False))
def extract(pdf_path):
    """Print one report's items as JSON (contract §1); never touches the database.

    \b
    Example:
        hmic extract corpus/peel-2016-west-midlands.pdf
    """
    from extract.errors import ExtractError
    from extract.report import extract_report

    try:
        document = extract_report(pdf_path)
    except (ExtractError, OSError) as exc:
        raise click.ClickException(f"{pdf_path}: {exc}") from exc
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


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
    help="Open the register writable and offer the write canned queries.",
)
def serve(db_path, port, corpus_dir, edit):
    """Review the register in Datasette on 127.0.0.1 (read-only unless --edit).

    Restart it after an ingest: a read-only server does not see new rows.

    \b
    Example:
        hmic serve --port 8001
    """
    from pathlib import Path

    from pipeline.serve import (
        NotARegister,
        free_port,
        prepare_database,
        register_datasette,
        run,
    )

    try:
        prepare_database(db_path)
    except NotARegister as exc:
        raise click.ClickException(str(exc)) from exc
    if not Path(corpus_dir).is_dir():
        click.echo(f"{corpus_dir}: no such folder; PDF links will not open", err=True)
    port = port or free_port()
    datasette = register_datasette(db_path, corpus_dir=corpus_dir, edit=edit)
    mode = "writable (--edit)" if edit else "read-only"
    click.echo(f"Serving {db_path} {mode} at http://127.0.0.1:{port}/")
    sys.stdout.flush()
    run(datasette, port)
