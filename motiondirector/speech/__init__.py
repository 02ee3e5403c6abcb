"""Speech for faces: phonemes from the CMU Pronouncing Dictionary (letter-to-sound rules for
words it lacks), timed inside each word, mapped to the 15 Oculus / Meta visemes and blended
into ARKit-52 mouth and jaw weights with a coarticulation model. See docs/speech.md.

    from motiondirector.speech import pronounce, attach_visemes
    pronounce("maybe")              # ('M', 'EY1', 'B', 'IY0')
    plan = attach_visemes(plan)     # every utterance carries its speech track

The ARKit, Live Link Face and visemes exports and the frame streams read the tracks through
`character_keys` and `speech_curves`. This package depends on `plan` only.
"""

from motiondirector.speech.coarticulation import speech_curves
from motiondirector.speech.phonemes import ARPABET, pronounce, syllable_count
from motiondirector.speech.track import attach_visemes, character_keys, utterance_visemes
from motiondirector.speech.visemes import Key

__all__ = [
    "ARPABET",
    "Key",
    "attach_visemes",
    "character_keys",
    "pronounce",
    "speech_curves",
    "syllable_count",
    "utterance_visemes",
]
