"""YAML data: a key given twice in a mapping is refused with its line, not silently overridden
(two glossary entries for one phrase once left the first one dead)."""

from __future__ import annotations

import pytest
import yaml

from motiondirector.yaml_data import load_yaml


def test_a_key_given_twice_is_refused_with_its_line() -> None:
    with pytest.raises(yaml.YAMLError) as raised:
        load_yaml("verbs:\n  embrasse: hugs\n  sourit: smiles\n  embrasse: kisses\n")
    assert "'embrasse' is given twice" in str(raised.value)
    assert "line 4" in str(raised.value)


def test_plain_data_and_merge_keys_still_load() -> None:
    assert load_yaml("a: 1\nb: [x, y]\nc: {d: 2}\n") == {"a": 1, "b": ["x", "y"], "c": {"d": 2}}
    assert load_yaml("base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n")["more"] == {"x": 1, "y": 2}
