"""Action lines in Spanish, French, German, Italian, Portuguese, Russian, Chinese, Japanese and
Korean, read by the English grammar.

These languages write action the way English does: the subject, then the verb, then what it is
aimed at ("Ana se sienta y mira a Ben.", "Marie croise les bras.", "Hans schüttelt den Kopf.",
"Бен обнимает Ану.", "李明看着王芳。").
So an action line in one of them is glossed word for word into the English the action parser
reads: each phrase of the language's glossary (`planners/data/action_languages.yaml`; "se
sienta" -> "sits", "la regarde" -> "looks at her", "tous les deux" -> "both") becomes its English
words, the longest phrase first; a word of a character's name stays as written; any other word
becomes a word the grammar knows nothing of, so that a Spanish "come" (eats) or an Italian "ride"
(laughs) is never read as the English verb. The parser then finds subjects, pronouns, groups and
targets as in English, and reports what it found in the line's own words.

An elided article or pronoun (French "l'", "s'", Italian "l'", "dell'") is its own word, so
"s'assoit" is "s'" then "assoit"; a pronoun joined after its verb (Portuguese "senta-se",
"entrega-lhe", the language's `enclitics`) is its own word with its hyphen ("-lhe"). Where the
order differs from English it is put in English order: an object pronoun before its verb
(Spanish "la mira", French "lui prend", Italian "gli porge": the language's `clitics`) follows
the verb's English ("looks at her"); a verb that opens a sentence with no subject, in a
language that drops them (`drops_subjects`), gets "they" when it is plural ("Se sientan
juntos.": its English is a base form, "sit") and else a mark the parser reads as the subject of
the sentence before or the one mentioned last ("Se levanta."); a word that negates after the
verb (German "nicht", `negation_after`) puts "not" before the verb before it. A subject written
after its verb comes before it: in German after an adverb (`verb_second`: "Dann setzt sich
Hans." -> "then Hans sits"), and in every language after a verb of coming and going ("Entra
Ana.", "Sale BEN."); a German particle its verb left at the end of the clause (`separable`:
"Anna steht langsam auf.") joins the verb. A name in another case (Russian "Бена", "Ану": the
language's `name_endings`) is the name. Chinese, written without spaces, is cut into names and
phrases (`segment`), and a phrase of place or object its coverb opens before the verb moves after
the verb's clause ("在门口看着她" -> "looks at her at the door"). Japanese, cut the same way,
puts its verb last and a particle after each phrase: each clause is put in English order,
subject, verb, object, then the other phrases with their particles said as prepositions before
them ("ケンはドアから彼女を見る" -> "Ken looks at her from the door"); Korean likewise, once
each particle is cut from the word it is joined to ("지은이" -> "지은", "이"). The parser itself
reads a subject pronoun after a preposition (and in Chinese after a verb) as an object ("verso
di lui", "递给她").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

from motiondirector.cache import load_once
from motiondirector.plan.scene import primary_language
from motiondirector.planners.emotion_words import language_of_script
from motiondirector.yaml_data import load_yaml

NOT = "not"
DROPPED_SUBJECT = "\u2300"
"""Where a language that drops subjects left one out ("Se levanta."): the subject of the
sentence before, else the one mentioned last (the action parser reads it so)."""
# English words that may come before a sentence's subject: "Luego se levanta." has none.
_OPENERS = frozenset(
    {"then", "and", "but", "also", "just", "still", "again", "slowly", "quickly", "suddenly",
     "finally", "gently", "not", "never", "now", ","}
)  # fmt: skip


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
    phrases: Mapping[tuple[str, ...], tuple[str, ...]]  # every phrase, verbs and other words
    verbs: frozenset[tuple[str, ...]]  # the phrases that are verbs ("se sienta", "mira a")
    elisions: frozenset[str]
    negation_after: frozenset[str]
    clitics: Mapping[str, str] = field(default_factory=dict)
    enclitics: frozenset[str] = frozenset()  # pronouns joined after their verb: "senta-se"
    drops_subjects: bool = False
    verb_second: bool = False  # German: after an adverb, the verb comes before its subject
    separable: frozenset[str] = frozenset()  # particles a verb leaves at the clause's end
    spellings: Mapping[int, str] = field(default_factory=dict)
    """A `str.translate` table: letters spelt as the glossary spells them (Russian ё as е)."""
    name_endings: tuple[str, ...] = ()
    """Case endings a character's name takes (Russian "Бена", "Ану"), longest first."""
    name_nominatives: tuple[str, ...] = ()
    """The endings a name has before its case ending replaces them ("Ан-у": Ан-а)."""
    spaced: bool = True
    """False for a language written without spaces (Chinese): its words are found by
    `segment`, each phrase of the glossary being one word."""
    coverbs: frozenset[str] = frozenset()
    """Words that open a phrase of place or object before the verb (Chinese 在 "at", 从
    "from", 把 the object): the phrase is moved after its verb's clause, where English has it
    ("在门口看着她": looks at her at the door)."""
    particles: Mapping[str, str] = field(default_factory=dict)
    """Particles written after their phrase (Japanese に "to", を the object), with the English
    preposition said before it ("" for none): a language with them puts its verb last, and each
    clause is put in English order (`_clause_in_english_order`)."""
    subject_particles: frozenset[str] = frozenset()  # は, が: what comes before is the subject
    object_particles: frozenset[str] = frozenset()  # を: its phrase comes right after the verb
    longest: int = field(init=False, default=1)  # words in the longest phrase
    longest_written: int = field(init=False, default=1)  # characters in the longest phrase
    phrase_words: frozenset[str] = field(init=False, default=frozenset())  # every phrase's words

    def __post_init__(self) -> None:
        object.__setattr__(self, "longest", max(map(len, self.phrases), default=1))
        written = (len("".join(phrase)) for phrase in self.phrases)
        object.__setattr__(self, "longest_written", max(written, default=1))
        words = frozenset(word for phrase in self.phrases for word in phrase)
        object.__setattr__(self, "phrase_words", words)

    def fold(self, token: str) -> str:
        """`token` as the glossary writes its phrases: lower case, in its own spellings."""
        return token.lower().translate(self.spellings)

    def segment(self, text: str, is_name: Callable[[str], bool]) -> list[str]:
        """The words of `text` in a language written without spaces: at each place the longest
        word of a character's name or phrase of the glossary, else one character; a run of
        Latin letters or digits is one word, and full stops and commas of the script are
        ASCII ones. Phrases of place or object before a verb are moved after it (`coverbs`)."""
        words: list[str] = []
        longest = max(self.longest_written, _LONGEST_NAME)
        at = 0
        while at < len(text):
            char = text[at]
            if char.isspace():
                at += 1
                continue
            if not char.isalnum() or char.isascii():
                run = _ASCII_RUN.match(text, at) if char.isascii() and char.isalnum() else None
                end = run.end() if run else at + 1
                words.append(_PUNCTUATION.get(char, text[at:end]))
                at = end
                continue
            size = next(
                (
                    n
                    for n in range(min(longest, len(text) - at), 1, -1)
                    if is_name(text[at : at + n].lower())
                    or (self.fold(text[at : at + n]),) in self.phrases
                ),
                1,
            )
            words.append(text[at : at + size])
            at += size
        return self._coverbs_after_their_verbs(words)

    def in_english_order(self, words: list[str], is_name: Callable[[str], bool]) -> list[str]:
        """`words` of a language with `particles` (verb last: Japanese, Korean), each clause in
        English order; other languages' as they are."""
        if not self.particles:
            return words
        out: list[str] = []
        clause: list[str] = []
        for unit in [*self._verbs_whole(words), None]:
            if unit is None or unit in _CLAUSE_ENDS:
                out.extend(self._clause_in_english_order(clause, is_name))
                out.extend([unit] if unit is not None else [])
                clause = []
            else:
                clause.append(unit)
        return [word for unit in out for word in unit.split(_WHOLE)]

    def _verbs_whole(self, words: list[str]) -> list[str]:
        """`words` with each verb phrase of several words made one ("고개를 젓는다"), its words
        joined by `_WHOLE`, so that it moves as one."""
        lows = [self.fold(word) for word in words]
        units: list[str] = []
        at = 0
        while at < len(words):
            size = self._phrase_at(lows, at)
            size = size if size > 1 and tuple(lows[at : at + size]) in self.verbs else 1
            units.append(_WHOLE.join(words[at : at + size]))
            at += size
        return units

    def _is_verb(self, unit: str) -> bool:
        return tuple(self.fold(word) for word in unit.split(_WHOLE)) in self.verbs

    def _clause_in_english_order(
        self, clause: list[str], is_name: Callable[[str], bool]
    ) -> list[str]:
        """A clause as English orders it: its subject (what comes before は or が), then each
        verb followed by the phrases written before it, the object's first, each particle said
        before its phrase ("ケン は ドア から 彼女 を 見る" -> "ケン 見る 彼女 から ドア"); a comma
        between two verbs ("入ってきて テーブルにつく": enters, sits). A clause without a verb
        stays as it is."""
        if not any(map(self._is_verb, clause)):
            return clause
        out: list[str] = []
        for at, word in enumerate(clause):
            if self.fold(word) in self.subject_particles:
                out, clause = clause[:at], clause[at + 1 :]
                break
        before: list[str] = []
        verbs = 0
        for word in clause:
            if not self._is_verb(word):
                before.append(word)
                continue
            # A negation stays before its verb ("안 웃는다": not laughs).
            negations = [w for w in before if self.phrases.get((self.fold(w),)) in _NEGATIONS]
            before = [w for w in before if w not in negations]
            out.extend([",", *negations, word] if verbs else [*negations, word])
            out.extend(self._phrases_in_english_order(before, is_name))
            before = []
            verbs += 1
        return out + before

    def _phrases_in_english_order(
        self, words: list[str], is_name: Callable[[str], bool]
    ) -> list[str]:
        """Phrases each closed by its particle, as English says them: the particle's word
        first (a preposition; the object's is "the", unsaid before a name or pronoun), the
        object's phrase before the others; a particle of no word other than the object's (の)
        joins its phrase to the next."""
        objects: list[str] = []
        others: list[str] = []
        phrase: list[str] = []
        for word in words:
            particle = self.fold(word)
            if particle not in self.particles:
                phrase.append(word)
                continue
            if not self.particles[particle] and particle not in self.object_particles:
                continue  # の joins its phrase to the next: "彼女の向かい"
            someone = len(phrase) == 1 and (
                is_name(phrase[0].lower()) or self.phrases.get((self.fold(phrase[0]),)) in _PEOPLE
            )
            unsaid = not self.particles[particle] or (someone and particle in self.object_particles)
            said = [] if unsaid else [word]
            (objects if particle in self.object_particles else others).extend([*said, *phrase])
            phrase = []
        return objects + others + phrase

    def _coverbs_after_their_verbs(self, words: list[str]) -> list[str]:
        """`words` with each phrase a coverb opens before a verb moved to the end of the verb's
        clause ("李明 在 门口 看着 她" -> "李明 看着 她 在 门口")."""
        out = list(words)
        at = 0
        while at < len(out):
            if self.fold(out[at]) not in self.coverbs:
                at += 1
                continue
            verb = at + 1
            while verb < len(out) and out[verb] not in _CLAUSE_ENDS:
                if (self.fold(out[verb]),) in self.verbs:
                    break
                verb += 1
            if verb >= len(out) or out[verb] in _CLAUSE_ENDS:
                at += 1
                continue
            end = verb + 1
            while end < len(out) and out[end] not in _CLAUSE_ENDS:
                end += 1
            out[at:end] = [*out[verb:end], *out[at:verb]]
            at += end - verb
        return out

    def words(self, raw: Iterable[str]) -> list[str]:
        """`raw` tokens with each elided word split off its host ("s'assoit" -> "s'", "assoit"),
        each pronoun joined after its verb split off with its hyphen ("entrega-lhe" ->
        "entrega", "-lhe"), and each particle joined to its word split off it ("지은이" ->
        "지은", "이") unless the glossary has the word whole ("고개를 젓는다")."""
        out: list[str] = []
        for token in raw:
            particle = self._particle_of(token)
            if particle:
                out.extend((token[: -len(particle)], token[-len(particle) :]))
                continue
            cut = token.find("'") + 1
            if 0 < cut < len(token) and token[:cut].lower() in self.elisions:
                out.extend((token[:cut], token[cut:]))
                continue
            head, hyphen, tail = token.rpartition("-")
            if head and tail.lower() in self.enclitics:
                out.extend((head, hyphen + tail))
            else:
                out.append(token)
        return self._particles_by_their_verbs(out)

    def _particle_of(self, token: str) -> str:
        """The particle joined to the end of `token`, the longest; "" for none, or where the
        glossary has the word whole."""
        if not self.spaced or not self.particles or self.fold(token) in self.phrase_words:
            return ""
        low = self.fold(token)
        return max(
            (p for p in self.particles if low.endswith(p) and len(low) > len(p)),
            key=len,
            default="",
        )

    def _particles_by_their_verbs(self, tokens: list[str]) -> list[str]:
        """`tokens` with a particle that ends a clause moved after the verb it belongs to, where
        the two make a verb of the glossary ("steht Anna auf" -> "steht auf Anna", "macht die
        Tür auf" -> "macht auf die Tür")."""
        if not self.separable:
            return tokens
        out = list(tokens)
        for end, token in enumerate(tokens):
            low = token.lower()
            if low not in self.separable or not self._ends_clause(tokens, end + 1):
                continue
            start = end
            while start > 0 and not self._ends_clause(out, start - 1):
                start -= 1
            for at in range(start, end - 1):
                verb = [out[at].lower()]
                if out[at + 1].lower() == "sich":
                    verb.append("sich")
                if (*verb, low) in self.verbs and at + len(verb) < end:
                    out.insert(at + len(verb), out.pop(end))
                    break
        return out

    def _ends_clause(self, tokens: Sequence[str], at: int) -> bool:
        """Whether a clause ends before `at`: the line's end, a stop or comma, or "and", "but",
        "or" ("Hans macht die Tür auf und geht.")."""
        if at >= len(tokens) or tokens[at] in _CLAUSE_ENDS:
            return True
        return self.phrases.get((tokens[at].lower(),)) in _CONJUNCTIONS

    def translate(
        self, raw: Sequence[str], keep: Callable[[str], bool], verbs: frozenset[str]
    ) -> list[Glossed]:
        """The English words of tokens `raw` (already split by `words`).

        keep: whether a word (lower case) is one to pass as it is: a word of a character's name.
            A capitalised word is kept in preference to a phrase it begins, unless the glossary
            has it as a word of its own that is no verb ("Non", "Ils"); a lower-case one is
            glossed first ("la" the article, not a character called La).
        verbs: the English verb forms (which tell a plural verb: "sit", not "sits")."""
        lows = [self.fold(token) for token in raw]
        out: list[Glossed] = []
        verb_at = -1  # where the English words of the last verb phrase begin in `out`
        index = 0
        while index < len(raw):
            token, low = raw[index], lows[index]
            clitic = self.clitics.get(low)
            after = self._phrase_at(lows, index + 1) if clitic is not None else 0
            if clitic is not None and tuple(lows[index + 1 : index + 1 + after]) in self.verbs:
                # "la mira": the verb, then its object
                english = self.phrases[tuple(lows[index + 1 : index + 1 + after])]
                self._left_out_subject(english, out, verbs)
                verb_at = len(out)
                out.append(Glossed(english[0], self._join(raw[index : index + 1 + after])))
                out.extend(Glossed(word, "") for word in (*english[1:], clitic))
                index += 1 + after
                continue
            if not (token[:1].isalnum() or token[1:2].isalnum()) or self._names(token, low, keep):
                out.append(Glossed(token, token))
                index += 1
                continue
            if low in self.negation_after and verb_at >= 0:
                out.insert(verb_at, Glossed(NOT, ""))
                verb_at = -1
                index += 1
                continue
            found = self._phrase_at(lows, index)
            if found:
                english = self.phrases[tuple(lows[index : index + found])]
                written = self._join(raw[index : index + found])
                subject: list[Glossed] = []
                if tuple(lows[index : index + found]) in self.verbs:
                    subject = self._subject_after(raw, lows, index + found, english, keep, out)
                    if subject:  # "Entra Ana.", "Dann setzt sich Hans.": Ana enters
                        out.extend(subject)
                    else:
                        self._left_out_subject(english, out, verbs)
                    verb_at = len(out)
                out.extend(
                    Glossed(word, written if number == 0 else "")
                    for number, word in enumerate(english)
                )
                if not english:  # a word English leaves unsaid ("se"): said in the trigger
                    out.append(Glossed(None, written))
                index += found + len(subject)
                continue
            name = self._name_in_case(token, keep)
            if name is not None:  # "обнимает Ану": hugs Ana
                out.append(Glossed(name, token))
            else:
                out.append(Glossed(token.lower() if keep(token.lower()) else None, token))
            index += 1
        return self._glue(out)

    def _name_in_case(self, token: str, keep: Callable[[str], bool]) -> str | None:
        """The word of a character's name that `token`, written with a capital, is in another
        case ("Бена", "Ану", "Софию": Бен, Ана, София), written as `token` is; else None."""
        name = self.name_in_case(token.lower(), keep) if token[:1].isupper() else None
        if name is None:
            return None
        return name.upper() if token.isupper() else name.capitalize()

    def name_in_case(self, low: str, keep: Callable[[str], bool]) -> str | None:
        """The word of a character's name (lower case, as `keep` knows them) that `low` is in
        another case ("бену": бен), or None."""
        for ending in self.name_endings:
            if not low.endswith(ending) or len(low) <= len(ending) + 1:
                continue
            stem = low[: -len(ending)]
            for nominative in self.name_nominatives:
                if keep(stem + nominative):
                    return stem + nominative
        return None

    def _subject_after(
        self,
        raw: Sequence[str],
        lows: Sequence[str],
        at: int,
        english: Sequence[str],
        keep: Callable[[str], bool],
        out: Sequence[Glossed],
    ) -> list[Glossed]:
        """The subject written after a verb that has none before it in its sentence, glossed,
        or nothing: in a language whose verb comes second (German "Dann setzt sich Hans."), or
        after a verb of coming, going or taking a place ("Entra Ana.", "Sale BEN."). Names
        joined by "and" are one subject ("Entran Ana y Ben.")."""
        if not english or not _opens_sentence(out):
            return []
        if not self.verb_second and english[0] not in _SUBJECT_AFTER:
            return []
        subject: list[Glossed] = []
        while at < len(raw):
            if self._names(raw[at], lows[at], keep):
                subject.append(Glossed(raw[at], raw[at]))
            elif not subject and self.phrases.get((lows[at],)) in _SUBJECT_PRONOUNS:
                subject.append(Glossed(self.phrases[(lows[at],)][0], raw[at]))
                break
            else:
                break
            joined = self.phrases.get((lows[at + 1],)) if at + 2 < len(raw) else None
            if joined != ("and",) or not self._names(raw[at + 2], lows[at + 2], keep):
                break
            subject.append(Glossed("and", raw[at + 1]))
            at += 2
        return subject

    def _names(self, token: str, low: str, keep: Callable[[str], bool]) -> bool:
        """Whether `token` is a word of a character's name, as written ("Ana", "BEN")."""
        return token[:1].isupper() and keep(token.lower()) and not self._function_word(low)

    def _left_out_subject(
        self, english: Sequence[str], out: list[Glossed], verbs: frozenset[str]
    ) -> None:
        """Before a verb that opens a sentence in a language that drops subjects, the subject
        it left out: "they" for a plural verb ("Se sientan juntos."), else `DROPPED_SUBJECT`."""
        if self.drops_subjects and _opens_sentence(out):
            out.append(Glossed("they" if _plural(english[0], verbs) else DROPPED_SUBJECT, ""))

    def _phrase_at(self, lows: Sequence[str], index: int) -> int:
        """How many words the longest phrase of the glossary at `index` has; 0 for none."""
        longest = min(self.longest, len(lows) - index)
        return next(
            (n for n in range(longest, 0, -1) if tuple(lows[index : index + n]) in self.phrases),
            0,
        )

    def _function_word(self, low: str) -> bool:
        """A word the glossary has as no verb ("non", "não", "ils"): never a name, even
        capitalised at the start of a sentence, where a name would be ("Non sorride.")."""
        return (low,) in self.phrases and (low,) not in self.verbs

    def _is_elision(self, written: str) -> bool:
        return written.lower() in self.elisions

    def _join(self, tokens: Sequence[str]) -> str:
        """Tokens as written: an elided word and its host without a space ("s'assoit")."""
        text = ""
        for token in tokens:
            glued = not text or token.startswith("-") or self._is_elision(text.rsplit(" ", 1)[-1])
            text += token if glued else " " + token
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

    def unknown_words(self, vocabulary: frozenset[str], verbs: frozenset[str]) -> list[str]:
        """Phrases whose English has a word outside `vocabulary`, or a verb phrase whose English
        does not open with one of `verbs`, as "phrase -> english"."""
        pairs = [*self.phrases.items(), *(((k,), (v,)) for k, v in self.clitics.items())]
        return [
            f"{' '.join(source)} -> {' '.join(english)}"
            for source, english in pairs
            if any(word not in vocabulary for word in english)
            or (source in self.verbs and (not english or english[0] not in verbs))
        ]


_SPLIT = re.compile(r"\s+")
_ASCII_RUN = re.compile(r"[A-Za-z0-9']+")
_PUNCTUATION = {"\u3002": ".", "\u3001": ",", "\uff61": ".", "\uff64": ","}
"""The script's full stop and enumeration comma (what NFKC leaves as they are) as ASCII."""
_LONGEST_NAME = 8
"""Characters of the longest name `segment` looks for where nothing is spaced."""
_SENTENCE_ENDS = frozenset({".", "!", "?", ";", ":"})
_CLAUSE_ENDS = _SENTENCE_ENDS | {","}
# Verbs whose subject these languages often write after them ("Entra Ana.", "Sale BEN.").
_SUBJECT_AFTER = frozenset(
    {"enters", "enter", "exits", "exit", "leaves", "leave", "arrives", "arrive", "comes",
     "come", "returns", "return", "appears", "appear"}
)  # fmt: skip
_SUBJECT_PRONOUNS = frozenset({("he",), ("she",), ("they",)})
_PEOPLE = _SUBJECT_PRONOUNS | {("him",), ("her",), ("them",), ("each", "other"), ("both",)}
_NEGATIONS = frozenset({("not",), ("never",)})
_WHOLE = "\x00"
"""Joins the words of a verb phrase that `in_english_order` moves as one."""
_CONJUNCTIONS = frozenset({("and",), ("but",), ("or",)})


def _opens_sentence(out: Sequence[Glossed]) -> bool:
    """Whether no subject can have come since the last full stop: only unknown words,
    adverbs and commas ("Luego", "No", "Furiosa,")."""
    for word in reversed(out):
        if word.english is not None and word.english.lower() not in _OPENERS:
            return word.english in _SENTENCE_ENDS
    return True


def _plural(verb: str, verbs: frozenset[str]) -> bool:
    """Whether an English verb form is the base form a plural subject takes ("sit", "cross")."""
    return verb + "s" in verbs or verb + "es" in verbs


def _phrases(
    language: str,
    raw: Mapping[Any, Any],
    elisions: frozenset[str],
    enclitics: frozenset[str],
    spellings: Mapping[int, str],
    phrases: dict[tuple[str, ...], tuple[str, ...]],
) -> list[tuple[str, ...]]:
    """Adds the phrases of `raw` to `phrases`; returns their words."""
    added = []
    splitter = ActionGloss(
        language,
        "",
        {},
        frozenset(),
        elisions,
        frozenset(),
        enclitics=enclitics,
        spellings=spellings,
    )
    for source, english in raw.items():
        if not isinstance(source, str) or not isinstance(english, str):
            raise ValueError(
                f"action_languages.yaml: {language}: {source!r}: {english!r}: both the phrase "
                "and its English must be text (quote yes, no, on and off)"
            )
        words = tuple(splitter.fold(w) for w in splitter.words(_SPLIT.split(source.strip())))
        if words in phrases:
            shown = " ".join(words)
            raise ValueError(f"action_languages.yaml: {language}: {shown!r} is glossed twice")
        phrases[words] = tuple(english.split())
        added.append(words)
    return added


def parse_action_glosses(data: Any) -> dict[str, ActionGloss]:
    """Every language's glossary from the data of `action_languages.yaml`; ValueError naming
    the language and phrase where it is malformed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("languages"), Mapping):
        raise ValueError("action_languages.yaml: expected a mapping with `languages`")
    glosses: dict[str, ActionGloss] = {}
    for language, raw in data["languages"].items():
        if not isinstance(raw, Mapping) or not all(
            isinstance(raw.get(key), Mapping) for key in ("words", "verbs")
        ):
            raise ValueError(
                f"action_languages.yaml: {language}: expected `name`, `words` and `verbs`"
            )
        elisions = frozenset(str(word).lower() for word in raw.get("elisions", ()))
        enclitics = frozenset(str(word).lower() for word in raw.get("enclitics", ()))
        spellings = _spellings(str(language), raw.get("spellings") or {})
        endings = _texts(str(language), raw, "name_endings")
        nominatives = _texts(str(language), raw, "name_nominatives") or [""]
        if endings and not all(endings):
            raise ValueError(f"action_languages.yaml: {language}: an empty name ending")
        phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        particles = _particles(str(language), raw.get("particles") or {})
        for particle, english in particles.items():  # said as English prepositions
            if english:
                phrases[(particle,)] = (english,)
        _phrases(str(language), raw["words"], elisions, enclitics, spellings, phrases)
        verbs = _phrases(str(language), raw["verbs"], elisions, enclitics, spellings, phrases)
        glosses[str(language)] = ActionGloss(
            language=str(language),
            name=str(raw.get("name", language)),
            phrases=phrases,
            verbs=frozenset(verbs),
            elisions=elisions,
            negation_after=frozenset(str(w).lower() for w in raw.get("negation_after", ())),
            clitics={str(k).lower(): str(v) for k, v in (raw.get("clitics") or {}).items()},
            enclitics=enclitics,
            drops_subjects=bool(raw.get("drops_subjects", False)),
            verb_second=bool(raw.get("verb_second", False)),
            separable=frozenset(str(word).lower() for word in raw.get("separable", ())),
            spellings=spellings,
            name_endings=tuple(sorted(endings, key=len, reverse=True)),
            name_nominatives=tuple(nominatives),
            spaced=_flag(str(language), raw, "spaced", default=True),
            coverbs=frozenset(_folded(spellings, word) for word in raw.get("coverbs", ())),
            particles=particles,
            subject_particles=frozenset(_texts(str(language), raw, "subject_particles")),
            object_particles=frozenset(_texts(str(language), raw, "object_particles")),
        )
    return glosses


def _flag(language: str, raw: Mapping[Any, Any], key: str, *, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"action_languages.yaml: {language}: {key} must be true or false")
    return value


def _folded(spellings: Mapping[int, str], word: Any) -> str:
    return str(word).lower().translate(spellings)


def _particles(language: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise ValueError(
            f"action_languages.yaml: {language}: particles map a particle to its English "
            'preposition (quoted, "" for none)'
        )
    return {k.lower(): v for k, v in raw.items()}


def _spellings(language: str, raw: Any) -> Mapping[int, str]:
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in raw.items()
    ):
        raise ValueError(f"action_languages.yaml: {language}: spellings map a letter to text")
    return MappingProxyType(str.maketrans(dict(raw)))


def _texts(language: str, raw: Mapping[Any, Any], key: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"action_languages.yaml: {language}: {key} must be a list of text")
    return [v.lower() for v in value]


@load_once
def action_glosses() -> dict[str, ActionGloss]:
    """The glossaries of the package data, by language subtag (es, fr, de, it, pt, ru, zh, ja,
    ko)."""
    text = (
        resources.files("motiondirector.planners")
        .joinpath("data/action_languages.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_action_glosses(load_yaml(text))


def gloss_for(language: str | None, text: str = "") -> ActionGloss | None:
    """The glossary that reads action written in `language` (a BCP 47 tag), if there is one.
    With no language, `text` is read in the language its letters tell, as its emotion is
    (`emotion_words.language_of_script`): mostly Cyrillic, Russian (Ukrainian, told by і ї є ґ,
    has no glossary); mostly Chinese characters, Chinese (with kana, Japanese, and Cantonese
    where it writes what only Cantonese writes: neither has a glossary)."""
    if language is None:
        script = _main_script(text)
        language = language_of_script(script, text) if script in _READ_SCRIPTS else None
    return action_glosses().get(primary_language(language) or "")


_READ_SCRIPTS = frozenset({"CYRILLIC", "CJK", "HANGUL"})


def _main_script(text: str) -> str | None:
    """The script (the first word of its letters' Unicode names: CYRILLIC, CJK) of most of
    `text`'s letters, kana counting as CJK, or None where no script has most."""
    letters = [unicodedata.name(char, "").split(" ")[0] for char in text if char.isalpha()]
    letters = ["CJK" if script in _KANA else script for script in letters]
    script, count = Counter(letters).most_common(1)[0] if letters else ("", 0)
    return script if count * 2 > len(letters) else None


_KANA = frozenset({"HIRAGANA", "KATAKANA"})
