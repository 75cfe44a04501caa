"""hmic serve: metadata.yml, the views and canned queries, and safe defaults.

The register is built in tmp_path with the register's own migrations and
hand-written rows following pipeline/SCHEMA.md; `write_pdf` makes a real
three-page PDF so the /corpus/ links can be followed.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from contextlib import closing
from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from pipeline.cli import cli
from pipeline.datasette_plugins.plain_refusals import escape_fts_query
from pipeline.migrations import migrate
from pipeline.serve import (
    NoPassword,
    NotARegister,
    ensure_views,
    load_metadata,
    passwords_path,
    prepare_database,
    read_passwords,
    register_datasette,
    set_password,
)

PDF_NAME = "peel-2016-test-force.pdf"
KNOWN_PHRASE = "supervises investigations of domestic abuse"
KNOWN_TEXT = (
    "The force should improve how it supervises investigations of domestic abuse, "
    "so that victims are kept informed."
)


def write_pdf(path: Path, page_texts: list[str]) -> Path:
    """Write a minimal valid PDF with one line of Helvetica text per page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None]
    page_ids = []
    for text in page_texts:
        stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n" + stream.decode() + "\nendstream"
        )
        content_id = len(objects)
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
            f"/BaseFont /Helvetica >> >> >> /Contents {content_id} 0 R >>"
        )
        page_ids.append(len(objects))
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects[1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>"
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref_at = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    path.write_bytes(body)
    return path


def _report(report_id, title, published, kind="inspection", force="Test Force"):
    return {
        "id": report_id,
        "content_hash": report_id,
        "sha256": report_id * 4,
        "file_name": PDF_NAME,
        "path": f"corpus/{PDF_NAME}",
        "title": title,
        "published": published,
        "inspectorates": '["HMIC"]',
        "force": force,
        "kind": kind,
        "pages": 3,
        "extractor_version": "test",
        "ingested_at": "2024-05-01T10:00:00Z",
        "response_due": None,
        "warnings": "[]",
    }


def _item(item_id, kind, text, report_id, published, created_at, **analyst):
    return {
        "id": item_id,
        "kind": kind,
        "text": text,
        "status": "open",
        "first_report_id": report_id,
        "first_published": published,
        "created_at": created_at,
        "updated_at": created_at,
        **analyst,
    }


def _occurrence(occ_id, item_id, report_id, position, page, text, **tracker):
    return {
        "id": occ_id,
        "item_id": item_id,
        "report_id": report_id,
        "kind": "recommendation",
        "number": str(position + 1),
        "page": page,
        "text": text,
        "position": position,
        "match_score": 100,
        **tracker,
    }


def build_register(root: Path) -> tuple[Path, Path]:
    """Build a small register and corpus under `root`; return (db, corpus)."""
    corpus = root / "corpus"
    corpus.mkdir()
    write_pdf(corpus / PDF_NAME, ["Title page", "Recommendations", KNOWN_TEXT[:60]])
    db_path = root / "register.db"
    db = Database(db_path)
    db.enable_wal()
    migrate(db)
    db["reports"].insert_all(
        [
            _report(
                "r2015", "PEEL: Police effectiveness 2015 - Test Force", "2016-02-18"
            ),
            _report(
                "r2016", "PEEL: Police effectiveness 2016 - Test Force", "2017-03-02"
            ),
            _report(
                "t2017", "Test Force HMIC tracker, June 2017", "2017-06-30", "tracker"
            ),
        ]
    )
    db["items"].insert_all(
        [
            _item("i-dom", "area_for_improvement", KNOWN_TEXT, "r2015", "2016-02-18",
                  "2024-04-01T09:00:00Z", rag="red", owner="DCI Jones",
                  target_date="2017-01-31"),
            _item("i-vul", "recommendation", "The force should assess vulnerability "
                  "at first contact.", "r2015", "2016-02-18", "2024-04-01T09:00:00Z",
                  status="closed", rag="green"),
            _item("i-new", "cause_of_concern", "The force does not understand the "
                  "demand it faces from missing children.", "r2016", "2017-03-02",
                  "2024-05-01T10:00:00Z", deadline_date="2017-09-02"),
        ]
    )  # fmt: skip
    db["occurrences"].insert_all(
        [
            _occurrence("o1", "i-dom", "r2015", 0, 2, KNOWN_TEXT),
            _occurrence("o2", "i-vul", "r2015", 1, 3, "The force should assess ..."),
            _occurrence("o3", "i-new", "r2016", 0, 2, "The force does not ..."),
            _occurrence("o4", "i-dom", "r2016", 1, 3, KNOWN_TEXT),
            _occurrence("o5", "i-dom", "t2017", 0, 2, KNOWN_TEXT,
                        status_printed="on-going",
                        source_report="PEEL: Police effectiveness 2015"),
        ]
    )  # fmt: skip
    db["status_history"].insert(
        {
            "item_id": "i-dom",
            "field": "status",
            "value": "in_progress",
            "printed": "on-going",
            "date": "2017-06-30",
            "source": "tracker",
            "report_id": "t2017",
            "recorded_at": "2024-05-01T10:00:00Z",
        }
    )
    db.conn.close()
    return db_path, corpus


@pytest.fixture
def register(tmp_path):
    return build_register(tmp_path)


def datasette_get(datasette, path: str):
    """GET `path` from an in-process Datasette; return the httpx response."""
    return asyncio.run(datasette.client.get(path))


class Session:
    """A browser's cookie jar in front of an in-process Datasette."""

    def __init__(self, datasette, host: str = "localhost"):
        self.datasette = datasette
        self.host = host
        self.cookies: dict[str, str] = {}

    def run(self, method: str, path: str, headers: dict | None = None, **kwargs):
        headers = {"host": self.host, **(headers or {})}
        if self.cookies and "cookie" not in headers:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = asyncio.run(
            self.datasette.client.request(method, path, headers=headers, **kwargs)
        )
        for value in response.headers.get_list("set-cookie"):
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response


def csrf_token(response) -> str:
    """The csrftoken a page's form carries."""
    return re.search(r'name="csrftoken" value="([^"]+)"', response.text)[1]


def statuses(db_path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(db_path)) as connection:
        return dict(connection.execute("select id, status from items"))


def history_rows(db_path: Path) -> list[tuple]:
    with closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(
            "select item_id, field, value, source, note, analyst "
            "from status_history order by id"
        ).fetchall()


def test_metadata_names_only_tables_and_columns_that_exist(register):
    db_path, _ = register
    prepare_database(db_path)
    metadata = load_metadata()
    tables = metadata["databases"]["register"]["tables"]
    connection = sqlite3.connect(db_path)
    missing = []
    for table, table_metadata in tables.items():
        columns = {
            row[1] for row in connection.execute(f"PRAGMA table_info([{table}])")
        }
        if not columns:
            missing.append(table)
        named = set(table_metadata.get("columns", {})) | set(
            table_metadata.get("units", {})
        )
        for facet in table_metadata.get("facets", []):
            named |= set(facet.values()) if isinstance(facet, dict) else {facet}
        missing += [f"{table}.{column}" for column in sorted(named - columns)]
    assert missing == [], f"metadata.yml names what the register lacks: {missing[:5]}"
    assert metadata["title"] and metadata["description_html"]


def test_metadata_describes_every_table_and_view_of_the_register(register):
    db_path, _ = register
    prepare_database(db_path)
    described = set(load_metadata()["databases"]["register"]["tables"])
    with sqlite3.connect(db_path) as connection:
        names = {
            name
            for (name,) in connection.execute(
                "select name from sqlite_master where type in ('table', 'view') "
                "and name not like 'items_fts%' and name not like 'sqlite_%'"
            )
        }
    assert sorted(names - described) == []


@pytest.fixture
def datasette(register):
    db_path, corpus = register
    prepare_database(db_path)
    return register_datasette(db_path, corpus_dir=corpus)


CANNED_QUERY_PARAMS = {
    "open_items_by_force_and_kind": "",
    "red_and_overdue": "as_of=2024-01-01",
    "due_soon": "as_of=2017-01-01&days=90",
    "items_repeated_across_reports": "",
    "report_items": "report_id=r2016",
    "item_history": "item_id=i-dom",
    "latest_ingest": "",
    "tracker_statuses": "report_id=t2017",
    "search_items": "q=" + KNOWN_PHRASE.replace(" ", "+"),
}


def test_every_read_query_is_checked_here():
    queries = load_metadata()["databases"]["register"]["queries"]
    read_queries = {name for name, query in queries.items() if not query.get("write")}
    assert read_queries == set(CANNED_QUERY_PARAMS)


@pytest.mark.parametrize("name", sorted(CANNED_QUERY_PARAMS))
def test_canned_query_runs_and_returns_rows(datasette, name):
    response = datasette_get(
        datasette, f"/register/{name}.json?_shape=array&{CANNED_QUERY_PARAMS[name]}"
    )
    assert response.status_code == 200, response.text
    assert response.json(), f"{name} returned no rows"


def test_canned_query_results(datasette):
    def rows(name):
        path = f"/register/{name}.json?_shape=array&{CANNED_QUERY_PARAMS[name]}"
        return datasette_get(datasette, path).json()

    by_force = {(r["force"], r["kind"]): r["open_items"] for r in rows(
        "open_items_by_force_and_kind")}  # fmt: skip
    assert by_force == {
        ("Test Force", "area_for_improvement"): 1,
        ("Test Force", "cause_of_concern"): 1,
    }
    assert [(r["item_id"], r["why"]) for r in rows("red_and_overdue")] == [
        ("i-dom", "red and overdue"),
        ("i-new", "overdue"),
    ]
    [repeated] = rows("items_repeated_across_reports")
    assert (repeated["item_id"], repeated["times"], repeated["in_inspections"]) == (
        "i-dom",
        3,
        2,
    )
    assert repeated["since"] == "2016-02-18"
    assert [r["item_id"] for r in rows("report_items")] == ["i-new", "i-dom"]
    assert rows("report_items")[1]["pdf"] == f"/corpus/{PDF_NAME}#page=3"
    assert [r["value"] for r in rows("item_history")] == ["in_progress"]
    assert [r["item_id"] for r in rows("latest_ingest")] == ["i-new"]
    [tracker] = rows("tracker_statuses")
    assert (tracker["tracker_status"], tracker["recorded_as"]) == (
        "on-going",
        "status: in_progress",
    )
    [found] = rows("search_items")
    assert found["item_id"] == "i-dom" and "[" in found["matched"]
    assert found["first_report"].startswith("PEEL: Police effectiveness 2015")


def test_item_register_facets_and_searches(datasette):
    response = datasette_get(
        datasette,
        "/register/item_register.json?_search=domestic+abuse&_shape=objects",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [row["item_id"] for row in body["rows"]] == ["i-dom"]
    facets = body["facet_results"]
    assert {"kind", "status", "rag", "force", "inspectorates", "year"} <= set(facets)
    inspectorates = facets["inspectorates"]["results"]
    assert [(f["value"], f["count"]) for f in inspectorates] == [("HMIC", 1)]


def test_pdf_cells_render_as_links_and_the_pdf_is_served(datasette):
    html = datasette_get(datasette, "/register/item_register").text
    link = f'<a href="/corpus/{PDF_NAME}#page=2" class="pdf-link" title="{PDF_NAME}">'
    assert link + "PDF p. 2</a>" in html
    response = datasette_get(datasette, f"/corpus/{PDF_NAME}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.content.startswith(b"%PDF-")


def test_read_only_by_default(datasette, register):
    db_path, corpus = register
    queries = datasette.metadata("queries", database="register")
    assert not [name for name, query in queries.items() if query.get("write")]
    response = datasette_get(
        datasette, "/register.json?sql=update+items+set+status%3D%27closed%27"
    )
    assert response.status_code == 400
    session = Session(datasette)
    token = csrf_token(session.run("GET", "/-/login"))
    form = {"item_id": "i-dom", "status": "closed", "csrftoken": token}
    response = session.run("POST", "/-/set-status", data=form)
    assert response.status_code == 404
    assert "start hmic serve with --edit" in response.text
    assert statuses(db_path)["i-dom"] == "open"


@pytest.mark.parametrize("name", ["search_items", "report_items", "item_history"])
def test_canned_query_form_opens_without_parameters(datasette, name):
    response = datasette_get(datasette, f"/register/{name}")
    assert response.status_code == 200
    assert 'class="message-error"' not in response.text


@pytest.mark.parametrize("name", sorted(CANNED_QUERY_PARAMS))
def test_post_to_a_read_only_query_is_refused_plainly(datasette, name):
    # With the CSRF cookie and token, as from a form: Datasette itself would
    # answer 500 and log a traceback.
    session = Session(datasette)
    token = csrf_token(session.run("GET", "/-/login"))
    response = session.run("POST", f"/register/{name}", data={"csrftoken": token})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.text.startswith(f"{name} is a read-only query: open it with GET")


UNBALANCED_SEARCHES = ['"', '""', ' " ', '"domestic', 'abuse"', "(", ")", "AND"]
ODD_SEARCHES = ["NEAR(", "-abuse", "a:b", "^", "*", "'", "col:", "+", "{x}"]


@pytest.mark.parametrize("typed", UNBALANCED_SEARCHES + ODD_SEARCHES)
def test_search_for_anything_typed_never_gives_an_fts5_error(datasette, typed):
    searched = quote(typed)
    for path in (
        f"/register/item_register.json?_search={searched}",
        f"/register/search_items.json?_shape=array&q={searched}",
    ):
        response = datasette_get(datasette, path)
        assert response.status_code == 200, f"{path}: {response.text[:200]}"


def test_search_with_an_unclosed_quote_still_finds_the_phrase(datasette):
    for path in (
        "/register/item_register.json?_shape=array&_search=%22domestic+abuse",
        "/register/search_items.json?_shape=array&q=%22domestic+abuse",
    ):
        rows = datasette_get(datasette, path).json()
        rows = rows["rows"] if isinstance(rows, dict) else rows
        assert [row["item_id"] for row in rows] == ["i-dom"], path


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("\"*^:()-+ NEARDab{}'\t")), max_size=12))
def test_escaped_search_is_always_valid_fts5(typed):
    connection = sqlite3.connect(":memory:")
    connection.execute("create virtual table t using fts5(text)")
    connection.execute("insert into t values ('domestic abuse near a door')")
    connection.execute(
        "select count(*) from t where t match ?", [escape_fts_query(typed)]
    ).fetchone()


def test_metadata_follows_the_database_name(tmp_path):
    metadata = load_metadata("other")
    assert set(metadata["databases"]) == {"other"}
    assert "search_items" in metadata["databases"]["other"]["queries"]


def test_prepare_database_folds_the_wal_in_for_immutable_serving(register):
    db_path, _ = register
    writer = sqlite3.connect(db_path)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("update items set owner = 'Supt Khan' where id = 'i-new'")
    writer.commit()
    prepare_database(db_path)
    writer.close()
    immutable = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    owner = immutable.execute("select owner from items where id = 'i-new'").fetchone()
    assert owner == ("Supt Khan",)


def test_ensure_views_is_idempotent_and_takes_a_sqlite_utils_database(register):
    db = Database(register[0])
    ensure_views(db)
    ensure_views(db)
    assert {"item_register", "occurrence_sources"} <= set(db.view_names())


def test_ensure_views_replaces_a_view_whose_definition_changed(register):
    connection = sqlite3.connect(register[0])
    connection.execute("CREATE VIEW item_register AS SELECT 1 AS stale")
    ensure_views(connection)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(item_register)")]
    assert "item_id" in columns and "stale" not in columns
    schema_before = connection.execute("PRAGMA schema_version").fetchone()
    ensure_views(connection)
    assert connection.execute("PRAGMA schema_version").fetchone() == schema_before


def test_prepare_database_refuses_what_is_not_a_register(tmp_path):
    with pytest.raises(NotARegister, match="run `make ingest` first"):
        prepare_database(tmp_path / "absent.db")
    Database(tmp_path / "other.db")["t"].insert({"x": 1})
    with pytest.raises(NotARegister, match="no reports, items, occurrences table"):
        prepare_database(tmp_path / "other.db")


def test_serve_command_names_the_missing_register(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "absent.db")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "absent.db: no register here; run `make ingest` first" in result.stderr


def test_serve_help_shows_the_options():
    result = CliRunner().invoke(cli, ["serve", "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for option in ("--db", "--port", "--corpus", "--edit", "127.0.0.1"):
        assert option in result.stdout


def test_canned_queries_on_a_register_loaded_by_the_register_code(tmp_path):
    from pipeline.register import load_document, open_register
    from tests.register_fixtures import all_documents

    db_path = tmp_path / "register.db"
    db = open_register(db_path)
    for document in all_documents():
        load_document(db, document)
    db.conn.close()
    prepare_database(db_path)
    datasette = register_datasette(db_path)
    queries = datasette.metadata("queries", database="register")
    results = {}
    for name in queries:
        path = f"/register/{name}.json?_shape=array&q=supervision&report_id=&item_id="
        response = datasette_get(datasette, path)
        assert response.status_code == 200, f"{name}: {response.text[:300]}"
        results[name] = response.json()
    assert results["open_items_by_force_and_kind"]
    assert results["items_repeated_across_reports"], "the 2016 PEEL repeats 2015"
    assert results["tracker_statuses"] and all(
        row["tracker_status"] for row in results["tracker_statuses"]
    )
    assert any("supervision" in row["matched"] for row in results["search_items"])
    assert results["latest_ingest"]
    item_id = results["tracker_statuses"][0]["item_id"]
    history = datasette_get(
        datasette, f"/register/item_history.json?_shape=array&item_id={item_id}"
    ).json()
    assert history and {row["source"] for row in history} == {"tracker"}
    with closing(sqlite3.connect(db_path)) as connection:
        (report_id,) = connection.execute("select id from reports limit 1").fetchone()
    printed = datasette_get(
        datasette, f"/register/report_items.json?_shape=array&report_id={report_id}"
    ).json()
    positions = [row["position"] for row in printed]
    assert positions and positions == sorted(positions)


# --- --edit: sign-in, CSRF, hosts ------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def editable(register):
    db_path, corpus = register
    prepare_database(db_path)
    set_password(db_path, "alice", PASSWORD)
    return register_datasette(
        db_path, corpus_dir=corpus, edit=True, passwords=read_passwords(db_path)
    )


def signed_in(datasette, analyst="alice", password=PASSWORD) -> Session:
    session = Session(datasette)
    token = csrf_token(session.run("GET", "/-/login"))
    form = {"username": analyst, "password": password, "csrftoken": token}
    response = session.run("POST", "/-/login", data=form)
    assert response.status_code == 302, response.text
    assert "ds_actor" in session.cookies
    return session


def status_form(session: Session, item_id="i-dom", **fields) -> dict:
    page = session.run("GET", f"/-/set-status?item_id={item_id}")
    assert page.status_code == 200, page.text
    return {"item_id": item_id, "csrftoken": csrf_token(page), **fields}


def test_edit_refuses_to_start_without_a_password(register):
    db_path, corpus = register
    prepare_database(db_path)
    with pytest.raises(NoPassword, match="--set-password"):
        register_datasette(db_path, corpus_dir=corpus, edit=True, passwords={})
    result = CliRunner().invoke(cli, ["serve", "--db", str(db_path), "--edit"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--edit needs a password" in result.stderr
    assert "hmic serve --db" in result.stderr and "--set-password" in result.stderr


def test_set_password_stores_only_a_hash_readable_by_its_owner(register):
    db_path, _ = register
    result = CliRunner().invoke(
        cli,
        ["serve", "--db", str(db_path), "--set-password", "--analyst", "bob"],
        input="s3cret pass\ns3cret pass\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    path = passwords_path(db_path)
    assert f"Password for bob stored, hashed, in {path}" in result.stderr
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert "s3cret" not in path.read_text()
    assert read_passwords(db_path)["bob"].startswith("pbkdf2_sha256$")
    bad = CliRunner().invoke(
        cli,
        ["serve", "--db", str(db_path), "--set-password", "--analyst", "a_b"],
        input="x\nx\n",
    )
    assert bad.exit_code == 1 and "letters, digits, dots and hyphens" in bad.stderr


def test_signed_in_status_change_is_recorded_as_hmic_status_records_it(
    editable, register
):
    db_path, _ = register
    session = signed_in(editable)
    form = status_form(session, status="pending_sign_off", note="evidence sent")
    response = session.run("POST", "/-/set-status", data=form)
    assert response.status_code == 302, response.text
    assert statuses(db_path)["i-dom"] == "pending_sign_off"
    result = CliRunner().invoke(
        cli,
        ["status", "i-new", "pending_sign_off", "--note", "evidence sent"]
        + ["--db", str(db_path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    browser_row, cli_row = history_rows(db_path)[-2:]
    assert browser_row == ("i-dom", "status", "pending_sign_off", "analyst",
                           "evidence sent", "alice")  # fmt: skip
    assert browser_row[1:5] == cli_row[1:5]
    followed = session.run("GET", response.headers["location"])
    assert "Saved: pending_sign_off for item i-dom, by alice" in followed.text


def test_a_bad_status_word_shows_an_error_and_saves_nothing(editable, register):
    db_path, _ = register
    session = signed_in(editable)
    before = (statuses(db_path), history_rows(db_path))
    response = session.run("POST", "/-/set-status", data=status_form(
        session, status="Closed", note="done"))  # fmt: skip
    assert response.status_code == 400
    assert 'class="message-error"' in response.text
    assert "Nothing saved: &#39;Closed&#39; is not a status" in response.text
    unknown = session.run("POST", "/-/set-status", data=status_form(
        session, item_id="nope", status="closed"))  # fmt: skip
    assert unknown.status_code == 400 and "no item &#39;nope&#39;" in unknown.text
    assert (statuses(db_path), history_rows(db_path)) == before


def test_a_write_without_a_signed_in_analyst_is_refused(editable, register):
    db_path, _ = register
    session = Session(editable)
    assert session.run("GET", "/-/set-status?item_id=i-dom").status_code == 302
    token = csrf_token(session.run("GET", "/-/login"))
    form = {"item_id": "i-dom", "status": "closed", "csrftoken": token}
    response = session.run("POST", "/-/set-status", data=form)
    assert response.status_code == 403
    wrong = Session(editable)
    token = csrf_token(wrong.run("GET", "/-/login"))
    login = {"username": "alice", "password": "guess", "csrftoken": token}
    assert wrong.run("POST", "/-/login", data=login).status_code == 200
    assert "ds_actor" not in wrong.cookies
    assert statuses(db_path)["i-dom"] == "open"


def test_a_cross_site_post_is_refused(editable, register):
    db_path, _ = register
    curl = Session(editable)  # no cookies, as a cross-site form post sends none
    response = curl.run(
        "POST",
        "/-/set-status",
        headers={"origin": "https://evil.example", "content-type": "text/plain"},
        content=b"item_id=i-dom&status=closed",
    )
    assert response.status_code == 403
    assert "Cross-site request refused" in response.text
    session = signed_in(editable)
    form = status_form(session, status="closed")
    for headers in ({"origin": "https://evil.example"},
                    {"origin": "null"},
                    {"origin": "null", "sec-fetch-site": "cross-site"},
                    {"origin": "http://localhost:9999"},
                    {"sec-fetch-site": "same-site"},
                    {"sec-fetch-site": "cross-site"}):  # fmt: skip
        response = session.run("POST", "/-/set-status", data=form, headers=headers)
        assert response.status_code == 403, headers
    # A no-referrer page's own form posts with Origin: null, Sec-Fetch-Site
    # same-origin (chromium).
    same_origin = {"origin": "null", "sec-fetch-site": "same-origin"}
    response = session.run("POST", "/-/set-status", data=form, headers=same_origin)
    assert response.status_code == 302
    assert statuses(db_path)["i-dom"] == "closed"


def test_a_cookie_less_post_is_refused(editable, register):
    db_path, _ = register
    response = Session(editable).run(
        "POST", "/-/set-status", data={"item_id": "i-dom", "status": "closed"}
    )
    assert response.status_code == 403 and "CSRF token missing" in response.text
    bearer = Session(editable).run(
        "POST",
        "/-/set-status",
        headers={"authorization": "Bearer x", "cookie": "ds_csrftoken=x"},
        data={"item_id": "i-dom", "status": "closed"},
    )
    assert bearer.status_code == 403
    session = signed_in(editable)
    form = status_form(session, status="closed")
    del form["csrftoken"]
    assert session.run("POST", "/-/set-status", data=form).status_code == 403
    assert statuses(db_path)["i-dom"] == "open"


@pytest.mark.parametrize("edit", [False, True])
def test_a_forged_host_is_refused(register, edit):
    db_path, corpus = register
    prepare_database(db_path)
    set_password(db_path, "alice", PASSWORD)
    datasette = register_datasette(
        db_path, corpus_dir=corpus, edit=edit, passwords=read_passwords(db_path),
        host_names=("register.example",),
    )  # fmt: skip
    for host in ("evil.example", "evil.example:8001", "127.0.0.1.evil.example"):
        response = Session(datasette, host=host).run("GET", "/register/items")
        assert response.status_code == 400, host
        assert "is not served here" in response.text
    for host in ("localhost", "127.0.0.1:8001", "LOCALHOST", "register.example"):
        assert Session(datasette, host=host).run("GET", "/").status_code == 200


# --- live: the read-only server reads the file as it is now ----------------------


def test_the_read_only_server_shows_changes_without_a_restart(datasette, register):
    from pipeline.register import load_document, open_register
    from tests.register_fixtures import peel_2015

    db_path, _ = register

    def served(path):
        joiner = "&" if "?" in path else "?"
        return datasette_get(datasette, f"{path}{joiner}_shape=array").json()

    assert served("/register/items/i-new.json")[0]["status"] == "open"
    reports_before = len(served("/register/reports.json"))
    result = CliRunner().invoke(
        cli, ["status", "i-new", "in_progress", "--db", str(db_path)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0
    assert served("/register/items/i-new.json")[0]["status"] == "in_progress"
    db = open_register(db_path)
    load_document(db, peel_2015())
    db.conn.close()
    assert len(served("/register/reports.json")) == reports_before + 1
    history = served("/register/item_history.json?item_id=i-new")
    assert [row["value"] for row in history] == ["in_progress"]


# --- readable tables ---------------------------------------------------------------


def header_names(html: str) -> list[str]:
    """The data-column of each <th> of the page's rows-and-columns table."""
    table = html.split('<table class="rows-and-columns">', 1)[1].split("</thead>")[0]
    return re.findall(r'<th [^>]*data-column="([^"]+)"', table)


def test_html_column_lists_name_columns_that_exist(register):
    db_path, _ = register
    prepare_database(db_path)
    tables = load_metadata()["databases"]["register"]["tables"]
    with closing(sqlite3.connect(db_path)) as connection:
        for table, table_metadata in tables.items():
            columns = {
                row[1] for row in connection.execute(f"PRAGMA table_info([{table}])")
            }
            named = set(table_metadata.get("html_columns", [])) | set(
                table_metadata.get("html_hidden", [])
            )
            assert named <= columns, (table, sorted(named - columns))


def test_item_register_puts_key_columns_and_the_text_with_its_pdf_first(datasette):
    html = datasette_get(datasette, "/register/item_register").text
    names = header_names(html)
    assert names[:7] == ["item_id", "kind", "number", "status", "rag", "text", "pdf"]
    assert not {"item_rowid", "first_report_id", "inspectorates"} & set(names)
    assert '<a href="/register/items/i-dom" class="item-link">i-dom</a>' in html
    assert '<a href="/register/reports/r2015" class="report-link">PEEL' in html
    assert '<dl class="column-descriptions">' in html  # hidden by register.css
    assert "/hmic-static/register.css" in html
    css = datasette_get(datasette, "/hmic-static/register.css").text
    assert "dl.column-descriptions { display: none; }" in css
    assert "datasette-sticky-table-headers-style" in html
    row = datasette_get(datasette, "/register/item_register.json?_shape=array").json()
    assert {"item_rowid", "first_report_id", "inspectorates"} <= set(row[0])


def test_reports_show_titles_first_and_lists_as_plain_text(datasette):
    html = datasette_get(datasette, "/register/reports").text
    names = header_names(html)
    assert names[:3] == ["title", "published", "force"]
    assert not {"id", "content_hash", "sha256"} & set(names)
    assert '<a href="/register/reports/r2016" class="report-link">' in html
    assert '<td class="col-inspectorates type-str">HMIC</td>' in html
    assert "[&#34;HMIC&#34;]" not in html and '["HMIC"]' not in html


def test_foreign_keys_show_report_titles_not_ids(datasette):
    html = datasette_get(datasette, "/register/occurrences").text
    assert header_names(html)[:2] == ["item_id", "report_id"]
    assert ">PEEL: Police effectiveness 2015 - Test Force</a>" in html
    assert '<a href="/register/items/i-dom">i-dom</a>' in html


def test_canned_queries_hide_their_sql(datasette):
    queries = load_metadata()["databases"]["register"]["queries"]
    assert [name for name, query in queries.items() if not query.get("hide_sql")] == []
    html = datasette_get(datasette, "/register/item_history?item_id=i-dom").text
    assert '<pre id="sql-query">' not in html and 'id="sql-editor"' not in html
    assert "<title>Status history of one item</title>" in html


def test_glossary_page_holds_the_vocabularies_and_columns(datasette):
    home = datasette_get(datasette, "/").text
    assert '<a href="/-/glossary">glossary</a>' in home
    assert "awaiting the committee" not in home
    glossary = datasette_get(datasette, "/-/glossary")
    assert glossary.status_code == 200
    text = glossary.text
    assert "pending_sign_off" in text and "area_for_improvement" in text
    assert '<h3 id="item_register">' in text
    assert "The item&#39;s words as first printed." in text


def test_any_file_is_served_as_register(register, tmp_path):
    db_path, corpus = register
    other = tmp_path / "kent-2024.db"
    other.write_bytes(db_path.read_bytes())
    prepare_database(other)
    datasette = register_datasette(other, corpus_dir=corpus)
    html = datasette_get(datasette, "/register/item_register").text
    assert header_names(html)[:2] == ["item_id", "kind"]
    assert "kent-2024" not in datasette.databases


# --- the item page -------------------------------------------------------------------


def test_item_page_shows_the_item_its_history_and_printings(datasette, register):
    db_path, _ = register
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("update occurrences set parent_item_id = 'i-new' "
                           "where id = 'o2'")  # fmt: skip
        connection.execute(
            "insert into links (from_item_id, to_item_id, kind, score) "
            "values ('i-vul', 'i-dom', 'repeats', 88.5)"
        )
        connection.commit()
    html = datasette_get(datasette, "/register/items/i-dom").text
    assert "<h1" in html and "Area for improvement 1</h1>" in html
    assert f'<blockquote class="item-text">{KNOWN_TEXT}</blockquote>' in html
    assert '<a class="report-link" href="/register/reports/r2015">PEEL' in html
    assert f'<a class="pdf-link" href="/corpus/{PDF_NAME}#page=2"' in html
    assert "DCI Jones" in html and "2017-01-31" in html
    assert '<span class="rag-red">red</span>' in html
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "2017-06-30" in timeline and "in_progress" in timeline
    assert "on-going" in timeline and "Test Force HMIC tracker, June 2017" in timeline
    assert "Printed in 3 reports" in html
    printings = html.split('class="rows-and-columns item-printings"')[1]
    assert printings.count('class="pdf-link"') == 3
    assert "(tracker)" in printings
    assert "Linked items" in html and 'href="/register/items/i-vul"' in html
    assert "Change its status" not in html  # read-only

    cause = datasette_get(datasette, "/register/items/i-new").text
    assert "Recommendations that answer it" in cause
    assert 'href="/register/items/i-vul"' in cause
    answer = datasette_get(datasette, "/register/items/i-vul").text
    assert "The cause of concern it answers" in answer
    assert 'href="/register/items/i-new"' in answer
    assert "No changes recorded yet" in answer


def test_item_page_offers_the_status_form_to_a_signed_in_analyst(editable):
    anonymous = Session(editable).run("GET", "/register/items/i-dom").text
    assert "Change its status" in anonymous and 'href="/-/login"' in anonymous
    session = signed_in(editable)
    page = session.run("GET", "/register/items/i-dom").text
    assert 'action="/-/set-status"' in page and 'value="i-dom"' in page
    form = {"item_id": "i-dom", "status": "in_progress", "csrftoken": csrf_token(
        session.run("GET", "/register/items/i-dom"))}  # fmt: skip
    response = session.run("POST", "/-/set-status", data=form)
    assert response.headers["location"] == "/register/items/i-dom"
    after = session.run("GET", "/register/items/i-dom").text
    timeline = after.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "analyst alice" in timeline


def test_report_page_links_to_its_items_in_printed_order_and_its_pdf(datasette):
    html = datasette_get(datasette, "/register/reports/r2016").text
    assert "<title>PEEL: Police effectiveness 2016 - Test Force</title>" in html
    assert 'href="/register/report_items?report_id=r2016"' in html
    assert f'href="/corpus/{PDF_NAME}">Open the PDF' in html


# --- the dashboard -------------------------------------------------------------------


def dashboard_cell(html: str, kind: str, status: str) -> str:
    """The count the dashboard shows for `kind` × `status` ('' when zero)."""
    href = f"/register/item_register?kind={kind}&amp;status={status}"
    match = re.search(re.escape(f'<a href="{href}">') + r"(\d+)</a>", html)
    return match[1] if match else ""


def test_dashboard_counts_lists_and_charts(datasette, register):
    db_path, _ = register
    home = datasette_get(datasette, "/").text
    assert "Items by status and kind" in home
    assert dashboard_cell(home, "area_for_improvement", "open") == "1"
    assert dashboard_cell(home, "recommendation", "closed") == "1"
    assert "Red and overdue: 2" in home
    red = home.split("Red and overdue: 2")[1].split("</section>")[0]
    assert 'href="/register/items/i-dom"' in red and "red and overdue" in red
    assert 'href="/register/items/i-new"' in red
    assert "Outstanding by force" in home and ">Test Force</a>" in home
    assert "PCC responses due" in home and "Items due soon" in home
    for name in ("age", "status"):
        assert f'<img src="/-/charts/{name}.png"' in home
        chart = datasette_get(datasette, f"/-/charts/{name}.png")
        assert chart.status_code == 200, chart.text
        assert chart.headers["content-type"] == "image/png"
        assert chart.content.startswith(b"\x89PNG")
    assert datasette_get(datasette, "/-/charts/nope.png").status_code == 404
    CliRunner().invoke(
        cli, ["status", "i-dom", "pending_sign_off", "--db", str(db_path)],
        catch_exceptions=False,
    )  # fmt: skip
    home = datasette_get(datasette, "/").text
    assert dashboard_cell(home, "area_for_improvement", "open") == ""
    assert dashboard_cell(home, "area_for_improvement", "pending_sign_off") == "1"


# --- the review queue ----------------------------------------------------------------


def add_review_cases(db_path: Path) -> None:
    """An unsure link, an item gone missing, and an imported row for review."""
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute(
            "insert into links (id, from_item_id, to_item_id, from_occurrence_id, "
            "to_occurrence_id, kind, score) "
            "values (7, 'i-dom', 'i-dom', 'o4', 'o1', 'repeats', 81.0), "
            "(8, 'i-dom', 'i-dom', 'o5', 'o1', 'quotes', 79.0)"
        )
        connection.execute(
            "update items set missing_since = '2024-06-01T00:00:00Z' where id = 'i-vul'"
        )
        connection.execute(
            "insert into import_rows (file_name, sheet, row, text, outcome, "
            "reason, imported_at) values ('kent.xlsx', 'Tracker', 4, "
            "'Review custody handovers', 'review', 'no item like it', '2024-06-02')"
        )
        connection.commit()


def review_act(session: Session, **fields) -> str:
    """POST one action from /-/review's form; return the page it leads back to."""
    token = csrf_token(session.run("GET", "/-/review"))
    response = session.run("POST", "/-/review/act", data={**fields, "csrftoken": token})
    assert response.status_code == 302, response.text
    return session.run("GET", response.headers["location"]).text


def test_review_queue_lists_what_the_register_was_unsure_of(datasette, register):
    db_path, _ = register
    add_review_cases(db_path)
    html = datasette_get(datasette, "/-/review").text
    assert "Links de-duplication was unsure about: 2" in html
    assert "Items a re-extract no longer finds: 1" in html
    assert "Tracker rows not linked to an item: 1" in html
    assert "Review custody handovers" in html and "no item like it" in html
    assert "start <code>hmic serve --edit</code>" in html
    assert 'action="/-/review/act"' not in html
    session = Session(datasette)
    token = csrf_token(session.run("GET", "/-/login"))
    form = {"action": "confirm", "link_id": "7", "csrftoken": token}
    assert session.run("POST", "/-/review/act", data=form).status_code == 404


def test_a_signed_in_analyst_confirms_splits_corrects_and_rejects(editable, register):
    db_path, _ = register
    add_review_cases(db_path)
    anonymous = Session(editable)
    token = csrf_token(anonymous.run("GET", "/-/login"))
    refused = anonymous.run("POST", "/-/review/act", data={
        "action": "confirm", "link_id": "7", "csrftoken": token})  # fmt: skip
    assert refused.status_code == 403
    session = signed_in(editable)

    act = partial(review_act, session)

    page = act(action="reject", item_id="i-vul")
    assert "Nothing done: say why the item is rejected" in page
    page = act(action="confirm", link_id="7")
    assert "Done: link 7 confirmed, by alice" in page
    assert "Links de-duplication was unsure about: 1" in page
    page = act(action="split", link_id="8")
    assert "Done: link 8 split, by alice" in page
    assert "Links de-duplication was unsure about: 0" in page
    corrected = "The force should assess vulnerability at first contact, every time."
    page = act(action="edit", item_id="i-vul", text=corrected, reason="cut off")
    assert "Done: item i-vul corrected, by alice" in page
    page = act(action="reject", item_id="i-vul", reason="a heading, not an item")
    assert "Items a re-extract no longer finds: 0" in page
    with closing(sqlite3.connect(db_path)) as connection:
        confirmed = connection.execute("select confirmed from links where id = 7")
        assert confirmed.fetchone() == (1,)
        split = connection.execute("select item_id from occurrences where id = 'o5'")
        assert split.fetchone() != ("i-dom",)
        item = connection.execute(
            "select text, rejected_at is not null from items where id = 'i-vul'"
        ).fetchone()
    assert item == (corrected, 1)


def add_unsure_readings(db_path: Path) -> int:
    """A weakly read item, a placeholder report's item, and an imported row
    unsurely linked to an item; return that row's id."""
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("update items set confidence = 0.3 where id = 'i-new'")
        connection.execute(
            "update occurrences set confidence = 0.3, rule = 'in-section-sentence' "
            "where id = 'o3'"
        )
        connection.execute(
            "insert into reports (id, content_hash, sha256, title, kind, "
            "placeholder) values ('placeholder-eb', 'placeholder-eb', '', "
            "'Everyone''s business', 'inspection', 1)"
        )
        connection.execute(
            "insert into items (id, kind, text, status, first_report_id) values "
            "('i-ph', 'recommendation', 'The force to review MARAC referrals.', "
            "'open', 'placeholder-eb')"
        )
        row = connection.execute(
            "insert into import_rows (file_name, sheet, row, text, item_id, score, "
            "outcome, reason, imported_at) values ('kent.xlsx', 'Tracker', 9, "
            "'Supervise DASH forms', 'i-dom', 78, 'review', "
            "'unsure link (score 78)', '2024-06-02')"
        ).lastrowid
        connection.commit()
    return row


def test_the_review_queue_puts_weak_readings_in_front_and_settles_them(
    editable, register
):
    db_path, _ = register
    add_review_cases(db_path)
    row_id = add_unsure_readings(db_path)
    session = signed_in(editable)
    page = session.run("GET", "/-/review").text
    assert "Items extraction was unsure of (confidence under 0.5): 1" in page
    assert "0.30" in page and "in-section-sentence" in page
    assert "Items of reports not yet ingested (placeholders): 1" in page
    assert "The force to review MARAC referrals." in page
    assert "Tracker rows not linked to an item: 2" in page
    # The weak reading is the first section, before the unsure links.
    assert page.index("Items extraction was unsure of") < page.index(
        "Links de-duplication was unsure about"
    )

    act = partial(review_act, session)

    page = act(action="confirm", item_id="i-new", reason="read right, p. 2")
    assert "Done: item i-new confirmed, by alice" in page
    assert "Items extraction was unsure of (confidence under 0.5): 0" in page
    page = act(action="confirm-row", row_id=str(row_id))
    assert f"Done: tracker row {row_id} confirmed, by alice" in page
    assert "Tracker rows not linked to an item: 1" in page
    page = act(action="reject", item_id="i-ph", reason="not in the report")
    assert "Items of reports not yet ingested (placeholders): 0" in page
    page = act(action="confirm", link_id="7")
    with closing(sqlite3.connect(db_path)) as connection:
        history = connection.execute(
            "select item_id, field, note, analyst from status_history "
            "where source = 'analyst' order by id"
        ).fetchall()
        reviewed = connection.execute(
            "select reviewed_by from links where id = 7").fetchone()  # fmt: skip
        outcome = connection.execute(
            "select outcome from import_rows where id = ?", [row_id]
        ).fetchone()
    assert history == [
        ("i-new", "confirmed", "read right, p. 2", "alice"),
        ("i-ph", "rejected", "not in the report", "alice"),
    ]
    assert reviewed == ("alice",) and outcome == ("linked",)


def test_a_rejected_item_leaves_the_tables_and_the_dashboard(datasette, register):
    db_path, _ = register
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute(
            "update items set rejected_at = '2024-06-03T09:00:00Z' where id = 'i-vul'"
        )
        connection.commit()
    home = datasette_get(datasette, "/").text
    assert dashboard_cell(home, "recommendation", "closed") == ""  # was 1
    listed = datasette_get(
        datasette, "/register/item_register.json?_shape=array&_col=item_id"
    ).json()
    assert {row["item_id"] for row in listed} == {"i-dom", "i-new"}
    printed = datasette_get(
        datasette, "/register/occurrence_sources.json?_shape=array&_col=item_id"
    ).json()
    assert "i-vul" not in {row["item_id"] for row in printed}


def test_the_dashboard_says_what_waits_for_review(datasette, register):
    db_path, _ = register
    add_review_cases(db_path)
    add_unsure_readings(db_path)
    home = datasette_get(datasette, "/").text
    # 1 weak reading, 2 links, 1 missing item, 2 tracker rows, 1 placeholder item
    assert "Waiting for review: 7" in home
    assert (
        '<a href="/-/review#low-confidence">Items extraction was unsure of '
        "(confidence under 0.5)</a>: 1" in home
    )
    assert '<a href="/-/review#tracker-rows">' in home


def add_national_item(db_path: Path) -> None:
    """A national report's recommendation, and a Kent report, so the item
    applies to two forces: Test Force and Kent Police."""
    with closing(sqlite3.connect(db_path)) as connection:
        for report_id, force in (("rnat", None), ("rkent", "Kent Police")):
            row = _report(report_id, f"Report {report_id}", "2018-01-10", force=force)
            names = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            connection.execute(
                f"insert into reports ({names}) values ({marks})", list(row.values())
            )
        connection.execute(
            "insert into items (id, kind, text, status, first_report_id, "
            "first_published) values ('i-nat', 'recommendation', 'Every force "
            "should publish a domestic abuse plan.', 'open', 'rnat', '2018-01-10')"
        )
        connection.execute(
            "insert into occurrences (id, item_id, report_id, kind, page, text, "
            "position, match_score) values ('o-nat', 'i-nat', 'rnat', "
            "'recommendation', 2, 'Every force should publish a plan.', 0, 100)"
        )
        connection.commit()


def test_a_national_items_status_is_set_for_the_force_chosen(editable, register):
    db_path, _ = register
    add_national_item(db_path)
    session = signed_in(editable)
    page = session.run("GET", "/register/items/i-nat").text
    assert '<select id="set-status-force" name="force" required>' in page
    assert '<option value="Kent Police">' in page
    assert '<option value="Test Force">' in page
    refused = session.run("POST", "/-/set-status", data=status_form(
        session, "i-nat", status="in_progress"))  # fmt: skip
    assert refused.status_code == 400
    assert "applies to 2 forces" in refused.text
    assert "say whose change it is by choosing the force" in refused.text
    saved = session.run("POST", "/-/set-status", data=status_form(
        session, "i-nat", status="in_progress", force="Kent Police",
        note="plan drafted"))  # fmt: skip
    assert saved.status_code == 302, saved.text
    followed = session.run("GET", saved.headers["location"]).text
    assert "Saved: in_progress (Kent Police) for item i-nat, by alice" in followed
    by_force = followed.split('class="rows-and-columns item-forces"', 1)[1]
    by_force = by_force.split("</table>", 1)[0]
    assert re.search(r"<td>Kent Police</td><td>in_progress</td>", by_force)
    assert re.search(r"<td>Test Force</td><td>open</td>", by_force)
    with closing(sqlite3.connect(db_path)) as connection:
        rows = connection.execute(
            "select value, force, analyst, note from status_history "
            "where item_id = 'i-nat'"
        ).fetchall()
    assert rows == [("in_progress", "Kent Police", "alice", "plan drafted")]


def test_the_item_page_says_why_the_review_queue_lists_it(datasette, register):
    db_path, _ = register
    add_unsure_readings(db_path)
    page = datasette_get(datasette, "/register/items/i-new").text
    assert "confidence 0.30 (in-section-sentence)" in page
    assert "In the review queue</a>: extraction was unsure of it" in page
    assert (
        "In the review queue"
        not in datasette_get(datasette, "/register/items/i-dom").text
    )
