"""The word sets the action reader reads by: determiners, pronouns, particles, the places a look
goes to, the nouns that say a man or a woman. Sets only one module reads live in that module.
"""

from __future__ import annotations

SENTENCE_BREAK = frozenset({".", "!", "?", ";", ":", "--", "\u2014"})
ARTICLES = frozenset({"a", "an", "the"})
DETERMINERS = ARTICLES | frozenset({"his", "her", "their", "my", "your", "its", "our", "this"})
CONJUNCTIONS = frozenset({",", "and", "then", "but", "or", "while", "as", "before", "after", "&"})
PREPOSITIONS = frozenset(
    {"at", "to", "with", "toward", "towards", "into", "from", "for", "on", "behind", "beside",
     "near", "past", "by", "of", "over", "onto", "around", "about"}
)  # fmt: skip
CLAUSE_BREAKS = frozenset({",", "and", "then", "but", "while", "as"})
PASSIVE_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "gets", "get", "got", "gotten",
     "getting"}
)  # fmt: skip
MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
# Things held or set low: looking at them is looking down ("stares into her tea").
DOWN = frozenset(
    {"floor", "ground", "feet", "down", "table", "desk", "lap", "hands", "shoes", "cup", "mug",
     "glass", "drink", "tea", "coffee", "plate", "food", "phone", "book", "letter", "notes",
     "papers", "page", "watch", "envelope", "laptop", "keyboard", "paper", "note", "notebook",
     "photo", "photograph", "card", "map", "menu", "file", "folder", "document", "documents",
     "report", "ticket", "keys", "ring", "box", "wallet", "purse", "bag", "newspaper",
     "magazine", "tablet", "bottle", "wine", "beer", "pen", "clipboard", "knees", "fingers",
     "hand", "receipt", "bill", "contract", "bowl", "soup", "dinner", "breakfast", "lunch",
     "meal", "pile", "puddle", "crumbs", "sugar", "coins", "chips", "cards", "mess", "board",
     "chessboard", "pieces", "dice", "puzzle", "carpet", "rug", "grave", "body", "drawing",
     "sketch", "blueprint", "blueprints", "form", "forms", "cheque"}
)  # fmt: skip
UP = frozenset(
    {"ceiling", "sky", "up", "upward", "upwards", "heavens", "heaven", "stars", "roof", "moon",
     "sun", "clouds"}
)  # fmt: skip
# Not "screen": in an action line it is a monitor or a phone far more often than the lens.
CAMERA = frozenset({"us", "camera", "lens", "audience", "viewer", "viewers"})
# Subjects that take a verb's base form ("They nod.").
PLURAL_SUBJECTS = frozenset({"they", "we", "you", "i", "both", "all", "everyone"})
STOPS = frozenset({".", "!", "?"})
# Words that say what someone is when they are introduced ("CHARYA, a nice Librarian lady").
MALE_NOUNS = frozenset(
    {"man", "male", "boy", "guy", "gentleman", "father", "dad", "husband", "son", "brother",
     "uncle", "king", "prince", "stallion", "lad", "grandfather", "grandpa", "sir", "grandson",
     "nephew", "stepson", "stepfather", "boyfriend", "fiance", "widower", "groom", "waiter"}
)  # fmt: skip
FEMALE_NOUNS = frozenset(
    {"woman", "female", "girl", "lady", "mother", "mom", "mum", "wife", "daughter", "sister",
     "aunt", "queen", "princess", "mare", "lass", "gal", "grandmother", "grandma",
     "granddaughter", "niece", "stepdaughter", "stepmother", "girlfriend", "fiancee", "fiancée",
     "widow", "bride", "waitress", "actress"}
)  # fmt: skip
# After "her", these make her the object: "shoves her away", "helps her up", "walks her out".
PARTICLES = frozenset({"away", "aside", "off", "down", "up", "out", "over", "forward", "along"})
# Bare verbs after "her" that make her the doer of a clause of her own ("watches her go"): she
# is the object, not the owner of a thing.
SMALL_CLAUSE = frozenset(
    {"go", "leave", "come", "walk", "run", "pace", "dance", "cry", "weep", "sleep", "fall",
     "disappear", "vanish", "sit", "stand", "turn", "climb", "drive", "move", "struggle", "work",
     "eat", "breathe", "hesitate", "tremble", "shake", "shiver", "laugh", "think", "read",
     "write", "talk", "speak", "sing", "play", "swim", "fight"}
)  # fmt: skip
# Words before a hyphen that say how a verb is done ("slow-dance"), not another word; a degree
# word among them scales it ("half-smiles", `ActionParser._degree`).
COMPOUND_PREFIXES = frozenset(
    {"half", "slow", "tap", "break", "belly", "line", "speed", "double", "mock", "fake",
     "power", "sweet", "fast", "swing", "salsa", "ballroom", "cheek"}
)  # fmt: skip
PLACE_PREPOSITIONS = frozenset({"in", "on", "at", "around", "behind", "across", "beside"})
AT = frozenset({"at", "toward", "towards"})
# What a look or a head comes up from, not where it goes: "from his paper", "off the desk".
COMING_FROM = frozenset({"from", "off"})
