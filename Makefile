# Two commands do everything on a fresh machine: `make extract` and `make test`.
# Both create the virtualenv with the pinned dependencies when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: all extract fetch test lint bench venv clean

all: extract

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

extract: $(STAMP)
	$(BIN)/python -m pipeline extract raw --out output

# make fetch URLS='urls.txt https://example.org/sitemap.xml' [FETCH_ARGS='--delay 5']
fetch: $(STAMP)
	@test -n "$(URLS)" || { echo "usage: make fetch URLS='URL | urls.txt | sitemap.xml ...'" >&2; exit 2; }
	$(BIN)/python -m pipeline fetch $(URLS) --out raw $(FETCH_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/mypy

# make bench [BENCH_ARGS='--rss-sizes 1000,20000 --profile']   (results also in bench/.out/results.json)
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/.corpus bench/.corpus-* bench/.out*
