# hmic-register: every target an analyst or CI needs. The environment is .venv/.
PY      := .venv/bin/python
HMIC    := .venv/bin/hmic
STAMP   := .venv/.installed

.PHONY: install ingest test test-fast lint format corpus golden current score serve export report bench clean-venv

# Create .venv and install the register with its test tools (re-runs when pyproject changes).
install: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Load every new PDF in corpus/ into output/register.db (never deletes analysts' work).
ingest: install
	$(HMIC) ingest corpus/

# Run the whole test suite, goldens included.
test: install
	$(PY) -m pytest -q

# Run the quick tests only (under a minute): the slow ones are listed in tests/conftest.py.
test-fast: install
	$(PY) -m pytest -q -m "not slow"

# Check formatting and lint (ruff), and that every golden file and corpus/manifest.tsv
# rebuild unchanged from corpus/src and the committed PDFs (writes nothing; needs pdftotext).
lint: install
	$(PY) -m ruff format --check extract pipeline tests corpus
	$(PY) -m ruff check extract pipeline tests corpus
	$(PY) -m corpus.build --check

# Reformat the code in place.
format: install
	$(PY) -m ruff format extract pipeline tests corpus

# Rebuild corpus PDFs and their golden files from corpus/src (needs LibreOffice and chromium).
corpus: install
	$(PY) -m pip install --quiet -e '.[dev,corpus]'
	$(PY) -m corpus.build

# Rebuild only the golden files from corpus/src and the committed PDFs.
golden: install
	$(PY) -m pip install --quiet -e '.[dev,corpus]'
	$(PY) -m corpus.build --golden-only

# Score the extractor: the corpus and its layout variants, then ../shared/dev-set/.
score: install
	$(PY) -m tests.score
	test ! -d ../shared/dev-set || $(PY) ../shared/dev-set/score.py --cmd "$$PWD/$(HMIC) extract {pdf}"

# Write the extractor's current output beside the goldens (output/current/) to diff before committing.
current: install
	mkdir -p output/current
	for f in corpus/*.pdf; do $(HMIC) extract "$$f" > output/current/$$(basename "$$f" .pdf).json || true; done
	diff -ru tests/golden output/current || true

# Review the register in Datasette on 127.0.0.1.
serve: install
	$(HMIC) serve

# Print the register as JSON (contract §2).
export: install
	$(HMIC) export --format json

# Write the committee update for the last quarter (output/committee-update.html).
report: install
	$(HMIC) report --since $$(date -d '-3 months' +%F) --format html --output output/committee-update.html

# Measure pages per second and memory (prints a table; asserts nothing). The long
# bench reports are rendered from corpus sources on first use, hence the corpus extras.
bench: install
	$(PY) -m pip install --quiet -e '.[dev,corpus]'
	$(PY) -m tests.bench
