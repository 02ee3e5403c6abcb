"""Reading YAML data (the package's tables, users' rig maps and case files): with libyaml's C
loader where PyYAML was built with it, several times faster on the tables read at every start,
else the pure-Python one. Both are safe loaders: plain data, no Python objects. A mapping that
gives a key twice is refused, with its line: YAML would silently keep the last value."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BASE):  # type: ignore[misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *base" merges another mapping in
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"the key {key!r} is given twice",
                        key_node.start_mark,
                    )
                seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def load_yaml(text: str) -> Any:
    """The data of a YAML document; `yaml.YAMLError` when it is not one or gives a key twice."""
    return yaml.load(text, Loader=_UniqueKeyLoader)
