"""The sentence embedder on the real bundled MiniLM model."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from motiondirector.embedding import (
    DEFAULT_MODEL_ID,
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
        single = embedder.embed([text])[0]
        assert float(single @ batch[i]) > 0.999


def test_empty_input_gives_an_empty_matrix(embedder: SentenceEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_a_bare_string_is_rejected(embedder: SentenceEmbedder) -> None:
    with pytest.raises(TypeError, match="sequence of strings"):
        embedder.embed("not a list")  # type: ignore[arg-type]


def test_get_embedder_is_cached_per_process() -> None:
    assert get_embedder() is get_embedder()


def test_float32_and_auto_precision_agree(embedder: SentenceEmbedder) -> None:
    exact = SentenceEmbedder(precision="float32")
    assert exact.precision == "float32"
    texts = ["I can't believe you did that!", "Pass the salt, please."]
    cosines = np.sum(exact.embed(texts) * embedder.embed(texts), axis=1)
    assert np.all(cosines > 0.999)


def test_an_explicit_model_directory_is_loaded(tmp_path: Path) -> None:
    copy = tmp_path / "my-model"
    shutil.copytree(default_model_path(), copy)
    explicit = get_embedder(str(copy))
    assert explicit.model_id == str(copy.resolve())
    assert explicit.embed(["hello"]).shape == (1, 384)


def test_a_directory_without_a_model_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="no sentence-transformers model"):
        SentenceEmbedder(tmp_path)


def test_importing_the_package_does_not_import_torch() -> None:
    code = (
        "import sys, motiondirector, motiondirector.embedding, motiondirector.planners.emotion; "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_bulk_calls_use_every_core_then_give_it_back(embedder: SentenceEmbedder) -> None:
    import torch

    texts = [f"Line number {i} of a long screenplay, spoken in anger." for i in range(130)]
    before = torch.get_num_threads()
    bulk = embedder.embed(texts)
    assert torch.get_num_threads() == before == 1
    one_by_one = np.vstack([embedder.embed([text]) for text in texts[:5]])
    assert np.allclose(bulk[:5], one_by_one, atol=5e-3)
