# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OMP_NUM_THREADS := 1
export TOKENIZERS_PARALLELISM := false
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build: otherwise a dependency pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	# llama.cpp (it serves the tests' small real LLM) has no wheel on PyPI and builds here. Built
	# for any x86-64 with AVX2, not for this CPU: a native build uses the AMX tiles of CPUs that
	# have them, and where the sandbox does not grant AMX the server dies on its first request.
	# No wheel cache, so a native build made earlier is not reused.
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q --no-cache-dir --no-deps llama-cpp-python
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
