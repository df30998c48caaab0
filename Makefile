# Two commands for a newcomer (see README):
#   make run    set up, build the index, answer a real question end to end
#   make test   set up with the test extras and the local model, lint, run every test
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= How do I get department heads involved in choosing the ERP?

.PHONY: run test install install-dev lint bench eval clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# llama-cpp-python compiles from source the first time (minutes on 2 cores);
# pip keeps the built wheel in its cache, so later set-ups reuse it.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev,local]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/cio-coach index
	$(BIN)/cio-coach ask "$(QUESTION)"

lint: install-dev
	$(BIN)/ruff check bot tests bench
	$(BIN)/lint-imports

test: install-dev lint
	$(BIN)/pytest

bench: install-dev
	$(BIN)/python -m bench

eval: install
	$(BIN)/python ../shared/eval/score.py ask ../shared/eval/questions_dev.jsonl -- $(BIN)/cio-coach ask --jsonl
	$(BIN)/python ../shared/eval/score.py check ../shared/eval/drafts_dev.jsonl -- $(BIN)/cio-coach check --jsonl

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
