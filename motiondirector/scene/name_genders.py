"""The pronoun a character's name makes likely, before the script says which.

A pronoun goes to the last character mentioned of its gender (`actions.ReferenceTracker`), and
a character's gender is learnt from what the script says of them ("Nora crosses her arms", "her
son LEO"). Until it says, the name is the best guess a reader has: "CLAIRE VANCE steps inside.
... She crosses to the desk." is Claire, not the detective who spoke last. The guess comes from
a title ("MRS. HUDSON", "FATHER BROWN", "AUNT MAY") or the first name, looked up in
`data/first_names.yaml` (given names that nearly always name one gender; names given to both
are left out). What the script says wins over the guess.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from motiondirector.scene.names import ARTICLES, TITLES, name_words
from motiondirector.yaml_data import load_yaml

_MALE_TITLES = frozenset(
    {"mr", "mister", "sir", "lord", "king", "prince", "father", "brother", "uncle", "grandpa"}
)
_FEMALE_TITLES = frozenset(
    {"mrs", "ms", "miss", "madam", "madame", "lady", "dame", "queen", "princess", "mother",
     "sister", "aunt", "grandma", "nanny"}
)  # fmt: skip


@cache
def _first_names() -> dict[str, str]:
    text = resources.files("motiondirector.scene").joinpath("data", "first_names.yaml")
    data = load_yaml(text.read_text("utf-8"))
    names = {name: "f" for name in data["female"]}
    for name in data["male"]:
        if names.pop(name, None) is not None:
            raise ValueError(f"first_names.yaml gives {name!r} both genders")
        names[name] = "m"
    return names


def title_gender(word: str) -> str | None:
    """The gender, m or f, a title says ("miss", "lord"; lower case, no stop), else None."""
    return "m" if word in _MALE_TITLES else "f" if word in _FEMALE_TITLES else None


def is_given_name(word: str) -> bool:
    """Whether `word` is a given name of `data/first_names.yaml` ("DEB" is; "NURSE" is not)."""
    return word.casefold() in _first_names()


def name_gender(name: str) -> str | None:
    """The gender, m or f, the character's name tells ("CLAIRE VANCE", "MR. SMITH",
    "DETECTIVE RAY MORENO"), else None ("BRICK", "THE DOCTOR", "ALEX")."""
    words = [w for w in name_words(name) if w not in ARTICLES]
    for word in words:
        if word in _MALE_TITLES:
            return "m"
        if word in _FEMALE_TITLES:
            return "f"
        if word not in TITLES:
            return _first_names().get(word)
    return None
