-- Views the analysts read in Datasette (pipeline/metadata.yml describes them).
-- Applied by pipeline.serve.ensure_views(db), which the migrations may call too.
-- Every statement is CREATE VIEW IF NOT EXISTS and only reads the tables of
-- pipeline/SCHEMA.md, so applying this file twice, or to an older register,
-- changes nothing. To change a view, drop it in a numbered migration first.
--
-- `pdf` columns hold "/corpus/<file_name>#page=<page>": Datasette serves the
-- corpus folder at /corpus/ (hmic serve --corpus) and the render_cell plugin in
-- pipeline/datasette_plugins/ turns the value into a link that opens the PDF
-- at that page.

-- One row per item, with the force, inspectorates, year and first printing of
-- the report that first made it: the table analysts facet and search.
CREATE VIEW IF NOT EXISTS item_register AS
SELECT
  items.rowid AS item_rowid,
  items.id AS item_id,
  items.kind,
  items.status,
  items.rag,
  reports.force,
  -- A subquery, not reports.inspectorates: Datasette's array facet joins
  -- json_each to the view, and SQLite 3.40 then finds no rows through the
  -- LEFT JOIN (tests/test_serve.py::test_item_register_facets_and_searches).
  (SELECT r.inspectorates FROM reports AS r WHERE r.id = items.first_report_id)
    AS inspectorates,
  substr(coalesce(items.first_published, reports.published), 1, 4) AS year,
  items.text,
  items.owner,
  items.target_date,
  items.deadline_date,
  (SELECT count(*) FROM occurrences AS o WHERE o.item_id = items.id) AS occurrences,
  reports.title AS first_report,
  items.first_report_id,
  first_occurrence.number,
  first_occurrence.page,
  '/corpus/' || reports.file_name || '#page=' || first_occurrence.page AS pdf,
  items.missing_since,
  items.deadline_text,
  -- Due by the analyst's target date when one is set, else by the deadline
  -- the report printed ("By 31 March 2024"); overdue as of today.
  coalesce(items.target_date, items.deadline_date) AS due,
  CASE WHEN items.status NOT IN ('closed', 'superseded')
        AND coalesce(items.target_date, items.deadline_date) < date('now')
       THEN 1 ELSE 0 END AS overdue
FROM items
LEFT JOIN reports ON reports.id = items.first_report_id
LEFT JOIN occurrences AS first_occurrence ON first_occurrence.id = (
  SELECT o.id FROM occurrences AS o
  WHERE o.item_id = items.id AND o.report_id = items.first_report_id
  ORDER BY o.position LIMIT 1
)
-- An item an analyst rejected (hmic item reject) or merged stays in `items`
-- with its history, but leaves the tables analysts read.
WHERE items.rejected_at IS NULL;

-- One row per printing of an item: which report, which page, and the link
-- that opens the PDF there.
CREATE VIEW IF NOT EXISTS occurrence_sources AS
SELECT
  occurrences.id AS occurrence_id,
  occurrences.item_id,
  occurrences.report_id,
  reports.title AS report,
  reports.published,
  reports.force,
  reports.kind AS report_kind,
  occurrences.position,
  occurrences.kind,
  occurrences.number,
  occurrences.page,
  '/corpus/' || reports.file_name || '#page=' || occurrences.page AS pdf,
  occurrences.text,
  occurrences.status_printed,
  occurrences.source_report,
  items.status,
  items.rag
FROM occurrences
JOIN reports ON reports.id = occurrences.report_id
JOIN items ON items.id = occurrences.item_id
WHERE items.rejected_at IS NULL;

