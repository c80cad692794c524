# The README's two commands: `make demo` and `make test`. Each creates .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := ../shared/corpus-sources
export HF_HUB_OFFLINE := 1

.PHONY: demo test bench bench-crosslang bench-speed bench-positions bench-scale clean

$(STAMP): pyproject.toml
	@# Browser tests drive Debian's Chromium; the PDF tests draw with DejaVu. Installed when missing
	@# (as root, as on CI); without them those tests skip, saying why.
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && test -d /usr/share/fonts/truetype/dejavu \
		|| { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		     && apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null; } \
		|| echo "note: chromium, chromium-driver or fonts-dejavu-core missing: browser and PDF tests will skip" >&2
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: the CPU build; a bare dependency would pull a CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@test -d $(SOURCES) || { echo "error: $(SOURCES) not found: the demo compares the reference texts there" >&2; exit 1; }
	$(BIN)/treatydiff corpus import $(SOURCES)
	$(BIN)/treatydiff compare budapest-convention-en uncac-en --level article --json reports/budapest-convention-en--uncac-en.json
	$(BIN)/treatydiff compare budapest-convention-en uncac-en --level paragraph -o reports/budapest-convention-en--uncac-en.paragraph.html
	$(BIN)/treatydiff compare budapest-convention-en budapest-protocol-ets189-en --level article --json reports/budapest-convention-en--budapest-protocol-ets189-en.json
	$(BIN)/treatydiff positions sputnik-2024-03-29-ict-convention-raw budapest-convention-en uncac-en
	$(BIN)/python benchmarks/score_gold.py $(SOURCES)/../eval/budapest-ets189.gold.json

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/quality/run.py

bench-crosslang: $(STAMP)
	$(BIN)/python benchmarks/quality/crosslang.py

bench-positions: $(STAMP)
	$(BIN)/python benchmarks/positions/run.py --calibrate
	$(BIN)/python benchmarks/positions/verdict_features.py

bench-speed: $(STAMP)
	$(BIN)/python benchmarks/speed.py

bench-backends: $(STAMP)
	$(BIN)/python benchmarks/backends.py

# Long (about 45 min here): 1,000 compiled redrafts, 453,876 segments to index (docs/scale.md, "Benchmark").
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py --model onnx

clean:
	rm -rf $(VENV) build dist src/*.egg-info
