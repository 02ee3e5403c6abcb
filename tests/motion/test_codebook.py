"""The motion codebook: training, encode/decode, legend, storage and the shipped codebook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.codebook import (
    WINDOW,
    Codebook,
    CodebookError,
    canonical_positions,
    default_codebook,
    reconstruction_error,
    tokens_for,
    train_codebook,
    usage,
    window_features,
)
from motiondirector.motion.library import builtin_library, get_clip
from motiondirector.motion.quaternion import quat_multiply
from motiondirector.motion.retargeting import retarget
from motiondirector.plan.motion_plan import CodebookTokens

_LEXEMES = {"wave", "walk", "idle", "nod", "beat", "point", "sit", "shrug", "bow"}
_K = 16


def _training_clips() -> list[tuple[str, Motion]]:
    return [
        (clip.id, clip.motion())
        for clip in builtin_library()
        if clip.lexeme in _LEXEMES and clip.style == "neutral"
    ]


def _train() -> Codebook:
    clips = _training_clips()
    return train_codebook(
        [motion for _name, motion in clips],
        names=[name for name, _motion in clips],
        k=_K,
        hop=4,
        niter=10,
        seed=3,
    )


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return _train()


@pytest.fixture(scope="module")
def bandai_walk(bandai_dir: Path) -> Motion:
    return retarget(read_bvh(bandai_dir / "dataset-1_walk_normal_001.bvh")).motion


def _dominant(ids: np.ndarray) -> int:
    return int(np.bincount(ids).argmax())


def test_training_is_deterministic(codebook: Codebook) -> None:
    again = _train()
    assert again.id == codebook.id
    np.testing.assert_array_equal(again.centroids, codebook.centroids)
    np.testing.assert_array_equal(again.exemplars.rotations, codebook.exemplars.rotations)
    motion = get_clip("wave.right.normal.normal.neutral").motion()
    np.testing.assert_array_equal(again.encode(motion), codebook.encode(motion))


def test_another_seed_gives_another_codebook(codebook: Codebook) -> None:
    clips = _training_clips()
    other = train_codebook([m for _n, m in clips], k=_K, hop=4, niter=10, seed=4)
    assert other.id != codebook.id


def test_encode_gives_one_id_in_range_per_window(codebook: Codebook) -> None:
    motion = get_clip("walk.normal.normal.neutral").motion()
    ids = codebook.encode(motion)
    assert ids.shape == (motion.frames // WINDOW,)
    assert ids.min() >= 0
    assert ids.max() < _K
    assert codebook.encode(Motion.rest(WINDOW - 1)).shape == (0,)


def test_tokens_ignore_where_the_character_stands_and_faces(codebook: Codebook) -> None:
    motion = get_clip("walk.normal.normal.neutral").motion()
    turn = np.array([0.0, np.sin(np.pi / 4), 0.0, np.cos(np.pi / 4)])  # 90 degrees about +Y
    rotations = motion.rotations.copy()
    rotations[:, 0] = quat_multiply(turn, rotations[:, 0])
    x, y, z = motion.root_positions.T
    root = np.stack([z + 3.0, y, -x - 2.0], axis=1)  # the same 90-degree turn, then a move
    turned = Motion(rotations, root, motion.fps)
    np.testing.assert_array_equal(codebook.encode(turned), codebook.encode(motion))


def test_decode_gives_continuous_unit_motion(codebook: Codebook) -> None:
    wave = get_clip("wave.right.normal.normal.neutral").motion()
    ids = codebook.encode(wave)
    motion = codebook.decode(ids)
    assert motion.frames == len(ids) * WINDOW
    assert motion.fps == 30.0
    assert np.isfinite(motion.rotations).all()
    np.testing.assert_allclose(np.linalg.norm(motion.rotations, axis=-1), 1.0, atol=1e-6)
    # The crossfades spread each seam's jump: no frame-to-frame step is much larger than the
    # largest of the source (measured 0.17 m against 0.12 m; without them 0.37 m).
    steps = np.linalg.norm(np.diff(motion.joint_positions(), axis=0), axis=-1)
    source_steps = np.linalg.norm(np.diff(wave.joint_positions(), axis=0), axis=-1)
    assert steps.max() < 1.6 * source_steps.max()
    assert codebook.decode([]).frames == 0
    assert codebook.decode(ids, fps=60).fps == 60


def test_decode_rejects_unknown_tokens(codebook: Codebook) -> None:
    with pytest.raises(CodebookError, match="out of range"):
        codebook.decode([0, _K])


def test_decoded_walk_travels(codebook: Codebook) -> None:
    motion = get_clip("walk.normal.normal.neutral").motion()
    decoded = codebook.decode(codebook.encode(motion))
    travelled = np.linalg.norm(
        decoded.root_positions[-1, [0, 2]] - decoded.root_positions[0, [0, 2]]
    )
    original = np.linalg.norm(motion.root_positions[-1, [0, 2]] - motion.root_positions[0, [0, 2]])
    assert travelled > 0.5 * original > 0.5


def test_reconstruction_beats_standing_still(codebook: Codebook) -> None:
    errors, still = [], []
    for _name, motion in _training_clips():
        errors.append(reconstruction_error(motion, codebook))
        rest = canonical_positions(Motion.rest(motion.frames))
        still.append(np.linalg.norm(canonical_positions(motion) - rest, axis=-1).mean())
    # Measured: 0.017 m with K=16 (holding the rest pose instead: 0.113 m).
    assert np.mean(errors) < 0.03
    assert np.mean(errors) < 0.3 * np.mean(still)


def test_wave_and_walk_get_different_dominant_tokens(codebook: Codebook) -> None:
    wave = codebook.encode(get_clip("wave.right.normal.normal.neutral").motion())
    walk = codebook.encode(get_clip("walk.normal.normal.neutral").motion())
    assert _dominant(wave) != _dominant(walk)
    assert "walking" in codebook.legend[_dominant(walk)].description.lower()


def test_legend_describes_every_token(codebook: Codebook) -> None:
    assert [entry.token for entry in codebook.legend] == list(range(_K))
    assert all(entry.description.endswith(".") for entry in codebook.legend)
    assert all(entry.count > 0 for entry in codebook.legend)
    assert all("@" in entry.source for entry in codebook.legend)
    texts = " ".join(entry.description.lower() for entry in codebook.legend)
    assert "raised above the head" in texts
    assert "walking" in texts


def test_usage_counts_tokens_and_perplexity() -> None:
    used, perplexity = usage(np.array([0, 0, 1, 1]), 4)
    assert (used, round(perplexity, 9)) == (2, 2.0)
    used, perplexity = usage(np.array([3, 3, 3]), 4)
    assert (used, round(perplexity, 9)) == (1, 1.0)
    assert usage(np.zeros(0, dtype=np.int64), 4) == (0, 0.0)


def test_save_and_load_round_trip(codebook: Codebook, tmp_path: Path) -> None:
    path = tmp_path / "codebook.npz"
    codebook.save(path)
    loaded = Codebook.load(path)
    assert loaded.id == codebook.id
    assert loaded.legend == codebook.legend
    np.testing.assert_array_equal(loaded.centroids, codebook.centroids)
    motion = get_clip("nod.normal.normal.neutral").motion()
    np.testing.assert_array_equal(loaded.encode(motion), codebook.encode(motion))
    np.testing.assert_array_equal(
        loaded.decode([1, 2]).rotations, codebook.decode([1, 2]).rotations
    )
    assert f'"codebook": "{codebook.id}"' in loaded.legend_json()


def test_load_rejects_damaged_and_foreign_files(codebook: Codebook, tmp_path: Path) -> None:
    path = tmp_path / "codebook.npz"
    codebook.save(path)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["centroids"] = arrays["centroids"] + 1.0
    np.savez(path, **arrays)
    with pytest.raises(CodebookError, match="damaged"):
        Codebook.load(path)
    foreign = tmp_path / "foreign.npz"
    foreign.write_text("not a codebook")
    with pytest.raises(CodebookError, match="not a readable"):
        Codebook.load(foreign)


def test_training_needs_enough_windows() -> None:
    with pytest.raises(CodebookError, match="training windows"):
        train_codebook([Motion.rest(20)], k=16)


def test_default_codebook_encodes_a_bandai_walk(bandai_walk: Motion) -> None:
    codebook = default_codebook()
    assert codebook is default_codebook()
    assert codebook.size == 256
    tokens = tokens_for(bandai_walk)
    assert isinstance(tokens, CodebookTokens)
    assert tokens.codebook == codebook.id
    assert tokens.rate == pytest.approx(3.75)
    assert len(tokens.ids) == bandai_walk.frames // WINDOW
    dominant = _dominant(np.array(tokens.ids))
    assert "walking" in codebook.legend[dominant].description.lower()
    # Measured: 0.067 m on this clip (0.103 m over all 174 Bandai clips).
    assert reconstruction_error(bandai_walk, codebook) < 0.12


def test_default_codebook_reconstructs_the_builtin_library() -> None:
    codebook = default_codebook()
    clips = builtin_library()[::24]
    errors = [reconstruction_error(clip.motion(), codebook) for clip in clips]
    # Measured: 0.011 m mean over the whole library.
    assert np.mean(errors) < 0.025


def test_window_features_read_only_the_frames_they_need() -> None:
    """Forward kinematics runs on the 4 frames of a window the features read (of 8): the
    pose and velocity blocks equal those taken from every frame's canonical positions."""
    from motiondirector.motion.codebook import _pose_frames

    motion = get_clip("wave.right.large.fast.happy").motion()
    for hop in (8, 3):
        raw, starts = window_features(motion, 8, hop)
        canon = canonical_positions(motion)
        pose = canon[starts[:, None] + _pose_frames(8)[None, :]].reshape(len(starts), -1)
        velocity = ((canon[starts + 7] - canon[starts]) / (7 / motion.fps)).reshape(len(starts), -1)
        np.testing.assert_allclose(raw[:, : pose.shape[1]], pose, atol=1e-12)
        np.testing.assert_allclose(raw[:, pose.shape[1] : -3], velocity, atol=1e-12)
