"""What the words around a verb say, read off the tokens alone: the end of its object, a passive,
an appositive, whom a look goes by ("past Ben"), a state rather than an act ("is seated").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from motiondirector.planners.actions.names import NameIndex
from motiondirector.planners.actions.references import ReferenceTracker
from motiondirector.planners.actions.tokens import Tok, owns
from motiondirector.planners.actions.words import (
    ARTICLES,
    AT,
    CAMERA,
    CLAUSE_BREAKS,
    COMING_FROM,
    CONJUNCTIONS,
    DETERMINERS,
    DOWN,
    PARTICLES,
    PASSIVE_AUXILIARIES,
    PLURAL_SUBJECTS,
    PREPOSITIONS,
    SMALL_CLAUSE,
    UP,
)
from motiondirector.planners.cues import (
    COPULAS,
    END,
    PERSON,
    ActionEntry,
)
from motiondirector.scene.names import TITLES

# A Japanese verb's negative ending after its stem: 笑わない, 笑わなかった, 笑いません.
_NEGATIVE_ENDING = re.compile(r"[\u3040-\u309f]?(ない|なかった|ません|ず)")
# Things a look goes to: down, up or the camera.
_PLACES = (DOWN | UP | CAMERA) - {"up", "down"}
# Whom a look or a move goes by, not to: "looks past Ben", "glances over Ana's shoulder".
_PAST = frozenset({"past", "beyond"})
_LOOKED_OVER = frozenset({"shoulder", "shoulders", "head"})
# Words that make a relative clause say what someone is like, not what they do now ("who
# smiles a lot", "who never sits still", "who mutters at everyone").
_HABITUAL = frozenset(
    {"always", "often", "never", "usually", "constantly", "sometimes", "rarely", "seldom",
     "forever", "everyone", "everybody", "everything", "every", "a lot", "all the time"}
)  # fmt: skip
# What one lifts to look up: "lifts his head" names no thing looked at.
_LIFTED = frozenset({"head", "chin", "eyes", "gaze"})
_IRREGULAR_PLURALS = frozenset({"children", "people", "men", "women", "folks"})
# What opens a sentence with a place before a verb of posture ("Around it sit ...").
_PLACE_OPENERS = PREPOSITIONS | frozenset({"around", "in", "on", "across", "behind", "beside"})


def names_from(
    tokens: Sequence[Tok],
    start: int,
    names: NameIndex,
    *,
    clause: bool = False,
    tracker: ReferenceTracker | None = None,
) -> list[str]:
    """Whom the words from `start` name, to the sentence's end or, with `clause`, to the
    clause's comma; with a `tracker`, "him" and "her" too."""
    found = []
    for at in range(start, len(tokens)):
        if clause and tokens[at].text in (",", ";"):
            break
        if (match := names.match_starting(tokens, at)) is not None:
            found.append(match[0])
        elif (
            tracker is not None
            and tokens[at].low in ("him", "her")
            and (person := tracker.resolve(tokens[at].low)) is not None
        ):
            found.append(person)
    return found


# Words that introduce people not met before: "A dozen FRIENDS", "Some kids", "Two men".
_INTRODUCING = frozenset(
    {"a", "an", "some", "several", "dozen", "few", "two", "three", "four", "five", "six",
     "many", "more", "other", "another"}
)  # fmt: skip


def introduces(tokens: Sequence[Tok], begin: int, j: int) -> bool:
    """Whether the group noun at `j` is said of people not met before: an indefinite word
    before it in its noun phrase ("A dozen FRIENDS", "two men"), not "the" or a possessive."""
    introducing = False
    for k in range(j - 1, max(begin, j - 4) - 1, -1):
        low = tokens[k].low
        if low == "the" or owns(tokens[k]) or low in ("these", "those", "both"):
            return False  # "The two men face each other": met before
        if low in _INTRODUCING:
            introducing = True
        elif not tokens[k].text.isalpha():
            break
    return introducing


# Verb forms of being in a posture, not of getting into one (a glossary says getting into it
# as English does: "se sienta" is "sits down", "está sentada" "sits"); "on" is the verb of a
# part held somewhere ("elbows on his knees").
_BEING_IN_A_POSTURE = frozenset(
    {"sit", "sits", "sitting", "seated", "lie", "lies", "lying", "stand", "stands", "standing",
     "lean", "leans", "leaning", "kneel", "kneels", "kneeling", "perch", "perches", "perched",
     "sprawl", "sprawls", "sprawled", "lounge", "lounges", "lounging", "recline", "reclines",
     "reclining", "crouch", "crouches", "crouching", "crouched", "squat", "squats", "squatting",
     "slouch", "slouches", "slouched", "slouching", "hunch", "hunches", "hunched", "huddle",
     "huddles", "huddled", "rest", "rests", "resting", "sleep", "sleeps", "sleeping", "doze",
     "dozes", "dozing", "nap", "naps", "napping", "drive", "drives", "driving", "ride",
     "rides", "riding", "curled", "slumped", "watch", "watches", "watching", "grip", "grips",
     "gripping", "clutch", "clutches", "clutching", "on"}
) | COPULAS  # fmt: skip
# Participles that say a state even with "up" or "down" after them ("is curled up").
_STATE_PARTICIPLES = frozenset({"curled", "slumped", "hunched", "huddled", "crouched"})
# After the verb: getting into the posture ("sits down", "stands up", "sits up").
_GETTING_INTO = frozenset({"down", "up"})
# Before the verb: it happens in the scene ("then sits", "slowly kneels").
_HAPPENING = frozenset(
    {"then", "finally", "slowly", "suddenly", "quickly", "gradually", "eventually", "abruptly"}
)


def gone_by(region: Sequence[Tok], start: int, end: int) -> bool:
    """Whether the name at `region[start:end]` is what a look or a move goes by, not its
    object: "past Ben", "beyond Ana", "over Ana's shoulder"."""
    before = region[start - 1].low if start > 0 else ""
    return before in _PAST or (
        before == "over"
        and region[end - 1].possessive
        and end < len(region)
        and region[end].low in _LOOKED_OVER
    )


def each_other(region: Sequence[Tok]) -> bool:
    """Whether a verb's object is the subjects themselves: "(at) each other", "(into) one
    another('s eyes)"."""
    lows = [t.low for t in region[:4]]
    if lows and lows[0] in AT | {"into", "across", "over"}:
        lows = lows[1:]
    return lows[:2] in (["each", "other"], ["one", "another"])


def in_a_state(tokens: Sequence[Tok], position: int) -> bool:
    """Whether the verb at `position` says being in a posture, not getting into it."""
    verb = tokens[position].low
    after = tokens[position + 1].low if position + 1 < len(tokens) else ""
    before = tokens[position - 1].low if position > 0 else ""
    return (
        verb in _BEING_IN_A_POSTURE
        and (after not in _GETTING_INTO or verb in _STATE_PARTICIPLES)
        and before not in _HAPPENING
    )


# What may follow a particle of coming or going ("walks in, smiling", "storms out with"), where
# "in the rain" or "out the" would say something else.
_AFTER_A_PARTICLE = frozenset(
    {"with", "through", "to", "toward", "towards", "from", "behind", "after", "without", "on",
     "again", "carrying", "holding", "followed", "alone", "together", "too", "first", "last"}
)  # fmt: skip
# Words of a scene heading that name no place.
_HEADING_WORDS = frozenset(
    {"int", "ext", "est", "i/e", "day", "night", "morning", "evening", "afternoon", "dawn",
     "dusk", "later", "continuous", "same", "time", "moments", "the", "a", "an", "of", "and"}
)  # fmt: skip


def place_words(heading: str | None) -> frozenset[str]:
    """The words of a scene heading that name its place ("INT. HOSPITAL CORRIDOR - NIGHT":
    hospital, corridor)."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", (heading or "").lower())
    return frozenset(word for word in words if word not in _HEADING_WORDS)


def ends_a_particle(tokens: Sequence[Tok], index: int) -> bool:
    """Whether a particle of coming or going ends before `index` ("walks in.", "walks in and
    sits", "walks in, smiling"), not a phrase that goes on ("walks in the rain", "out of")."""
    if index >= len(tokens):
        return True
    token = tokens[index]
    return (
        not token.text[:1].isalpha()
        or token.low in CONJUNCTIONS
        or token.low in _AFTER_A_PARTICLE
        or token.low.endswith(("ly", "ing"))
        or token.text[:1].isupper()
    )


def negative_ending_after(tokens: Sequence[Tok], index: int, length: int) -> bool:
    """Whether the words at `index` are followed by a Japanese negative ending (笑わない,
    笑いません): the glossary reads the stem and leaves the ending as written."""
    after = "".join(t.written for t in tokens[index + length : index + length + 6] if t.written)
    return bool(_NEGATIVE_ENDING.match(after))


# After a "her" that is given something: "hands her one", "pours her some".
_GIVEN_COUNTS = frozenset({"one", "two", "some", "something", "another"})


def object_her(tokens: Sequence[Tok], index: int) -> bool:
    """Whether the "her" at `index` is an object ("hugs her.", "looks at her and", "hands her
    one"), not a possessive ("her bag")."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return (
        following is None
        or not following.text[:1].isalpha()
        or following.low in ARTICLES
        or following.low in _GIVEN_COUNTS
        or following.low in PREPOSITIONS
        or following.low in CONJUNCTIONS
        or following.low in SMALL_CLAUSE
        or following.low in PARTICLES
    )


def object_pronoun(tokens: Sequence[Tok], start: int) -> str | None:
    """The first "him" or object "her" of the sentence from `start`, if any."""
    for index in range(start, len(tokens)):
        low = tokens[index].low
        if low == "him" or (low == "her" and object_her(tokens, index)):
            return low
    return None


def a_noun_pair(tokens: Sequence[Tok], entries: Sequence[ActionEntry]) -> bool:
    """Whether a two-word sentence is a noun and a noun spelled like a verb's base form
    ("Cigar smoke.", "Engine roar."): a singular subject would take the verb's -s form."""
    words = [t for t in tokens if t.text[:1].isalnum()]
    first = tokens[0]
    return (
        len(words) == 2
        and first.text[:1].isupper()
        and first.low not in PLURAL_SUBJECTS
        and any(tokens[1].low == entry.verb for entry in entries)
    )


def names_nothing(region: Sequence[Tok]) -> bool:
    """Whether the words after a verb name no thing it is done to: none, or a manner or a
    place ("in silence", "from the doorway", "closely", "up from his paper"), or the doer's
    own head ("lifts his head")."""
    words = [t for t in region if t.text[:1].isalpha() and t.low not in PARTICLES]
    first = words[0] if words else None
    if first is not None and owns(first) and len(words) > 1 and words[1].low in _LIFTED:
        return True
    return first is None or first.low in PREPOSITIONS | {"in"} or first.adverb


def names_a_place(region: Sequence[Tok]) -> bool:
    """Whether the words after a verb name where a look goes ("up at the sky", "down at the
    table", "at us"), not counting "up" and "down" themselves, nor where it comes from ("up
    from his paper", "lifts his head off the desk")."""
    for token in region:
        if token.low in COMING_FROM:
            return False
        if token.low in _PLACES:
            return True
    return False


def inverted_subject(tokens: Sequence[Tok], verb: Verb, names: NameIndex) -> list[str] | None:
    """The names after a verb of posture that a place opens the sentence with: "Around it sit
    MARK, JEN and TOMAS", "At the bar stands BEN"; None when the sentence is no such."""
    entry = verb.entry
    if (
        entry is None
        or not entry.behaviours
        or any(t.channel != "posture" for t in entry.behaviours)
        or not tokens
        or tokens[0].low not in _PLACE_OPENERS
    ):
        return None
    found: list[str] = []
    k = verb.position + 1
    while k < len(tokens):
        match = names.match_starting(tokens, k)
        if match is None and tokens[k].low in TITLES and k + 1 < len(tokens):
            # "Behind the desk sits MR. KOVAC": a title the name is cued without
            match = names.match_starting(tokens, k + 1)
        if match is not None and not tokens[k].possessive:
            found.append(match[0])
            k = match[1]
        elif found and tokens[k].low in (",", "and", "&"):
            k += 1
        else:
            break
    return found or None


def plural(token: Tok) -> bool:
    """Whether `token` is a lower-case plural noun that may name people ("kids", "parents")."""
    return (
        token.text.isalpha()
        and token.text.islower()
        and (token.low.endswith("s") or token.low in _IRREGULAR_PLURALS)
    )


def before_an_appositive(
    tokens: Sequence[Tok], begin: int, end: int, names: NameIndex
) -> int | None:
    """Where the name ends whose appositive ends at `end` (", the bride" in "NADIA, the
    bride, and OMAR"): up to four lower-case words after a comma after a name; else None."""
    k = end
    while k >= begin and end - k < 4 and tokens[k].text.isalpha() and tokens[k].text.islower():
        k -= 1
    if k == end or k <= begin or tokens[k].text != ",":
        return None
    return k - 1 if names.match_ending(tokens, k - 1) is not None else None


def named_between_commas(
    tokens: Sequence[Tok], begin: int, comma: int, names: NameIndex
) -> list[str]:
    """The names set off by commas just before a verb, naming who a noun before them is:
    "Their kids, ZOE and SAM, sit" (ZOE and SAM); empty when anything else stands between."""
    opening = next((i for i in range(comma - 1, begin - 1, -1) if tokens[i].text == ","), None)
    if opening is None or opening == begin or names.match_ending(tokens, opening - 1):
        return []  # "The BEST MAN, Tony, taps his glass": the name is the BEST MAN's own
    found: list[str] = []
    k = opening + 1
    while k < comma:
        match = names.match_starting(tokens, k)
        if match is not None and not tokens[k].possessive:
            found.append(match[0])
            k = match[1]
        elif tokens[k].low in ("and", "&") and found:
            k += 1
        elif tokens[k].low in TITLES and k + 1 < comma:
            k += 1  # "The prosecutor, MR. KLEIN (50s), rises"
        else:
            return []
    return found


def opens_an_absolute(token: Tok) -> bool:
    """Whether a part named after `token` stands in a phrase of its own, its owner the doer's
    (", arms folded", "with eyes closed")."""
    return token.text == "," or token.low == "with"


def joins_people(tokens: Sequence[Tok], index: int, names: NameIndex) -> bool:
    """Whether the "and" at `index` joins a name to another person ("gives Nar and Yor a
    glare", "Ana and the boy"), so that the verb's clause goes on past it."""
    if tokens[index].low != "and" or index == 0 or index + 1 >= len(tokens):
        return False
    after = tokens[index + 1]
    return names.match_ending(tokens, index - 1) is not None and (
        after.low in DETERMINERS
        or after.low in ("him", "them")
        or names.match_starting(tokens, index + 1) is not None
    )


def is_passive(tokens: Sequence[Tok], position: int, after_passive: bool) -> bool:
    """Whether the verb at `position` is a participle after a passive auxiliary ("is punched",
    "gets knocked down", "was suddenly hit"), adverbs between them, or joined to a passive
    participle before it ("is punched and knocked down")."""
    word = tokens[position].low
    if word.endswith("ing"):
        return False
    before = position - 1
    while before >= 0 and tokens[before].adverb:
        before -= 1
    if before < 0:
        return False
    if tokens[before].low in PASSIVE_AUXILIARIES:
        return True
    return after_passive and tokens[before].low in CLAUSE_BREAKS and not word.endswith("s")


def object_match(
    words: tuple[str, ...], tokens: Sequence[Tok], start: int, names: NameIndex
) -> int | None:
    """Where an action entry's object `words` end when they are written from token `start`, or
    None: `*` is any one word but a clause's joint ("gives Nar and Yor a glare" gives Nar
    nothing), `$person` a character's name (not its possessive: "pushes Ben's chair" pushes
    no one), `$end` the end of the clause ("and goes.": not "goes to the door")."""
    index = start
    for word in words:
        if word == END:
            return index if index >= len(tokens) or tokens[index].low in CLAUSE_BREAKS else None
        if index >= len(tokens):
            return None
        if word == PERSON:
            match = names.match_starting(tokens, index)
            if match is None or tokens[match[1] - 1].possessive:
                return None
            index = match[1]
            continue
        seen = tokens[index].low
        if not (
            word == seen
            or (word == "*" and any(c.isalnum() for c in seen) and seen not in CLAUSE_BREAKS)
        ):
            return None
        index += 1
    return index


@dataclass(slots=True)
class Verb:
    position: int
    entry: ActionEntry | None  # None: a known verb whose object matched no entry
    negated: bool
    object_end: int = 0


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative clause on a character: "Ben, who smiles," from the "who" to its closing
    comma (or the sentence's end)."""

    start: int
    end: int
    antecedent: str
    opens: bool  # no verb before it: its antecedent is the sentence's subject
    closed: bool  # a comma closes it, and the main clause goes on after it

    def describes(self, tokens: Sequence[Tok]) -> bool:
        """Whether the clause's verbs say what the antecedent is like, not what they do now:
        "Ana, who smiles a lot, sits", "who mutters at everyone" (but "Greg, who leans back in
        his chair, watches" and "Ana, who is still smiling, sits" do it now)."""
        if not (self.opens and self.closed):
            return False
        said = f" {' '.join(token.low for token in tokens[self.start : self.end])} "
        return any(f" {words} " in said for words in _HABITUAL)
