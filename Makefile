# Nämndassistenten: `make run` (install, index the bundled corpus, open the chat) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LLAMA_CPP := llama-cpp-python[server]>=0.3.16

.PHONY: install run test quicktest browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	# torch first, pinned to the local CPU build, or pip pulls GBs of CUDA wheels
	$(BIN)/python -m pip install torch==2.13.0
	# llama-cpp-python: a prebuilt wheel where one is reachable (PyPI has only sdists for linux; a
	# mirror or --find-links dir may have one), else a build of just what we load (no mtmd/llava
	# library), which is most of a fresh install's time (docs/performance.md, "Setup time").
	$(BIN)/python -m pip install --only-binary=llama-cpp-python '$(LLAMA_CPP)' 2>/dev/null || { \
	  echo "No prebuilt llama-cpp-python wheel for this platform; building it from source (minutes)."; \
	  CMAKE_ARGS="-DLLAVA_BUILD=OFF $$CMAKE_ARGS" $(BIN)/python -m pip install '$(LLAMA_CPP)'; }
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests; never `playwright install` (no internet).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Installera chromium (sudo apt-get install chromium) för webbläsartesterna."; fi; }

run: install
	$(BIN)/namnd ingest
	$(BIN)/namnd serve

test: install browser
	$(BIN)/python -m pytest

quicktest: install
	$(BIN)/python -m pytest -m "not slow" -x -q

clean:
	rm -rf .namnd .pytest_cache
