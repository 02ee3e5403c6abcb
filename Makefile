# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OMP_NUM_THREADS := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build: otherwise a dependency pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/motiondirector demo examples/the_key.fountain --out out/the_key
	# The main job: the plan realized with library clips, BVH per character and a preview video.
	$(BIN)/motiondirector direct examples/the_key.fountain --out out/the_key_scene --preview

test: $(STAMP)
	$(BIN)/ruff check motiondirector tests benchmarks scripts notebooks
	$(BIN)/ruff format --check motiondirector tests benchmarks scripts notebooks
	$(BIN)/mypy motiondirector
	$(BIN)/pytest -q
	# The notebooks run headless against the package and the shared data.
	$(BIN)/pytest -q --nbmake notebooks/

bench: $(STAMP)
	$(BIN)/python benchmarks/planning.py
	$(BIN)/python benchmarks/llm_planner.py

clean:
	rm -rf $(VENV) out build dist .pytest_cache .mypy_cache .ruff_cache
