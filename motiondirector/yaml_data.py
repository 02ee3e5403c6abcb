"""Reading YAML data (the package's tables, users' rig maps and case files): with libyaml's C
loader where PyYAML was built with it, several times faster on the tables read at every start,
else the pure-Python one. Both are safe loaders: plain data, no Python objects."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data of a YAML document; `yaml.YAMLError` when it is not one."""
    return yaml.load(text, Loader=_LOADER)
