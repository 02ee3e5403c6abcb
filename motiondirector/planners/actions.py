"""Reads action lines ("Ana crosses her arms. He sits down heavily.") into who does what.

Finds the verbs of the action lexicon (every form: crosses, crossed, crossing), works out each
verb's subject -- a character name (first or full name, any case), a group ("they", "the men",
"both"), a pronoun resolved to the character last mentioned of that gender -- and the character
or place it is aimed at. A verb whose subject is not a known character produces nothing: it
never guesses. It returns templates with characters; building Behaviours is `rules.py`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from motiondirector.planners.cues import ActionEntry, BehaviourTemplate, CueLexicon

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019\-]*|--|[,;:.!?\u2014]")
_SENTENCE_BREAK = frozenset({".", "!", "?", ";", ":", "--", "\u2014"})
_ARTICLES = frozenset({"a", "an", "the"})
_DETERMINERS = _ARTICLES | frozenset({"his", "her", "their", "my", "your", "its", "our", "this"})
_CONJUNCTIONS = frozenset({",", "and", "then", "but", "or", "while", "as", "before", "after", "&"})
_PREPOSITIONS = frozenset(
    {"at", "to", "with", "toward", "towards", "into", "from", "for", "on", "behind", "beside",
     "near", "past", "by", "of", "over", "onto", "around", "about"}
)  # fmt: skip
_NEGATIONS = frozenset({"not", "never", "without", "doesn't", "don't", "didn't", "won't", "can't"})
_SKIPPABLE = frozenset(
    {"is", "are", "was", "were", "be", "been", "begins", "begin", "began", "starts", "start",
     "started", "tries", "try", "tried", "to", "also", "just", "still", "then", "now", "again",
     "too", "suddenly", "slowly", "quickly", "finally", "immediately", "instantly", "simply",
     "only", "even", "already", "almost", "nearly", "barely", "gently", "softly", "heavily",
     "can", "could", "will", "would", "has", "have", "had", "does", "did", "do", "proceeds",
     "continues", "keeps", "stops"}
)  # fmt: skip
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_DOWN = frozenset({"floor", "ground", "feet", "down", "table", "desk", "lap", "hands", "shoes"})
_UP = frozenset({"ceiling", "sky", "up", "heavens", "heaven", "stars", "roof"})
_CAMERA = frozenset({"us", "camera", "lens", "audience", "viewer", "viewers", "screen"})


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    low: str  # lower case, possessive 's removed
    possessive: bool
    upper: bool


def _tokens(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for raw in _TOKEN.findall(text.replace("\u2019", "'")):
        low = raw.lower()
        possessive = low.endswith("'s") or (low.endswith("s'") and len(low) > 2)
        if possessive:
            low = low[:-2] if low.endswith("'s") else low[:-1]
        letters = [c for c in raw if c.isalpha()]
        tokens.append(_Tok(raw, low, possessive, len(letters) >= 2 and raw.upper() == raw))
    return tokens


def _sentences(tokens: list[_Tok]) -> list[list[_Tok]]:
    sentences: list[list[_Tok]] = [[]]
    for token in tokens:
        if token.text in _SENTENCE_BREAK:
            sentences.append([])
        else:
            sentences[-1].append(token)
    return [s for s in sentences if s]


class NameIndex:
    """Character names of a scene, matched case-insensitively by full name or any single part
    of a one-word cue ("Brick" and "Brick Braddock" both name BRICK)."""

    def __init__(self, characters: Sequence[str]) -> None:
        self._names: list[tuple[tuple[str, ...], str]] = []
        for name in characters:
            words = tuple(w for w in re.split(r"[^a-z0-9']+", name.lower()) if w)
            if words:
                self._names.append((words, name))
        self._names.sort(key=lambda item: -len(item[0]))  # longest name first
        # Candidates by first and last word, so matching at a token costs a lookup, not a scan.
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._by_last: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words, name in self._names:
            self._by_first.setdefault(words[0], []).append((words, name))
            self._by_last.setdefault(words[-1], []).append((words, name))

    def match_ending(self, tokens: Sequence[_Tok], end: int) -> tuple[str, int] | None:
        """The character whose name ends at token `end`, and where the name starts."""
        for words, name in self._by_last.get(tokens[end].low, ()):
            start = end - len(words) + 1
            if start < 0:
                continue
            if all(tokens[start + i].low == w for i, w in enumerate(words)) and self._not_noun(
                tokens, start
            ):
                return name, start
        return None

    def match_starting(self, tokens: Sequence[_Tok], start: int) -> tuple[str, int] | None:
        """The character whose name starts at token `start`, and the index after it."""
        for words, name in self._by_first.get(tokens[start].low, ()):
            stop = start + len(words)
            if stop > len(tokens):
                continue
            if all(tokens[start + i].low == w for i, w in enumerate(words)) and self._not_noun(
                tokens, start
            ):
                return name, stop
        return None

    def find(self, text: str) -> str | None:
        """The character a short phrase names ("Ben", "ben", "BEN BARKER"), else None."""
        tokens = _tokens(text)
        for start in range(len(tokens)):
            found = self.match_starting(tokens, start)
            if found is not None:
                return found[0]
        return None

    @staticmethod
    def _not_noun(tokens: Sequence[_Tok], start: int) -> bool:
        # "a brick" is not BRICK; an introduced "the MINION" in capitals is.
        return start == 0 or tokens[start - 1].low not in _ARTICLES or tokens[start].upper


class ReferenceTracker:
    """Who was mentioned last, and which pronouns each character has been called by."""

    def __init__(self) -> None:
        self._recent: list[str] = []
        self._gender: dict[str, str] = {}

    def mention(self, name: str) -> None:
        if self._recent and self._recent[-1] == name:
            return
        if name in self._recent:
            self._recent.remove(name)
        self._recent.append(name)

    def learn(self, name: str, gender: str) -> None:
        self._gender.setdefault(name, gender)

    def gender(self, name: str) -> str | None:
        return self._gender.get(name)

    def last(self, exclude: Sequence[str] = ()) -> str | None:
        for name in reversed(self._recent):
            if name not in exclude:
                return name
        return None

    def resolve(self, pronoun: str, exclude: Sequence[str] = ()) -> str | None:
        """The character a he/she pronoun points at: the last mentioned of that gender, else the
        last mentioned whose gender is unknown, else simply the last mentioned."""
        gender = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
        candidates = [n for n in reversed(self._recent) if n not in exclude]
        if not candidates:
            return None
        if gender is not None:
            for name in candidates:
                if self._gender.get(name) == gender:
                    return name
            for name in candidates:
                if name not in self._gender:
                    self._gender[name] = gender
                    return name
        return candidates[0]


@dataclass(frozen=True, slots=True)
class ActionCue:
    """One behaviour template for one character, with the target resolved."""

    character: str
    template: BehaviourTemplate
    target: str | None
    trigger: str  # the words that triggered it, e.g. "crosses her arms"


@dataclass(slots=True)
class _Verb:
    position: int
    entry: ActionEntry | None  # None: a known verb whose object matched no entry
    negated: bool
    object_end: int = 0


class ActionParser:
    """Turns action text into ActionCues using the action lexicon."""

    def __init__(self, lexicon: CueLexicon) -> None:
        by_form: dict[str, list[ActionEntry]] = {}
        for entry in lexicon.actions:
            for form in sorted(entry.forms):
                by_form.setdefault(form, []).append(entry)
        self._by_form = by_form
        self._groups = lexicon.group_subjects

    def parse(
        self,
        text: str,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        default_subject: str | None = None,
    ) -> list[ActionCue]:
        """Every behaviour the text describes. `default_subject` does verbs that have no subject
        of their own (parentheticals: the speaker); otherwise such a verb inherits the subject of
        the verb before it in the same line, or produces nothing."""
        cues: list[ActionCue] = []
        carried: list[str] = [default_subject] if default_subject else []
        for sentence in _sentences(_tokens(text)):
            carried = self._sentence(sentence, names, tracker, on_stage, carried, cues)
            if default_subject and not carried:
                carried = [default_subject]
        return cues

    # -- one sentence --------------------------------------------------------------------------

    def _sentence(
        self,
        tokens: list[_Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        carried: list[str],
        cues: list[ActionCue],
    ) -> list[str]:
        mentions = self._mentions(tokens, names)
        told = 0  # mentions already passed to the tracker
        verbs = self._verbs(tokens)
        subject = carried
        previous_end = 0
        for number, verb in enumerate(verbs):
            region_end = verb.position
            next_start = verbs[number + 1].position if number + 1 < len(verbs) else len(tokens)
            verb.object_end = next_start
            while told < len(mentions) and mentions[told][0] < region_end:
                tracker.mention(mentions[told][1])
                told += 1
            found = self._subject(tokens, previous_end, region_end, names, tracker, on_stage)
            if found is None and not subject:
                found = self._nearest_subject(tokens, previous_end, region_end, names, tracker)
            if found is not None:
                subject = found
            previous_end = verb.position + 1
            if not subject or verb.entry is None or verb.negated:
                continue
            for name in subject:
                tracker.mention(name)
            self._emit(tokens, verb, subject, names, tracker, on_stage, cues)
        for _, name in mentions[told:]:
            tracker.mention(name)
        self._learn_gender(tokens, mentions, tracker)
        return subject

    def _mentions(self, tokens: list[_Tok], names: NameIndex) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        index = 0
        while index < len(tokens):
            match = names.match_starting(tokens, index)
            if match is None:
                index += 1
                continue
            found.append((index, match[0]))
            index = match[1]
        return found

    def _verbs(self, tokens: list[_Tok]) -> list[_Verb]:
        verbs: list[_Verb] = []
        for position, token in enumerate(tokens):
            entries = self._by_form.get(token.low)
            if not entries or token.possessive:
                continue
            if position > 0 and tokens[position - 1].low in _DETERMINERS:
                continue  # "a look", "the waves": a noun
            entry = next((e for e in entries if self._object_ok(tokens, position, e)), None)
            negated = position > 0 and (
                tokens[position - 1].low in _NEGATIONS
                or (position > 1 and tokens[position - 2].low in _NEGATIONS)
            )
            verbs.append(_Verb(position, entry, negated))
        return verbs

    @staticmethod
    def _object_ok(tokens: list[_Tok], position: int, entry: ActionEntry) -> bool:
        if not entry.objects:
            return True
        after = [t.low for t in tokens[position + 1 : position + 1 + entry.within + 4]]
        for words in entry.objects:
            for start in range(min(entry.within, len(after))):
                if tuple(after[start : start + len(words)]) == words:
                    return True
        return False

    def _subject(
        self,
        tokens: list[_Tok],
        begin: int,
        end: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> list[str] | None:
        """The subject in tokens[begin:end] just before a verb; None means "the same as before".
        An empty list means an unknown subject: the verb must produce nothing."""
        j = end - 1
        while j >= begin and (tokens[j].low in _SKIPPABLE or tokens[j].low.endswith("ly")):
            j -= 1
        if j < begin or (tokens[j].low in _CONJUNCTIONS and tokens[j].text != ","):
            return None
        if tokens[j].text == ",":
            if j == end - 1 and tokens[end].low.endswith("ing"):
                return None  # "Ana turns, crossing her arms"
            return self._appositive(tokens, begin, j, names, tracker, on_stage) or None
        subject = self._subject_at(tokens, begin, j, names, tracker, on_stage)
        if subject is not None:
            return subject
        return self._appositive(tokens, begin, j, names, tracker, on_stage)

    def _nearest_subject(
        self,
        tokens: list[_Tok],
        begin: int,
        end: int,
        names: NameIndex,
        tracker: ReferenceTracker,
    ) -> list[str] | None:
        """A coordinated verb after one the lexicon does not know ("Ana trips and falls"): the
        nearest pronoun or clause-initial name before it."""
        for k in range(end - 1, begin - 1, -1):
            token = tokens[k]
            if token.low in ("he", "she"):
                name = tracker.resolve(token.low)
                return [name] if name else None
            match = names.match_ending(tokens, k)
            if match is not None and not token.possessive:
                start = match[1]
                if start == begin or tokens[start - 1].low in _CONJUNCTIONS:
                    return [match[0]]
        return None

    def _appositive(
        self,
        tokens: list[_Tok],
        begin: int,
        j: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> list[str]:
        """The subject before an appositive: "ANA, furious, slams ..." or "DICK STEEL, his
        former partner, emerges ..."; empty when there is none."""
        commas = [i for i in range(begin, j) if tokens[i].text == ","]
        for comma in reversed(commas):
            k = comma - 1
            while k >= begin and tokens[k].low.endswith("ly"):
                k -= 1
            if k >= begin:
                subject = self._subject_at(tokens, begin, k, names, tracker, on_stage)
                if subject:
                    return subject
        return []

    def _subject_at(
        self,
        tokens: list[_Tok],
        begin: int,
        j: int,
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
    ) -> list[str] | None:
        token = tokens[j]
        if token.low in ("he", "she"):
            name = tracker.resolve(token.low)
            return [name] if name else []
        if (
            token.low == "they"
            or token.low in self._groups
            or (token.low == "them" and j > begin and tokens[j - 1].low == "of")
        ):
            return list(on_stage)
        cluster: list[str] = []
        k = j
        if (
            token.text[:1].isupper()
            and k > begin
            and names.match_ending(tokens, k) is None
            and names.match_ending(tokens, k - 1) is not None
        ):
            k -= 1  # a full name: "Brick Braddock" names BRICK
        while k >= begin:
            match = names.match_ending(tokens, k)
            if match is None or tokens[k].possessive:
                break
            cluster.insert(0, match[0])
            k = match[1] - 1
            if k >= begin + 1 and tokens[k].low in (",", "and", "&"):
                k -= 1
                continue
            break
        if not cluster:
            return None
        if k >= begin and tokens[k].low in _PREPOSITIONS:
            return None  # "looks at Ana and smiles": Ana is an object
        return list(dict.fromkeys(cluster))

    # -- behaviours ------------------------------------------------------------------------------

    def _emit(
        self,
        tokens: list[_Tok],
        verb: _Verb,
        subject: list[str],
        names: NameIndex,
        tracker: ReferenceTracker,
        on_stage: Sequence[str],
        cues: list[ActionCue],
    ) -> None:
        assert verb.entry is not None
        region = tokens[verb.position + 1 : verb.object_end]
        stop = next(
            (i for i, t in enumerate(region) if t.low in (",", "and", "then", "while", "as")),
            len(region),
        )
        region = region[:stop]
        trigger = " ".join(t.text for t in tokens[verb.position : verb.position + 1 + len(region)])
        person = self._object_person(region, names, tracker, subject)
        for template in verb.entry.behaviours:
            if template.target == "$each_other":
                group = subject if len(subject) > 1 else [*subject, *(p for p in [person] if p)]
                if len(group) < 2:
                    continue
                for i, name in enumerate(group):
                    other = group[(i + 1) % len(group)]
                    cues.append(ActionCue(name, template, other, trigger))
                continue
            for name in subject:
                target = self._target(template.target, person, region, name)
                if template.channel == "gaze" and (target is None or target == name):
                    continue
                cues.append(ActionCue(name, template, target, trigger))

    def _object_person(
        self,
        region: list[_Tok],
        names: NameIndex,
        tracker: ReferenceTracker,
        subject: list[str],
    ) -> str | None:
        for index, token in enumerate(region):
            match = names.match_starting(region, index)
            if match is not None and match[0] not in subject:
                return match[0]
            following = region[index + 1].low if index + 1 < len(region) else ""
            if token.low == "them":
                return tracker.last(exclude=subject)
            if token.low == "him" or (
                token.low in ("her", "his")
                and (
                    following in ("hand", "hands")
                    or (
                        token.low == "her"
                        and (
                            not following or following.endswith("ly") or following in _PREPOSITIONS
                        )
                    )
                )
            ):
                return tracker.resolve(token.low, exclude=subject)
        return None

    @staticmethod
    def _target(spec: str | None, person: str | None, region: list[_Tok], actor: str) -> str | None:
        if spec == "$object":
            return person if person != actor else None
        if spec == "$place":
            if person is not None and person != actor:
                return person
            words = {t.low for t in region}
            if words & _CAMERA:
                return "camera"
            if words & _DOWN:
                return "down"
            if words & _UP:
                return "up"
            return "away"
        return spec

    @staticmethod
    def _learn_gender(
        tokens: list[_Tok], mentions: list[tuple[int, str]], tracker: ReferenceTracker
    ) -> None:
        named = {name for _, name in mentions}
        if len(named) != 1:
            return
        words = {t.low for t in tokens}
        male, female = bool(words & _MALE), bool(words & _FEMALE)
        if male != female:
            tracker.learn(next(iter(named)), "m" if male else "f")
