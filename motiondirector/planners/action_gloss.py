"""Action lines in Spanish, French, German, Italian and Portuguese, read by the English grammar.

These languages write action the way English does: the subject, then the verb, then what it is
aimed at ("Ana se sienta y mira a Ben.", "Marie croise les bras.", "Hans schüttelt den Kopf.").
So an action line in one of them is glossed word for word into the English the action parser
reads: each phrase of the language's glossary (`planners/data/action_languages.yaml`; "se
sienta" -> "sits", "la regarde" -> "looks at her", "tous les deux" -> "both") becomes its English
words, the longest phrase first; a word of a character's name stays as written; any other word
becomes a word the grammar knows nothing of, so that a Spanish "come" (eats) or an Italian "ride"
(laughs) is never read as the English verb. The parser then finds subjects, pronouns, groups and
targets as in English, and reports what it found in the line's own words.

An elided article or pronoun (French "l'", "s'", Italian "l'", "dell'") is its own word, so
"s'assoit" is "s'" then "assoit". A language may negate after the verb (German "nicht"): such a
word puts "not" before the verb before it, where the English grammar looks for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from motiondirector.cache import load_once
from motiondirector.plan.scene import primary_language
from motiondirector.yaml_data import load_yaml

NOT = "not"


@dataclass(frozen=True, slots=True)
class Glossed:
    """One word for the English grammar.

    english: the English word, the word itself where it is kept (a name, punctuation), or None
        for a word the glossary does not know.
    written: the words of the line this one stands for: the whole phrase on the first English
        word of a phrase, "" on the others.
    """

    english: str | None
    written: str


@dataclass(frozen=True, slots=True)
class ActionGloss:
    """One language's glossary."""

    language: str
    name: str
    phrases: Mapping[tuple[str, ...], tuple[str, ...]]
    elisions: frozenset[str]
    negation_after: frozenset[str]

    def words(self, raw: Iterable[str]) -> list[str]:
        """`raw` tokens with each elided word split off its host ("s'assoit" -> "s'", "assoit")."""
        out: list[str] = []
        for token in raw:
            cut = token.find("'") + 1
            if 0 < cut < len(token) and token[:cut].lower() in self.elisions:
                out.extend((token[:cut], token[cut:]))
            else:
                out.append(token)
        return out

    def translate(
        self, raw: Sequence[str], keep: Callable[[str], bool], verbs: frozenset[str]
    ) -> list[Glossed]:
        """The English words of tokens `raw` (already split by `words`).

        keep: whether a word (lower case) is one to pass as it is: a word of a character's name.
            A capitalised word is kept in preference to a phrase it begins; a lower-case one is
            glossed first ("la" the article, not a character called La).
        verbs: the English verb forms, where a negation after the verb puts its "not"."""
        lows = [token.lower() for token in raw]
        longest = max((len(words) for words in self.phrases), default=1)
        out: list[Glossed] = []
        verb_at = -1  # where the English words of the last verb phrase begin in `out`
        index = 0
        while index < len(raw):
            token, low = raw[index], lows[index]
            if not token[:1].isalnum() or (token[:1].isupper() and keep(low)):
                out.append(Glossed(token, token))
                index += 1
                continue
            if low in self.negation_after and verb_at >= 0:
                out.insert(verb_at, Glossed(NOT, ""))
                verb_at = -1
                index += 1
                continue
            found = next(
                (
                    size
                    for size in range(min(longest, len(raw) - index), 0, -1)
                    if tuple(lows[index : index + size]) in self.phrases
                ),
                0,
            )
            if found:
                english = self.phrases[tuple(lows[index : index + found])]
                written = self._join(raw[index : index + found])
                if english and english[0] in verbs:
                    verb_at = len(out)
                out.extend(
                    Glossed(word, written if number == 0 else "")
                    for number, word in enumerate(english)
                )
                if not english:  # a word English leaves unsaid ("se"): said in the trigger
                    out.append(Glossed(None, written))
                index += found
                continue
            out.append(Glossed(low if keep(low) else None, token))
            index += 1
        return self._glue(out)

    def _is_elision(self, written: str) -> bool:
        return written.lower() in self.elisions

    def _join(self, tokens: Sequence[str]) -> str:
        """Tokens as written: an elided word and its host without a space ("s'assoit")."""
        text = ""
        for token in tokens:
            text += token if not text or self._is_elision(text.rsplit(" ", 1)[-1]) else " " + token
        return text

    def _glue(self, words: list[Glossed]) -> list[Glossed]:
        """An elided word glossed on its own is shown with the next word: "l'homme"."""
        glued: list[Glossed] = []
        elided = ""
        for word in words:
            if self._is_elision(word.written):
                elided += word.written
                glued.append(Glossed(word.english, ""))
                continue
            if elided and word.written:
                word = Glossed(word.english, elided + word.written)
                elided = ""
            glued.append(word)
        return glued

    def unknown_words(self, vocabulary: frozenset[str]) -> list[str]:
        """Phrases whose English has a word outside `vocabulary`, as "phrase -> english"."""
        return [
            f"{' '.join(source)} -> {' '.join(english)}"
            for source, english in self.phrases.items()
            if any(word not in vocabulary for word in english)
        ]


_SPLIT = re.compile(r"\s+")


def _phrases(
    language: str, raw: Mapping[Any, Any], elisions: frozenset[str]
) -> dict[tuple[str, ...], tuple[str, ...]]:
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    splitter = ActionGloss(language, "", {}, elisions, frozenset())
    for source, english in raw.items():
        if not isinstance(source, str) or not isinstance(english, str):
            raise ValueError(
                f"action_languages.yaml: {language}: {source!r}: {english!r}: both the phrase "
                "and its English must be text (quote yes, no, on and off)"
            )
        words = tuple(splitter.words(_SPLIT.split(source.strip().lower())))
        if words in phrases:
            shown = " ".join(words)
            raise ValueError(f"action_languages.yaml: {language}: {shown!r} is glossed twice")
        phrases[words] = tuple(english.split())
    return phrases


def parse_action_glosses(data: Any) -> dict[str, ActionGloss]:
    """Every language's glossary from the data of `action_languages.yaml`; ValueError naming
    the language and phrase where it is malformed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("languages"), Mapping):
        raise ValueError("action_languages.yaml: expected a mapping with `languages`")
    glosses: dict[str, ActionGloss] = {}
    for language, raw in data["languages"].items():
        if not isinstance(raw, Mapping) or not isinstance(raw.get("gloss"), Mapping):
            raise ValueError(f"action_languages.yaml: {language}: expected `name` and `gloss`")
        elisions = frozenset(str(word).lower() for word in raw.get("elisions", ()))
        glosses[str(language)] = ActionGloss(
            language=str(language),
            name=str(raw.get("name", language)),
            phrases=_phrases(str(language), raw["gloss"], elisions),
            elisions=elisions,
            negation_after=frozenset(str(w).lower() for w in raw.get("negation_after", ())),
        )
    return glosses


@load_once
def action_glosses() -> dict[str, ActionGloss]:
    """The glossaries of the package data, by language subtag (es, fr, de, it, pt)."""
    text = (
        resources.files("motiondirector.planners")
        .joinpath("data/action_languages.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_action_glosses(load_yaml(text))


def gloss_for(language: str | None) -> ActionGloss | None:
    """The glossary that reads action written in `language` (a BCP 47 tag), if there is one."""
    return action_glosses().get(primary_language(language) or "")
