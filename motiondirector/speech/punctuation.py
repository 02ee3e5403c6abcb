"""The sentence and clause marks of the scripts the project reads, declared once.

Pauses (`scene.timing`), cue sentences (`planners.cues`) and subtitle cues (`export.vtt`) all
ask whether a written word ends a sentence or a clause; they read these tables, so a script's
marks are added here and nowhere else. Each mark is grouped with its ASCII kin: `？` asks as
`?` does, Burmese `။` ends a sentence as `.` does.
"""

from __future__ import annotations

FULL_STOPS = ".。．｡۔।॥።။។៕"
"""Latin, CJK (ideographic, fullwidth, halfwidth), Urdu, Devanagari (danda, double danda),
Ethiopic, Burmese and Khmer full stops."""
QUESTION_MARKS = "?？؟"
EXCLAMATION_MARKS = "!！"
SENTENCE_MARKS = FULL_STOPS + QUESTION_MARKS + EXCLAMATION_MARKS

COMMAS = ",、，､،፣၊"
SEMICOLONS = ";；؛"
COLONS = ":：៖"
CLAUSE_MARKS = COMMAS + SEMICOLONS + COLONS

ASCII_KIN = str.maketrans(
    {
        **dict.fromkeys(FULL_STOPS, "."),
        **dict.fromkeys(QUESTION_MARKS, "?"),
        **dict.fromkeys(EXCLAMATION_MARKS, "!"),
        **dict.fromkeys(COMMAS, ","),
        **dict.fromkeys(SEMICOLONS, ";"),
        **dict.fromkeys(COLONS, ":"),
    }
)
"""`str.translate` table from every mark above to its ASCII kin."""
