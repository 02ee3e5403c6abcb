#!/usr/bin/env bash
# The GPU check of the generators (docs/benchmarks.md § Generation) as one prepared command for a
# GPU machine that cannot reach a package index and has PyTorch but not the project's other needs.
#
#   bash scripts/gpu_check.sh pins    # the wheels fetch takes: name==version installed here
#   bash scripts/gpu_check.sh fetch   # here, with network: the missing wheels into .whl/ (ignored by git)
#   bash scripts/gpu_check.sh run     # there, from the repository root, with .whl/ carried along
#   bash scripts/gpu_check.sh run --layers 1 --size 128x128 --frames 9 --steps 1   # a quick check
#
# `run` installs the wheels into /tmp/site, imports the project from the source tree, times the
# conditioning paths and the real-size Wan2.1-VACE 1.3B chunk with each speed option, and writes
# the log, the profiler's trace (gzipped) and the updated docs/benchmarks.md under $OUT (else /tmp/gpu-check).
set -euo pipefail

# What the GPU image lacks of what benchmarks/generators.py imports (compare `pip list` here with
# the image's package list); `fetch` takes each at the version installed here, the one the
# project is tested with (`bash scripts/gpu_check.sh pins` prints them).
PACKAGES=(diffusers pydantic pydantic-core annotated-types typing-inspection typing-extensions
    importlib-metadata ftfy wcwidth)
PYTHON_VERSION=${GPU_PYTHON_VERSION:-3.12}
VARIANTS=plain,distilled-4,distilled-4+bf16-vae,distilled-4+bf16-vae+compile,distilled-4+bf16-vae+group-offload

pins() {
    "${PYTHON:-.venv/bin/python}" -c 'import sys, importlib.metadata as m
for name in sys.argv[1:]:
    print(f"{name}=={m.version(name)}")' "${PACKAGES[@]}"
}

fetch() {
    local wheels
    wheels=$(pins)
    rm -rf .whl && mkdir -p .whl
    local platforms=()
    for tag in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64; do
        platforms+=(--platform "$tag")
    done
    # shellcheck disable=SC2086  # PIP may be a command with arguments; $wheels one per word
    ${PIP:-.venv/bin/python -m pip} download -q --no-deps --only-binary=:all: --python-version "$PYTHON_VERSION" \
        --implementation cp "${platforms[@]}" -d .whl $wheels
    du -sh .whl
}

run() {
    local out=${OUT:-/tmp/gpu-check}
    mkdir -p "$out"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
    {
        nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
        python3 -c 'import torch, diffusers; print("torch", torch.__version__, "diffusers", diffusers.__version__)'
        python3 benchmarks/generators.py --prepare --backend wan-vace
        python3 benchmarks/generators.py --random-weights wan-1.3b --variants "$VARIANTS" \
            --vae-tolerance --profile distilled-4+bf16-vae --trace "$out/wan-1.3b-chunk.json" "$@"
    } 2>&1 | tee "$out/log"
    cp docs/benchmarks.md "$out/benchmarks.md"
    # A file over 16 MiB would not come back from the machine.
    gzip -f "$out/wan-1.3b-chunk.json"
}

case "${1:-}" in
    pins) pins ;;
    fetch) fetch ;;
    run) shift; run "$@" ;;
    *) echo "usage: bash scripts/gpu_check.sh pins|fetch|run" >&2; exit 2 ;;
esac
