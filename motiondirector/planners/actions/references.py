"""Whom a pronoun or a group means in an action line: "he" and "she" the character last mentioned
of that gender, "they" the last list of names while it is in view, "the two" the last pair, and
whom a blow just struck.
"""

from __future__ import annotations

from collections.abc import Sequence

from motiondirector.planners.actions.words import FEMALE, FEMALE_NOUNS, MALE, MALE_NOUNS
from motiondirector.scene.name_genders import name_gender


class Group(list[str]):
    """A subject a group word names ("both", "the three of them"). Its members are not
    mentioned one by one: after "The three of them look up. He ...", "he" is whoever was
    named last on his own."""


class Everyone(Group):
    """A group subject said without a count ("they", "the men"): the last list of names
    "they" still means (`ReferenceTracker.they`), else everyone on stage. Whoever the same
    sentence names doing something on their own, or the group acts on, is left out, unless
    what they did was to one of the group ("Jess grabs his hand and they bolt")."""


def _said_by_name(name: str) -> str | None:
    """The gender a name that is a word for a man or a woman says (DAD, GRANDMA, THE
    WAITRESS), or "many" for EVERYONE, never a he or a she."""
    word = name.split()[-1].lower() if name.split() else ""
    if word in MALE_NOUNS or word in FEMALE_NOUNS:
        return "m" if word in MALE_NOUNS else "f"
    return "many" if word in _MANY else None


class ReferenceTracker:
    """Who was mentioned last, and which pronouns each character has been called by.

    `keep` bounds how many recent names it remembers (all by default; a reader of a script
    with many unknown names gives a bound, so each mention costs the same)."""

    def __init__(self, keep: int | None = None) -> None:
        self._recent: dict[str, None] = {}  # in order of last mention
        self._gender: dict[str, str] = {}  # learnt from what the script says
        self._guess: dict[str, str | None] = {}  # from the name (`name_gender`) until it says
        self._keep = keep
        self._lists: dict[int, tuple[str, ...]] = {}  # the last list of names of each size
        self._listed: tuple[str, ...] = ()  # the last list of names of any size
        self._named_since: dict[str, int] = {}  # named on their own since it: in which sentence
        self._sentence = 0
        self._stage: tuple[str, ...] = ()  # who is on stage in the line being read
        # Where the last thing an earlier sentence named is: where a look at "it" goes.
        self.thing_place: str | None = None
        # Whether the sentence before made a sound or a thing up above ("Something scrapes
        # across the ceiling.", "A floorboard creaks upstairs."): where a bare "looks up" goes.
        self.above = False
        self._called: dict[str, tuple[str, ...]] = {}  # "kids": the names a list called so
        # Who the last sentence with a named doer had do something: "the others" are not them.
        self.last_doers: tuple[str, ...] = ()
        # Who of unknown gender alone did what the last sentence with a doer told, and that
        # sentence's number; no one once a line is spoken (after "Reyes leans in. REYES: Look
        # at me, Danny.", "He doesn't." is Danny).
        self._acted: tuple[str | None, int] = (None, -1)
        self._mentioned_in: dict[str, int] = {}  # the sentence each was last named in
        self._first_seen: dict[str, int] = {}  # the sentence each was first named or spoke in
        self._asleep: set[str] = set()  # whose last doing was sleeping
        # Whom a blow of this sentence or the one before struck: who "he crumples" means.
        self.struck: str | None = None
        self._struck_in_sentence = False

    def call(self, noun: str, names: Sequence[str]) -> None:
        """A plural noun the script gave a list of names ("Their kids, ZOE and SAM, sit"): whom
        "the kids" means from then on."""
        self._called[noun] = tuple(names)

    def called(self, noun: str) -> tuple[str, ...]:
        """The names a plural noun was given (`call`), if any."""
        return self._called.get(noun, ())

    def on_stage(self, names: Sequence[str]) -> None:
        """Who is on stage in the line being read: whom a pronoun may mean before anyone of its
        gender has been mentioned (`resolve`)."""
        self._stage = tuple(names)

    def new_sentence(self) -> None:
        """The reader goes on to a new sentence (`they` looks at the sentences before it)."""
        self._sentence += 1

    def ends_sentence(self, subjects: Sequence[str]) -> None:
        """A sentence is read: its subjects come after whom it names otherwise, so a pronoun
        in the sentences after means its subject before its object ("He gives Nar and Yor a
        glare. They shrug. Charya points at him." -- at him, not at Yor)."""
        if subjects:
            self.last_doers = tuple(subjects)
            alone = subjects[0] if len(subjects) == 1 and self.gender(subjects[0]) is None else None
            self._acted = (alone, self._sentence)
        if not self._struck_in_sentence:
            self.struck = None
        self._struck_in_sentence = False
        for name in subjects:
            if name in self._recent:
                self._recent[name] = self._recent.pop(name)

    def strikes(self, name: str) -> None:
        """A blow of the sentence being read lands on `name` ("kicks him in the knee")."""
        self.struck, self._struck_in_sentence = name, True

    def mention_list(self, names: Sequence[str]) -> None:
        """Names written as one list ("Chalf, Nar and Yor"): what "the three of them" means,
        and "they" for as long as `they` says."""
        self._lists[len(names)] = tuple(names)
        self._listed = tuple(names)
        self._named_since.clear()

    def they(self, on_stage: Sequence[str]) -> list[str]:
        """Whom "they" means: the last list of names ("He gives Nar and Yor a glare. They
        shrug." -- Nar and Yor) while all of them are on stage and no two other characters
        have been named on their own in a sentence of the action since (after "Ana sits. Ben
        stands.", an old list is no longer the group in view); else everyone on stage who was
        mentioned or spoke before the sentence, where that is two or more ("They clink
        bottles. A DRUNK GUY stumbles between them.": not him yet). One other character named
        in between is whom the group deals with ("Charya implores them. They stop.")."""
        others = {
            name
            for name, sentence in self._named_since.items()
            if name not in self._listed and sentence < self._sentence
        }
        if self._listed and len(others) < 2 and all(name in on_stage for name in self._listed):
            return list(self._listed)
        seen = [
            name for name in on_stage if self._first_seen.get(name, self._sentence) < self._sentence
        ]
        return seen if len(seen) >= 2 else list(on_stage)

    def group(self, size: int, on_stage: Sequence[str], aside: Sequence[str] = ()) -> list[str]:
        """The characters a group of `size` means ("both", "the three of them"): the last list
        of that many names if they are all on stage, else the `size` mentioned last on stage
        but `aside` (whom the group acts on), else everyone on stage."""
        named = self._lists.get(size, ())
        if named and all(name in on_stage for name in named):
            return list(named)
        recent = [name for name in self._recent if name in on_stage and name not in aside]
        if len(recent) >= size:
            return sorted(recent[-size:], key=list(on_stage).index)
        return list(on_stage)

    def mention(self, name: str) -> None:
        self._remember(name)
        self._named_since[name] = self._mentioned_in[name] = self._sentence

    def speaks(self, name: str) -> None:
        """A line of dialogue: "he" after it may mean its speaker, but whom "they" means is
        left as the action said (`they`): a patron's "Shh!" does not end a group."""
        self._remember(name)
        self._acted = (None, -1)

    def _remember(self, name: str) -> None:
        self._recent.pop(name, None)
        self._recent[name] = None
        self._first_seen.setdefault(name, self._sentence)
        self._know(name)
        if self._keep is not None and len(self._recent) > self._keep:
            oldest = next(iter(self._recent))
            del self._recent[oldest]
            self._guess.pop(oldest, None)
            self._named_since.pop(oldest, None)
            self._mentioned_in.pop(oldest, None)
            self._first_seen.pop(oldest, None)

    def sleeps(self, name: str, asleep: bool) -> None:
        """`name` did something: sleeping, or anything else, which they do awake."""
        if asleep:
            self._asleep.add(name)
        else:
            self._asleep.discard(name)

    def asleep(self, name: str) -> bool:
        """Whether the last thing `name` did was sleeping: no one of a group that reacts."""
        return name in self._asleep

    def _know(self, name: str) -> None:
        """The gender `name` makes likely, and the one a word for a man or a woman says."""
        if name not in self._guess:
            self._guess[name] = name_gender(name)
            said = _said_by_name(name)
            if said is not None:
                self._gender.setdefault(name, said)

    def guess(self, name: str, gender: str) -> None:
        """A title before the name says what its gender likely is ("MISS BENNET" of BENNET),
        as a given name would (`name_gender`), where the name itself does not."""
        self._know(name)
        if self._guess[name] is None:
            self._guess[name] = gender

    def mentioned(self, name: str) -> bool:
        """Whether `name` has been mentioned (or has spoken) yet."""
        return name in self._recent

    def learn(self, name: str, gender: str) -> None:
        self._gender.setdefault(name, gender)

    def gender(self, name: str) -> str | None:
        """What the script says of `name`, else what the name makes likely (of one not
        mentioned yet too)."""
        if name in self._gender or name in self._guess:
            return self._gender.get(name) or self._guess.get(name)
        return _said_by_name(name) or name_gender(name)

    def own(self, pronoun: str, doer: Sequence[str]) -> bool:
        """Whether a possessive can only be the doer's own ("Nora looks at her hands"): the
        doer is one character of its gender and no one else mentioned is known to be."""
        gender = "m" if pronoun in MALE else "f" if pronoun in FEMALE else None
        if gender is None or len(doer) != 1 or self.gender(doer[0]) != gender:
            return False
        return not any(self.gender(name) == gender for name in self._recent if name not in doer)

    def anyone_else(self, gender: str, name: str) -> bool:
        """Whether someone mentioned other than `name` is, or is likely, of `gender`."""
        return any(self.gender(other) == gender for other in self._recent if other != name)

    def last(self, exclude: Sequence[str] = ()) -> str | None:
        for name in reversed(self._recent):
            if name not in exclude:
                return name
        return None

    def resolve(
        self, pronoun: str, exclude: Sequence[str] = (), *, learn: bool = True
    ) -> str | None:
        """Whom `pronoun` means (`_resolve`); with `learn`, that one counts as named in this
        sentence: "Boone lunges and grabs her wrist. She wrenches free." is Yuki, referred to
        since Boone acted."""
        name = self._resolve(pronoun, exclude, learn=learn)
        if learn and name is not None and name in self._mentioned_in:
            self._mentioned_in[name] = self._sentence
        return name

    def _resolve(
        self, pronoun: str, exclude: Sequence[str] = (), *, learn: bool = True
    ) -> str | None:
        """The character a he/she pronoun points at: the last mentioned the script has said is
        of that gender or whose name tells it (`name_gender`) with no one of unknown gender
        mentioned since, or the one of unknown gender who alone did what the last sentence told
        when that one is not named since ("A GUARD steps out. He waves John through." -- the
        guard, though John was called "he" before; "Jamal kisses Priya. She ..." -- Priya),
        else the last mentioned it has said nothing of whose name does not
        tell the other gender, else the only one on stage not yet mentioned
        whose name tells that gender ("Ana hands him the phone." with BEN on stage), else
        simply the last mentioned. Without `learn`, the one found is not remembered as of the
        pronoun's gender."""
        gender = "m" if pronoun in MALE else "f" if pronoun in FEMALE else None
        candidates = [n for n in reversed(self._recent) if n not in exclude]
        if gender is not None:
            # Nearest first: one the script said is of that gender, or one whose name says so
            # before anyone nearer of unknown gender ("Maya elbows Liam. He jerks awake." is
            # Liam, though the teacher was called "he").
            unknown_nearer: list[str] = []
            for name in candidates:
                said = self._gender.get(name)
                unknown = said is None and self._guess.get(name) is None
                blocked = any(not self._listed_together(name, other) for other in unknown_nearer)
                if said == gender or (
                    said is None and not blocked and self._guess.get(name) == gender
                ):
                    acted = self._acted[0]
                    if (
                        blocked
                        and acted in candidates
                        and self._mentioned_in.get(name, -1) < self._acted[1]
                    ):
                        # One not named since the last doer acted: "The Skinny One lunges.
                        # Jack kicks him." is not the Big One called "he" before.
                        name = acted
                    if learn:  # called so now: "his hand" later is not hers
                        self._gender[name] = gender
                    return name
                if unknown:
                    unknown_nearer.append(name)
            # Then the last mentioned the script has said nothing of whose name does not say
            # otherwise: a name's guess does not reach past someone nearer of unknown gender.
            for name in candidates:
                if name not in self._gender and self._guess.get(name) in (gender, None):
                    if learn:
                        self._gender[name] = gender
                    return name
            unnamed = [
                name
                for name in self._stage
                if name not in self._recent and name not in exclude and name_gender(name) == gender
            ]
            if len(unnamed) == 1:
                return unnamed[0]
        return candidates[0] if candidates else None

    def _listed_together(self, name: str, other: str) -> bool:
        """Whether the two were last named in one list ("Rosa and Holt walk out."): as near as
        each other, so that "She ..." may mean Rosa past Holt, whose name says nothing."""
        sentence = self._mentioned_in.get(name)
        return (
            name in self._listed
            and other in self._listed
            and sentence is not None
            and sentence == self._mentioned_in.get(other)
        )


# A cue that is many people ("EVERYONE / Surprise!" with no one there to say it): no he or she.
_MANY = frozenset({"everyone", "everybody", "all", "together", "both", "crowd", "friends"})
