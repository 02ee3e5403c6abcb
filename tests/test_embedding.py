"""The sentence embedder on the real bundled MiniLM model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from motiondirector.cache import CACHE_ENV, entry_lock_path
from motiondirector.embedding import (
    DEFAULT_MODEL_ID,
    PRECISION_ENV,
    SentenceEmbedder,
    default_model_path,
    get_embedder,
)
from motiondirector.errors import BackendUnavailableError


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return get_embedder()


def test_vectors_are_384_dimensional_float32_and_unit_length(embedder: SentenceEmbedder) -> None:
    vectors = embedder.embed(["Hello there.", "The ship sails at dawn, with or without you."])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.dimension == 384
    assert embedder.model_id == DEFAULT_MODEL_ID


def test_similar_sentences_are_closer_than_unrelated_ones(embedder: SentenceEmbedder) -> None:
    cat, kitten, tax = embedder.embed(
        [
            "The cat is sleeping on the sofa.",
            "A kitten naps on the couch.",
            "Quarterly tax filings are due next month.",
        ]
    )
    assert float(cat @ kitten) > float(cat @ tax) + 0.3


def test_output_rows_follow_input_order_and_repeat_exactly(embedder: SentenceEmbedder) -> None:
    texts = ["a much longer sentence that sorts after the others by length", "hi", "good morning"]
    batch = embedder.embed(texts)
    again = embedder.embed(texts)
    assert np.array_equal(batch, again)
    for i, text in enumerate(texts):
        # A text's vector does not depend on the texts embedded beside it.
        np.testing.assert_array_equal(embedder.embed([text])[0], batch[i])


def test_empty_input_gives_an_empty_matrix(embedder: SentenceEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_a_bare_string_is_rejected(embedder: SentenceEmbedder) -> None:
    with pytest.raises(TypeError, match="sequence of strings"):
        embedder.embed("not a list")  # type: ignore[arg-type]


def test_get_embedder_is_cached_per_process() -> None:
    assert get_embedder() is get_embedder()


def test_int8_is_the_default_and_stays_close_to_float32(embedder: SentenceEmbedder) -> None:
    exact = get_embedder(precision="float32")
    assert (embedder.precision, exact.precision) == ("int8", "float32")
    texts = ["I can't believe you did that!", "Pass the salt, please.", "waves goodbye sadly"]
    cosines = np.sum(exact.embed(texts) * embedder.embed(texts), axis=1)
    assert np.all(cosines > 0.96)
    assert np.all(cosines < 0.99999)  # the int8 graph really is a different one


def test_float32_matches_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    texts = ["The ship sails at dawn.", "a" * 2000, "Hi!"]  # the second one is truncated
    reference = SentenceTransformer(str(default_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    ours = get_embedder(precision="float32").embed(texts)
    np.testing.assert_allclose(np.sum(ours * reference, axis=1), 1.0, atol=1e-5)


def test_the_export_is_cached_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    tmp_path = tmp_path / "cache"
    work = tmp_path.parent / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # the exporter and the quantizer must leave it alone
    first = SentenceEmbedder(precision="float32")
    assert first.onnx_path.is_relative_to(tmp_path)
    written = first.onnx_path.stat().st_mtime_ns
    second = SentenceEmbedder(precision="float32")
    assert second.onnx_path == first.onnx_path
    assert second.onnx_path.stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.glob("onnx/*/.export-*")] == []  # no staging left behind
    np.testing.assert_array_equal(first.embed(["hello"]), second.embed(["hello"]))
    assert list(work.iterdir()) == []


def test_nothing_is_written_outside_the_cache_setting(
    embedder: SentenceEmbedder, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    code = "from motiondirector.embedding import get_embedder; get_embedder().embed(['hi'])"
    # The cache stays where the suite keeps it; only HOME and the working directory move.
    env = {**os.environ, "HOME": str(home), CACHE_ENV: str(embedder.onnx_path.parents[3])}
    env.pop("ORT_DISABLE_TELEMETRY", None)
    env.pop("XDG_CACHE_HOME", None)
    subprocess.run([sys.executable, "-c", code], cwd=work, env=env, check=True)
    assert list(home.rglob("*")) == [] and list(work.iterdir()) == []


def test_a_corrupt_cache_entry_says_how_to_recover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    source = get_embedder(precision="float32").onnx_path.parent
    key = source.relative_to(source.parents[1])
    target = tmp_path / "onnx" / key
    target.mkdir(parents=True)
    (target / "embedder.json").write_text("{not json")
    with pytest.raises(BackendUnavailableError, match="delete that directory"):
        SentenceEmbedder(precision="float32")


def test_a_damaged_cached_model_says_how_to_recover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    source = get_embedder(precision="float32").onnx_path.parent
    target = tmp_path / "onnx" / source.relative_to(source.parents[1])
    shutil.copytree(source, target)
    (target / "model.onnx").write_bytes(b"\x08\x07 not a protobuf")
    with pytest.raises(BackendUnavailableError, match="delete"):
        SentenceEmbedder(precision="float32")


def test_an_unwritable_cache_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    with pytest.raises(BackendUnavailableError, match=CACHE_ENV):
        SentenceEmbedder(precision="float32")


def test_the_precision_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PRECISION_ENV, "float16")
    with pytest.raises(ValueError, match=PRECISION_ENV):
        get_embedder()
    with pytest.raises(ValueError, match="precision"):
        SentenceEmbedder(precision="bfloat16")  # type: ignore[arg-type]


def test_an_explicit_model_directory_is_loaded(tmp_path: Path) -> None:
    copy = tmp_path / "my-model"
    shutil.copytree(default_model_path(), copy)
    explicit = get_embedder(str(copy))
    assert explicit.model_id == str(copy.resolve())
    assert explicit.onnx_path == get_embedder().onnx_path  # a copy shares the export
    assert explicit.embed(["hello"]).shape == (1, 384)


def test_a_directory_without_a_model_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="no sentence-transformers model"):
        SentenceEmbedder(tmp_path)


def test_embedding_with_a_warm_cache_does_not_import_torch(embedder: SentenceEmbedder) -> None:
    code = (
        "import sys, motiondirector, motiondirector.embedding, motiondirector.planners.emotion; "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules); "
        "from motiondirector.embedding import get_embedder; get_embedder().embed(['hi']); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False"] * 4


def test_bulk_calls_give_each_text_the_vector_it_gets_alone(embedder: SentenceEmbedder) -> None:
    texts = [f"Line number {i} of a long screenplay, spoken in anger." for i in range(130)]
    bulk = embedder.embed(texts)  # spread over every core
    for row in (0, 1, 64, 129):
        np.testing.assert_array_equal(bulk[row], embedder.embed([texts[row]])[0])


def test_an_export_under_way_elsewhere_is_waited_for_and_not_repeated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fcntl = pytest.importorskip("fcntl")
    finished = get_embedder(precision="float32").onnx_path.parent
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    target = tmp_path / "onnx" / finished.relative_to(finished.parents[1])
    lock = entry_lock_path(target)
    lock.parent.mkdir(parents=True)
    loaded: list[SentenceEmbedder] = []
    with open(lock, "a+b") as other_process:  # another process is exporting this model
        fcntl.flock(other_process.fileno(), fcntl.LOCK_EX)
        starter = threading.Thread(
            target=lambda: loaded.append(SentenceEmbedder(precision="float32"))
        )
        starter.start()
        said = ""
        for _ in range(400):  # until the starter says it waits (it must not export meanwhile)
            said += capsys.readouterr().err
            if "waiting for another process" in said or not starter.is_alive():
                break
            starter.join(0.05)
        # The other process finishes: its export appears in one step, then it unlocks.
        staging = target.parent / ".staging"
        shutil.copytree(finished, staging)
        staging.rename(target)
        fcntl.flock(other_process.fileno(), fcntl.LOCK_UN)
    starter.join()
    said += capsys.readouterr().err
    assert "waiting for another process" in said
    assert "preparing the embedding model at" not in said  # it loaded the other's export
    assert loaded[0].onnx_path == target / "model.onnx"
    np.testing.assert_array_equal(
        loaded[0].embed(["hello"]), get_embedder(precision="float32").embed(["hello"])
    )


def test_an_export_leaves_the_process_and_its_other_threads_alone(tmp_path: Path) -> None:
    """The exporter silences logging for its whole process while it runs and leaves torch
    loaded; it runs in a child, so a server's other threads keep logging and it stays small."""
    code = """
import logging, sys, threading, time
from pathlib import Path
logging.basicConfig(format="LOGGED %(message)s")
from motiondirector.embedding import SentenceEmbedder
exporting = threading.Thread(target=lambda: SentenceEmbedder(precision="float32"))
exporting.start()
cache = Path(sys.argv[1])
while exporting.is_alive() and not list(cache.glob("onnx/*/.export-*")):
    time.sleep(0.01)
time.sleep(1.0)  # well inside the export, which takes seconds
logging.getLogger("app").warning("a request's warning during the export")
exporting.join()
print("torch" in sys.modules, "sentence_transformers" in sys.modules)
"""
    cache = tmp_path / "cache"
    result = subprocess.run(
        [sys.executable, "-c", code, str(cache)],
        env={**os.environ, CACHE_ENV: str(cache)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "LOGGED a request's warning during the export" in result.stderr
    assert result.stdout.split() == ["False", "False"]
    assert list(cache.glob("onnx/*/float32/model.onnx"))


def test_an_export_that_cannot_be_made_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    model = tmp_path / "sqrt-pooled"
    shutil.copytree(default_model_path(), model)
    pooling = model / "1_Pooling" / "config.json"
    pooling.write_text(
        pooling.read_text()
        .replace('"pooling_mode_mean_tokens": true', '"pooling_mode_mean_tokens": false')
        .replace(
            '"pooling_mode_mean_sqrt_len_tokens": false',
            '"pooling_mode_mean_sqrt_len_tokens": true',
        )
    )
    with pytest.raises(BackendUnavailableError, match="pools with 'mean_sqrt_len_tokens'"):
        SentenceEmbedder(model, precision="float32")
    assert [p.name for p in (tmp_path / "cache").glob("onnx/*/*") if p.is_dir()] == []
