# Two commands do everything on a fresh machine: `make extract` and `make test`.
# Both first bring the virtualenv up to date (tools/venv.py): built with $(PYTHON), the first
# `python3` on PATH unless you say `make PYTHON=/path/to/python3.X ...`; a set-up that failed
# or was interrupted is started afresh by the next `make`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: all extract fetch test lint bench docs venv clean

all: extract

venv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	    echo "error: Python 3.11 or newer is needed, and '$(PYTHON)' is $$(command -v '$(PYTHON)' >/dev/null && '$(PYTHON)' --version 2>&1 || echo 'not found'): run make PYTHON=/path/to/python3.11-or-newer" >&2; \
	    exit 1; }
	@$(PYTHON) tools/venv.py $(VENV)

extract: venv
	$(BIN)/python -m pipeline extract raw --out output

# make fetch URLS='urls.txt https://example.org/sitemap.xml' [FETCH_ARGS='--delay 5']
fetch: venv
	@test -n "$(URLS)" || { echo "usage: make fetch URLS='URL | urls.txt | sitemap.xml ...'" >&2; exit 2; }
	$(BIN)/python -m pipeline fetch $(URLS) --out raw $(FETCH_ARGS)

test: venv
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/python -m ruff check pipeline tests bench tools docs
	$(BIN)/python -m mypy
	$(BIN)/python -m mypy --strict tools/venv.py docs/make_docs.py

# make bench [BENCH_ARGS='--rss-sizes 1000,20000 --profile']   (results also in bench/.out/results.json)
bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# the README's example outputs and docs/report.png, from a run over raw/ (docs/make_docs.py)
# make docs [DOCS_ARGS=--screenshot]   (the screenshot is taken again only when its figures change)
docs: venv
	$(BIN)/python -m docs.make_docs $(DOCS_ARGS)

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/.corpus bench/.corpus-* bench/.out*
