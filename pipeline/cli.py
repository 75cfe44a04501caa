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
