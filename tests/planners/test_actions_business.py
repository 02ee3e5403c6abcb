"""The stage business of everyday screenplays ("She bites her lip.", "He runs a hand through his
hair.", "She sinks into the couch.", "Her face falls.") gives the behaviour of the vocabulary
nearest to it, and the same words used otherwise give what they mean there, or nothing."""

from __future__ import annotations

import pytest

from motiondirector.planners.actions import ActionParser, NameIndex, ReferenceTracker
from motiondirector.planners.cues import load_cue_lexicon

CAST = ["ANA", "BEN"]


@pytest.fixture(scope="module")
def parser() -> ActionParser:
    return ActionParser(load_cue_lexicon())


def read(parser: ActionParser, text: str, *, emotions: bool = False) -> set[str]:
    """Every cue the text gives, as "CHARACTER what[>target]"; what is a lexeme, AU<n> or gaze."""
    tracker = ReferenceTracker()  # both were introduced before the line
    for name, gender in (("ANA", "f"), ("BEN", "m")):
        tracker.mention(name)
        tracker.learn(name, gender)
    cues = parser.parse(text, NameIndex(CAST), tracker, CAST, emotions=emotions)
    found = set()
    for cue in cues:
        template = cue.template
        what = template.lexeme or (f"AU{template.au}" if template.au else template.channel)
        found.add(f"{cue.character} {what}" + (f">{cue.target}" if cue.target else ""))
    return found


LINES = [
    # Faces.
    ("Ana bites her lip.", {"ANA AU28"}),
    ("Ben clenches his jaw.", {"BEN AU23", "BEN AU24"}),
    ("Ben grits his teeth.", {"BEN AU23", "BEN AU24"}),
    ("Ana purses her lips.", {"ANA AU24"}),
    ("Ben grimaces.", {"BEN AU4", "BEN AU7", "BEN AU10", "BEN AU20"}),
    ("Ben scoffs.", {"BEN AU14", "BEN toss"}),
    ("Ana pouts.", {"ANA AU17", "ANA AU15"}),
    ("Ana narrows her eyes.", {"ANA AU7", "ANA AU4"}),
    ("Ben squints at Ana.", {"BEN AU7", "BEN gaze>ANA"}),
    ("Ana blinks.", {"ANA AU45"}),
    ("Ben flinches.", {"BEN lean_back", "BEN AU4", "BEN AU45"}),
    ("Ana tenses.", {"ANA AU4", "ANA AU24"}),
    ("Ben yawns.", {"BEN AU26", "BEN AU43"}),
    ("Ana closes her eyes.", {"ANA AU43"}),
    ("Ben squeezes his eyes shut.", {"BEN AU43", "BEN AU4"}),
    ("Ana holds her breath.", {"ANA AU24"}),
    ("Ben exhales.", {"BEN breathe", "BEN lower"}),
    ("Ana hesitates.", {"ANA gaze>away"}),
    ("Ben pauses.", {"BEN idle"}),
    # Hands to the face and head.
    ("Ben runs a hand through his hair.", {"BEN head_scratch"}),
    ("Ana runs her fingers through her hair.", {"ANA head_scratch"}),
    ("Ben runs a hand over his face.", {"BEN cover_face"}),
    ("Ana rubs her temples.", {"ANA facepalm"}),
    ("Ben rubs the back of his neck.", {"BEN head_scratch"}),
    ("Ben pinches the bridge of his nose.", {"BEN facepalm"}),
    ("Ana wipes away a tear.", {"ANA cover_face", "ANA AU1", "ANA AU15"}),
    ("Ana rests her chin on her hand.", {"ANA chin_stroke"}),
    ("Ben bites his nails.", {"BEN cover_mouth"}),
    # Touching someone.
    ("Ana kisses Ben.", {"ANA lean_forward", "ANA gaze>BEN"}),
    ("Ben puts his arm around Ana.", {"BEN hug>ANA"}),
    ("Ana wraps her arms around Ben.", {"ANA hug>BEN"}),
    ("Ben pats Ana on the shoulder.", {"BEN hug>ANA"}),
    ("Ana squeezes Ben's hand.", {"ANA handshake>BEN"}),
    ("Ana squeezes his shoulder.", {"ANA hug>BEN"}),
    ("Ben lets out a shaky breath.", {"BEN breathe", "BEN lower"}),
    ("Ana heads back down the corridor.", {"ANA walk"}),
    ("Ben weaves through the crowd toward Ana.", {"BEN walk"}),
    ("Ben lounges in his chair.", {"BEN sit"}),
    ("Ana spins her chair to face Ben.", {"ANA turn", "ANA gaze>BEN"}),
    ("Ana walks over to face Ben.", {"ANA walk", "ANA turn", "ANA gaze>BEN"}),
    ("Ana allows herself a small smile, then stands.", {"ANA AU6", "ANA AU12", "ANA stand"}),
    ("Ben breaks into nervous laughter.", {"BEN AU6", "BEN AU12", "BEN AU26", "BEN toss"}),
    ("Ana doodles in her notebook.", {"ANA write"}),
    ("Ana waves as he shuffles off.", {"ANA wave", "BEN walk"}),
    ("Ana waves the offer away.", {"ANA dismiss"}),
    ("Ben follows close behind.", {"BEN walk"}),
    ("Ben nudges it open with the bat.", {"BEN open"}),
    # Play in a backyard.
    ("Ben chases Ana.", {"BEN run", "BEN gaze>ANA"}),
    (
        "Ana shrieks and scatters across the lawn.",
        {"ANA AU1", "ANA AU2", "ANA AU5", "ANA AU20", "ANA AU26", "ANA run"},
    ),
    ("Ben searches the yard.", {"BEN walk", "BEN gaze>away"}),
    ("Ben searches his pockets.", {"BEN take"}),
    ("Ana yanks Ben back.", {"ANA take>BEN"}),
    ("Ben pounces.", {"BEN lean_forward"}),
    # A fight in an alley.
    ("Ben backs into the alley, hands raised.", {"BEN walk", "BEN stop"}),
    ("Ben swings at Ana.", {"BEN punch>ANA", "BEN AU4"}),
    ("Ana ducks.", {"ANA lean_forward", "ANA lower"}),  # a throw, a blow: bent, head down
    ("Ana ducks under the table.", {"ANA kneel"}),  # hiding: low
    ("Ana ducks behind the counter.", {"ANA kneel"}),
    # Whom a blow lands on takes it, whoever or whatever gives it; nobody's lands on nobody.
    ("The pillow hits Ana in the face.", {"ANA turn_away", "ANA AU4", "ANA AU7"}),
    ("A stranger shoves Ben aside.", {"BEN walk", "BEN AU4"}),
    ("The ball hits the wall.", set()),
    ("Nobody touches Ben.", set()),
    ("No one hits Ana.", set()),
    ("Ana drives an elbow into his gut.", {"ANA punch>BEN", "ANA AU4"}),
    ("Ben lunges at Ana.", {"BEN lean_forward", "BEN gaze>ANA"}),
    ("Ana blocks.", {"ANA stop"}),
    ("Ben crumples.", {"BEN fall"}),
    (
        "Ana punches him in the jaw.",
        {"ANA AU4", "ANA punch>BEN", "BEN AU4", "BEN AU7", "BEN turn_away"},
    ),
    ("Ana pushes off the wall.", {"ANA stand"}),
    ("Ana slaps a photograph onto the table.", {"ANA put_down", "ANA AU4"}),
    ("Ana slams both palms on the table.", {"ANA beat", "ANA AU4", "ANA AU23"}),
    ("Ana holds Ben's hand.", {"ANA handshake>BEN"}),
    ("Ben holds her close.", {"BEN hug>ANA"}),
    ("Ben pulls Ana close.", {"BEN hug>ANA"}),
    ("Ana touches Ben's arm.", {"ANA hug>BEN"}),
    ("Ana pats the seat next to her.", {"ANA beckon"}),
    ("Ben locks eyes with Ana.", {"BEN gaze>ANA"}),
    ("Ana meets his gaze.", {"ANA gaze>BEN"}),
    ("Ben returns her gaze.", {"BEN gaze>ANA"}),
    ("Ben avoids her eyes.", {"BEN gaze>away"}),
    ("Ben gestures with his eyes to Ana.", {"BEN gaze>ANA"}),  # his own eyes
    # Hitting, pushing, giving up, breaking down.
    ("Ana slaps Ben.", {"ANA AU4", "ANA beat>BEN", "BEN AU4", "BEN AU7", "BEN turn_away"}),
    ("Ben shoves Ana aside.", {"ANA AU4", "ANA walk", "BEN AU4", "BEN stop>ANA"}),
    ("Ana pushes past Ben.", {"ANA walk"}),
    # A name right after the verb is whom it is done to.
    ("Ana pushes Ben.", {"ANA AU4", "ANA stop>BEN", "BEN AU4", "BEN walk"}),
    (
        "Ben shoves Ana against the wall.",
        {"ANA AU4", "ANA AU7", "ANA lean_back", "BEN AU4", "BEN stop>ANA"},
    ),
    ("Ana punches Ben.", {"ANA AU4", "ANA punch>BEN", "BEN AU4", "BEN AU7", "BEN turn_away"}),
    ("Ben hits Ana.", {"ANA AU4", "ANA AU7", "ANA turn_away", "BEN AU4", "BEN punch>ANA"}),
    ("Ana struck Ben.", {"ANA AU4", "ANA punch>BEN", "BEN AU4", "BEN AU7", "BEN turn_away"}),
    ("Ana knocks Ben out.", {"ANA punch>BEN", "ANA AU4"}),
    ("Ben smacks Ana.", {"ANA AU4", "ANA AU7", "ANA turn_away", "BEN AU4", "BEN beat>ANA"}),
    ("Ana throws a punch at Ben.", {"ANA punch>BEN", "ANA AU4"}),
    ("Ben punches the wall.", {"BEN punch", "BEN AU4"}),
    ("Ana punches the air.", {"ANA fist_pump"}),
    ("Ben punches in the code.", {"BEN beat"}),
    # Kicks.
    ("Ben kicks the door.", {"BEN kick"}),
    ("Ana kicks at Ben.", {"ANA kick", "ANA gaze>BEN", "ANA AU4"}),
    (
        "Ana kicks him.",
        {"ANA AU4", "ANA gaze>BEN", "ANA kick", "BEN AU4", "BEN AU7", "BEN turn_away"},
    ),
    ("Ben kicks back in his chair.", {"BEN sit", "BEN lean_back"}),
    # Squaring up to fight: a fist raised in threat; bouncing on one's toes, small hops.
    ("Ben raises his gloves again.", {"BEN fist_shake", "BEN AU4"}),
    ("Ana puts her fists up.", {"ANA fist_shake", "ANA AU4"}),
    ("Ben squares up to Ana.", {"BEN fist_shake", "BEN AU4"}),
    ("Ben squares his shoulders.", {"BEN breathe"}),
    ("Ana raises her hand.", {"ANA raise_hand"}),
    ("Ben bounces on his toes.", {"BEN jump"}),
    ("The ball bounces off the wall.", set()),
    # Lying down.
    ("Ben lies down on the couch.", {"BEN lie"}),
    ("Ana lay on the floor, staring at the ceiling.", {"ANA lie", "ANA gaze>up"}),
    ("Ben lays down.", {"BEN lie"}),
    ("Ana is lying on the bed.", {"ANA lie"}),
    ("Ben lies awake.", {"BEN lie"}),
    ("Ben stretches out on the sofa.", {"BEN lie"}),
    ("Ana sprawls on the grass.", {"ANA lie"}),
    ("Ben naps on the couch.", {"BEN lie", "BEN AU43"}),
    ("Ana sleeps in her bed.", {"ANA lie", "ANA AU43"}),
    ("Ben sleeps in his chair.", {"BEN AU43", "BEN lower", "BEN sit"}),  # asleep seated, not lying
    # On a bed one sits, in it one lies; knees drawn up to the chest sit, arms around them.
    ("Ana is on the bed, phone to her ear.", {"ANA sit"}),
    ("Ana reads on the bed.", {"ANA sit", "ANA read"}),
    ("Ben jumps on the bed.", {"BEN jump"}),
    ("Ana throws her bag on the bed.", {"ANA give"}),
    ("Ana pulls her knees to her chest.", {"ANA sit", "ANA cross_arms"}),
    ("Ana hugs her knees.", {"ANA sit", "ANA cross_arms"}),
    ("Ana hugs herself.", {"ANA cross_arms"}),
    ("Ana hugs Ben.", {"ANA hug>BEN", "BEN hug"}),
    ("Ana hugs Ben from behind.", {"ANA hug>BEN"}),
    ("Ana waits, knees drawn up to her chin.", {"ANA idle", "ANA sit", "ANA cross_arms"}),
    ("Ana pulls Ben up.", {"ANA take>BEN", "BEN stand"}),
    # Done to them: the subject of a passive takes it, and its agent does it.
    ("Ben is punched.", {"BEN AU4", "BEN AU7", "BEN turn_away"}),
    ("Ben gets kicked.", {"BEN AU4", "BEN AU7", "BEN turn_away"}),
    ("Ana is slapped.", {"ANA turn_away", "ANA AU4", "ANA AU7"}),
    ("Ben is knocked to the ground.", {"BEN fall", "BEN AU4"}),
    ("Ben is thrown across the room.", {"BEN fall", "BEN AU4"}),
    ("Ben, the mastermind, is SLAMMED against the wall.", {"BEN lean_back", "BEN AU4", "BEN AU7"}),
    ("Ben slams against the wall.", {"BEN lean_back", "BEN AU4", "BEN AU7"}),
    ("Ben slams Ana against the wall.", {"BEN stop>ANA", "BEN AU4"}),
    ("Ben is punched by Ana.", {"ANA AU4", "ANA punch>BEN", "BEN AU4", "BEN AU7", "BEN turn_away"}),
    ("Ben is slapped by Ana.", {"ANA beat>BEN", "ANA AU4", "BEN turn_away", "BEN AU4", "BEN AU7"}),
    ("Ana is followed by Ben.", {"BEN walk", "BEN gaze>ANA"}),
    ("Ben is helped up.", {"BEN stand"}),
    ("Ben is hit by a car.", {"BEN fall", "BEN AU4"}),
    ("Ben is shot by Ana.", {"ANA point>BEN", "ANA AU4", "BEN fall", "BEN AU4"}),
    ("Ben is stabbed.", {"BEN lean_forward", "BEN lower", "BEN AU4", "BEN AU7"}),
    ("Ben is grabbed.", {"BEN lean_back", "BEN AU5"}),
    ("Ana is hugged by Ben.", {"ANA hug>BEN", "BEN hug>ANA"}),
    ("Ben is tackled by Ana.", {"ANA run", "ANA gaze>BEN", "BEN fall", "BEN AU4"}),
    ("Ana shoots him a look.", {"ANA gaze>BEN"}),
    ("Ana shoots up from her chair.", {"ANA stand"}),
    (
        "Ben stabs Ana.",
        {"ANA AU4", "ANA AU7", "ANA lean_forward", "ANA lower", "BEN AU4", "BEN punch>ANA"},
    ),
    ("Ana gets kicked out of the club.", {"ANA walk", "ANA AU4"}),  # "gets" is no verb here
    (
        "Ben is punched by Ana and knocked to the ground.",  # one passive, two participles
        {"ANA AU4", "ANA punch>BEN", "BEN AU4", "BEN AU7", "BEN fall", "BEN turn_away"},
    ),
    ("Ben is punched and falls.", {"BEN AU4", "BEN AU7", "BEN fall", "BEN turn_away"}),
    ("Ana is led away.", {"ANA walk"}),
    ("Ana is handed a note.", {"ANA take"}),
    ("Ben is slumped in his chair.", {"BEN sit", "BEN lower"}),  # a verb with no passive uses
    ("Ana is kicking the door.", {"ANA kick"}),  # not a passive
    # Dancing.
    ("They dance.", {"ANA dance", "BEN dance"}),
    ("Ana dances with Ben.", {"ANA dance", "ANA gaze>BEN"}),
    ("Ben breaks out into a horrible robot dance.", {"BEN dance"}),
    ("Ana waltzes.", {"ANA dance"}),
    ("Ana pokes Ben.", {"ANA point>BEN"}),
    ("Ben nudges Ana.", {"BEN beat>ANA"}),
    ("Ana hands Ben keys.", {"ANA give>BEN"}),
    ("Ana gives Ben money.", {"ANA give>BEN"}),
    ("Ana knocks.", {"ANA beat"}),
    ("Ben knocks loudly.", {"BEN beat"}),
    ("Ben elbows his way through.", {"BEN walk"}),
    # "and" joins the people; a glare frowns.
    ("Ben gives Ana and her sister a glare.", {"BEN gaze>ANA", "BEN AU4", "BEN AU7"}),
    ("Ana follows Ben out.", {"ANA walk", "ANA gaze>BEN"}),
    ("Ben joins Ana.", {"BEN walk"}),
    ("Ana leads Ben to the door.", {"ANA walk"}),
    ("Ana faces Ben.", {"ANA turn", "ANA gaze>BEN"}),
    ("Ana comforts Ben.", {"ANA hug>BEN"}),
    ("Ben holds Ana.", {"BEN hug>ANA"}),
    ("Ben pats Ana.", {"BEN hug>ANA"}),
    ("Ana greets Ben.", {"ANA wave>BEN"}),
    ("Ana greets Ben with a hug.", {"ANA hug>BEN"}),
    ("Ben thanks Ana.", {"BEN nod", "BEN gaze>ANA"}),
    ("Ana introduces Ben.", {"ANA open_palms>BEN"}),
    ("Ana introduces herself.", {"ANA self_point"}),
    ("Ana interrupts Ben.", {"ANA stop>BEN"}),
    ("Ana cuts Ben off.", {"ANA stop>BEN"}),
    ("Ana dismisses Ben.", {"ANA dismiss>BEN"}),
    ("Ana shoos Ben away.", {"ANA dismiss>BEN"}),
    ("Ben blocks Ana's way.", {"BEN stop>ANA"}),
    ("Ana signals to Ben.", {"ANA point>BEN"}),
    ("Ana studies Ben.", {"ANA gaze>BEN"}),
    ("Ana catches Ben's eye.", {"ANA gaze>BEN"}),
    ("Ben catches Ana.", {"BEN take>ANA"}),
    ("Ana catches her breath.", {"ANA breathe", "ANA lower"}),
    ("Ana catches his eye.", {"ANA gaze>BEN"}),
    ("Ana meets his eye.", {"ANA gaze>BEN"}),
    ("Ben avoids her eye.", {"BEN gaze>away"}),
    ("Ben catches the bag.", {"BEN take"}),
    ("Ana catches sight of Ben.", {"ANA gaze>BEN"}),
    ("Ana glances back at Ben.", {"ANA gaze>BEN"}),  # "back" is no verb of its own here
    ("Ana holds his gaze.", {"ANA gaze>BEN"}),
    # Everyday business: sleep, raised voices, embarrassment, coughs, hands together.
    ("Ana falls asleep.", {"ANA AU43", "ANA lower"}),
    ("Ben nods off.", {"BEN AU43", "BEN lower"}),
    ("Ana wakes up.", {"ANA AU5", "ANA gaze>up"}),
    ("Ben dies.", {"BEN fall"}),
    ("Ana trips over the rug.", {"ANA fall"}),
    ("Ben hurries out.", {"BEN walk"}),
    ("Ana jogs over.", {"ANA run"}),
    ("Ben shouts at Ana.", {"BEN AU4", "BEN AU26", "BEN lean_forward", "BEN gaze>ANA"}),
    ("Ana screams.", {"ANA AU1", "ANA AU2", "ANA AU5", "ANA AU20", "ANA AU26"}),
    ("Ana whispers to Ben.", {"ANA lean_forward", "ANA gaze>BEN"}),
    ("Ben cheers.", {"BEN fist_pump"}),
    ("Ana blushes.", {"ANA gaze>down", "ANA AU12", "ANA lower"}),
    ("Ben hunches over.", {"BEN lean_forward", "BEN lower"}),
    ("Ana straightens up.", {"ANA stand"}),
    ("Ben coughs.", {"BEN cover_mouth"}),
    ("Ana sniffs.", {"ANA AU9"}),
    ("Ana breaks down.", {"ANA AU1", "ANA AU15", "ANA lower"}),
    ("Ana wrings her hands.", {"ANA rub_hands"}),
    ("Ben crosses himself.", {"BEN hand_on_heart"}),
    ("Ben tips his hat to Ana.", {"BEN salute>ANA"}),
    ("Ana fixes her hair.", {"ANA head_scratch"}),
    ("Ben pockets the keys.", {"BEN put_down"}),
    ("Ana draws the curtains.", {"ANA open"}),
    ("Ben draws a gun.", {"BEN take"}),
    ("Ana sets the table.", {"ANA put_down"}),
    ("Ana hands Ben and leaves.", {"ANA walk"}),  # here it joins two verbs
    ("Ben pushes the door open.", {"BEN open"}),
    ("Ana throws her hands up.", {"ANA shrug"}),
    ("Ana looks Ben up and down.", {"ANA gaze>BEN"}),
    ("Ben crouches down.", {"BEN kneel"}),
    ("Ana gets down on one knee.", {"ANA kneel"}),
    ("Ana forces a smile.", {"ANA AU12"}),
    ("Ben chokes back tears.", {"BEN AU1", "BEN AU15", "BEN AU24", "BEN lower"}),
    ("Ana bursts into tears.", {"ANA AU1", "ANA AU15", "ANA lower"}),
    ("Ben bursts out laughing.", {"BEN AU6", "BEN AU12", "BEN AU26", "BEN toss"}),
    ("Ana bursts into the room.", {"ANA run"}),
    ("Ben lets out a breath.", {"BEN breathe", "BEN lower"}),
    ("Ben clears his throat.", {"BEN cover_mouth"}),
    ("Ben takes her hand.", {"BEN handshake>ANA"}),
    ("Ana puts a hand on his shoulder.", {"ANA hug>BEN"}),
    ("Ben lays a hand on her arm.", {"BEN hug>ANA"}),
    ("Ana rests her hand on Ben's knee.", {"ANA hug>BEN"}),
    ("Ana touches his arm.", {"ANA hug>BEN"}),
    ("Ana swallows hard.", {"ANA AU24", "ANA AU17"}),
    ("Ben groans.", {"BEN AU4", "BEN AU43", "BEN lower"}),
    ("Ben furrows his brow.", {"BEN AU4"}),
    ("Ana knits her brows.", {"ANA AU4"}),
    ("Ana tucks her hair behind her ear.", {"ANA head_scratch"}),
    ("Ana tucks the letter into her pocket.", set()),
    ("Ben scratches the back of his neck.", {"BEN head_scratch"}),
    ("Ben cracks his knuckles.", {"BEN rub_hands"}),
    ("Ben cracks his neck.", {"BEN tilt"}),
    # Sitting.
    ("Ben sinks into the couch.", {"BEN sit"}),
    ("Ana collapses into a chair.", {"ANA sit"}),
    ("Ben flops down.", {"BEN sit"}),
    ("Ana perches on the edge of the desk.", {"ANA sit"}),
    ("Ben pulls up a chair.", {"BEN sit"}),
    ("Ana sinks to her knees.", {"ANA kneel"}),
    ("Ben pulls away.", {"BEN lean_back"}),
    ("Ana stomps off.", {"ANA walk", "ANA AU4"}),
    # Things in the hand.
    ("Ben slams the door.", {"BEN open", "BEN AU4", "BEN AU23"}),
    ("Ana slams the phone down.", {"ANA put_down", "ANA AU4"}),
    ("Ana closes the door.", {"ANA open"}),
    ("Ben locks the drawer.", {"BEN open"}),
    ("Ben knocks on the door.", {"BEN beat"}),
    ("Ana bangs on the door.", {"ANA beat", "ANA AU4"}),
    ("Ben pounds on the table.", {"BEN beat", "BEN AU4"}),
    ("Ben knocks back a shot.", {"BEN drink"}),
    ("Ana lights a cigarette.", {"ANA drink"}),
    ("Ben takes a drag.", {"BEN drink"}),
    ("Ana eats.", {"ANA drink"}),
    ("Ben pulls out a gun.", {"BEN take"}),
    ("Ana dials a number.", {"ANA write"}),
    ("Ben answers the phone.", {"BEN take"}),
    ("Ana answers the door.", {"ANA open"}),
    ("Ana hangs up.", {"ANA put_down"}),
    ("Ben checks his watch.", {"BEN gaze>down"}),
    ("Ben motions to the door.", {"BEN point"}),
    ("Ana stares into her tea.", {"ANA gaze>down"}),
    ("Ana looks at the screen.", {"ANA gaze>away"}),  # a monitor, not the lens
    ("Ben hangs it on the hook.", {"BEN put_down"}),
    ("Ana slips Ben a note.", {"ANA give>BEN"}),
    ("Ana slips a twenty into the man's hand.", {"ANA give"}),
    ("Ana twirls her hair.", {"ANA head_scratch"}),
    ("Ben fiddles with his ring.", {"BEN rub_hands"}),
    ("Ana chews her lip.", {"ANA AU28"}),
    ("Ben snaps his fingers.", {"BEN beat"}),
    ("Ana cradles the baby.", {"ANA hug"}),
    ("Ana ignores him.", {"ANA gaze>away"}),
    ("Ana curtsies.", {"ANA bow"}),
    ("Ana blows him a kiss.", {"ANA wave>BEN"}),
    ("Ben high-fives Ana.", {"BEN handshake>ANA"}),
    ("Ben raises his hands in surrender.", {"BEN stop"}),
    ("Ben doubles over.", {"BEN lean_forward", "BEN AU4", "BEN AU7"}),
    ("Ben doubles over laughing.", {"BEN lean_forward", "BEN AU6", "BEN AU12", "BEN AU26"}),
    ("Ana reels.", {"ANA lean_back", "ANA AU4", "ANA AU7"}),
    ("Ben clinks his glass with a fork.", {"BEN beat"}),
    ("Ana clicks to the next slide.", {"ANA beat"}),
    ("Ben clicks his tongue.", {"BEN AU24"}),
    ("Ana downs her drink in one gulp.", {"ANA drink"}),
    ("Ben spins Ana around.", {"BEN take>ANA", "ANA turn"}),
    ("Ana spins around.", {"ANA turn"}),
    ("Ana lies propped up in bed.", {"ANA lie"}),
    ("Ben pulls his chair closer to the bed.", {"BEN lean_forward"}),
    ("Ben pulls her closer.", {"BEN hug>ANA"}),
    ("Ana squares her shoulders.", {"ANA breathe"}),
    ("Ben is fast asleep.", {"BEN AU43", "BEN lower"}),
    ("Ana mouths good luck.", {"ANA AU25", "ANA AU26"}),
    ("Ana mouths off.", set()),
    ("Ben turns the dial. Click.", set()),  # "Click." alone is a sound
    ("Ana and Ben clink glasses.", {"ANA salute", "BEN salute"}),
    ("Ben gives a tiny shake of the head.", {"BEN shake"}),
    ("Ana gives Ben a shake of her head.", {"ANA shake"}),
    ("Ana smiles at him through tears.", {"ANA AU1", "ANA AU6", "ANA AU12", "ANA gaze>BEN"}),
    ("Ana reels in the fish.", set()),
    # One hand up asks to be seen; a palm, or a hand raised to stop someone, holds them off.
    ("Ana raises her hand.", {"ANA raise_hand"}),
    ("Ana raises a tentative hand.", {"ANA raise_hand"}),
    ("Ben puts his hand up.", {"BEN raise_hand"}),
    ("Ana shoots her hand up.", {"ANA raise_hand"}),
    ("Ana sticks her hand up.", {"ANA raise_hand"}),
    ("They raise their hands.", {"ANA raise_hand", "BEN raise_hand"}),
    ("Ana raises a hand to stop him.", {"ANA stop"}),
    ("Ana raises her hand, palm out.", {"ANA stop"}),
    ("Ben raises a hand for silence.", {"BEN stop"}),
    ("Ana raises her palm.", {"ANA stop"}),
    ("Ben raises his hands.", {"BEN stop"}),
    ("Ana raises a hand in greeting.", {"ANA wave"}),
    ("They return to their studies.", {"ANA read", "BEN read"}),
    ("Ana studies her notes.", {"ANA read", "ANA gaze>down"}),
    ("Ana stares into her bowl.", {"ANA gaze>down"}),
    ("Ben kicks his legs against the chair.", set()),  # swings them, seated
    ("Ana kicks Ben under the table.", {"ANA gaze>BEN", "ANA AU4"}),  # no kick standing up
    ("Ana swings the flashlight toward the door.", {"ANA gaze>away"}),  # no punch
    ("Ben trips.", {"BEN fall"}),
    ("Ana squeezes Ben's left hand.", {"ANA handshake>BEN"}),
    ("Ben lifts out a small velvet bag.", {"BEN take"}),
    ("Ben swears under his breath.", {"BEN AU4", "BEN AU24"}),
    ("Ben swears to tell the truth.", set()),
    ("Ana's face tightens with pain.", {"ANA AU4", "ANA AU7", "ANA AU9"}),
    ("Ana's eyes flutter open.", {"ANA AU5"}),
    ("Ben reads the paper at the head of the table.", {"BEN sit", "BEN read"}),
    ("Ana knits in an armchair.", {"ANA sit"}),
    ("Ben drops his bag on the chair.", {"BEN put_down"}),  # the bag's seat, not his
    ("Ben stares at the couch.", {"BEN gaze>away"}),
    ("Ana taps her pen on her desk.", {"ANA beat"}),
    ("Ana takes the stand.", {"ANA walk", "ANA sit"}),
    ("Ben shrinks in his seat.", {"BEN sit", "BEN lean_back", "BEN lower"}),
    ("Ana lays a calming hand on his arm.", {"ANA hug>BEN"}),
    ("Ana lays the file on the desk.", {"ANA put_down"}),
    ("Ana lays her head on Ben's shoulder.", {"ANA lean_forward>BEN", "ANA tilt"}),
    ("At the table, Ana confers with Ben.", {"ANA sit", "ANA lean_forward"}),
    ("The prosecutor, MR. BEN (50s), rises.", {"BEN stand"}),
    ("Ana snorts into her coffee.", {"ANA AU6", "ANA AU12", "ANA toss"}),
    ("Ben snorts in disgust.", {"BEN AU14", "BEN AU9", "BEN toss"}),
    ("Ana pulls the cap back on and nods.", {"ANA nod"}),  # "back" is no verb here
    ("Ana spins the wrong way.", {"ANA turn"}),  # the body, not a thing turned
    ("Ana spins left.", {"ANA turn"}),  # no leaving
    ("Ana bangs her cane on the floor.", {"ANA beat", "ANA AU4"}),
    ("Ana's eyebrows lift.", {"ANA AU1", "ANA AU2"}),
    ("Ben's left eye twitches.", {"BEN AU7"}),
    ("Ben shuffles the deck.", {"BEN rub_hands"}),  # no shuffling walk
    ("Ben deals.", {"BEN give"}),
    ("Ben deals with it.", set()),
    ("Ana rakes in the pot.", {"ANA take"}),
    ("Ben pushes a stack of chips forward.", {"BEN give"}),
    ("Ben draws first.", {"BEN take"}),
    ("Ben holsters his gun.", {"BEN put_down"}),
    ("Ana dusts off her hands.", {"ANA rub_hands"}),
    ("Ana lands on her feet.", {"ANA stand"}),
    ("Ben pushes off the post.", {"BEN stand"}),
    ("Ben's fingers twitch.", {"BEN rub_hands"}),
    ("Ana presses her palm against the airlock window.", {"ANA raise_hand"}),
    ("Tears well up in Ana's eyes.", {"ANA AU1", "ANA AU15"}),
    ("Ana pushes Ben gently back down.", {"ANA stop>BEN", "BEN lie"}),  # no scowl
    ("Ana's eyes snap to Ben.", {"ANA gaze>BEN"}),
    ("Ben tears the sugar packet open.", {"BEN open"}),
    ("Ana tears up.", {"ANA AU1", "ANA AU15"}),
    ("Ana tears up the letter.", {"ANA AU4"}),  # no crying
    ("Ana reaches across and stops Ben's hand.", {"ANA take", "ANA handshake>BEN"}),
    ("Ben stops an arm's length from her.", {"BEN idle"}),
    ("Ben laughs, short and bitter.", {"BEN AU14", "BEN toss"}),  # no joy
    ("Ben slides out of the booth.", {"BEN stand"}),
    ("Ana stares at the little pile of sugar.", {"ANA gaze>down"}),
    ("Ana paces, reading glasses pushed up on her forehead.", {"ANA walk"}),  # nothing read
    ("Ben goes pale.", {"BEN AU1", "BEN AU5", "BEN AU20"}),
    ("The two of them face each other.", {"ANA turn", "BEN turn", "ANA gaze>BEN", "BEN gaze>ANA"}),
    (
        "They manage to study for twelve seconds.",
        {"ANA read", "BEN read", "ANA gaze>down", "BEN gaze>down"},
    ),
    ("Ana returns to her typing.", {"ANA write"}),
    ("Ben returns to his meal.", {"BEN drink"}),
    # The same verbs doing something else.
    ("Ben runs to the door.", {"BEN run"}),
    ("Ana runs the tap.", set()),
    ("Ana collapses.", {"ANA fall"}),
    ("Ana stands close to the door.", {"ANA stand"}),
    ("Ana moves close to Ben.", set()),
    ("Ben lights up.", set()),
    ("Ana presses the button.", set()),
    ("Ben holds the door open.", set()),
    ("Ana answers him.", set()),
    ("Ben pats his pockets.", set()),
    ("Ana does not flinch.", set()),
    ("Ben turns off the light.", set()),
    ("Ana turns on the TV.", set()),
    ("Ben turns on his heel.", {"BEN turn"}),
    ("Ben lies to her.", set()),
    ("Ben is left alone.", set()),
    ("Ana shoots the film.", set()),
    ("Ana lies about the money.", set()),
    ("Ben lays the book down.", {"BEN put_down"}),  # no lying down
    ("Ben kicks off his shoes.", set()),
    ("Ana kicks herself.", set()),
    ("Ana waltzes in.", {"ANA walk"}),
    ("Ben slips on the ice.", set()),
    ("Ana pushes Ben's chair back.", set()),  # his chair, not him
    ("Ben hits the lights.", set()),
    ("Ana follows his gaze.", set()),  # she looks where he looks: no walk
    ("Ana holds her coffee.", set()),
    ("Ana pats her pocket.", set()),
    ("Ben cuts off the engine.", set()),
    ("Ana falls silent.", set()),
    ("Ana is dying to know.", set()),
    ("Ana's smile dies.", set()),
    ("Ben breaks the glass.", set()),
    ("Ana draws a picture.", set()),
    ("Ana strikes a match.", set()),
    ("Ben catches up.", set()),
    ("Ana catches a cab.", set()),
    ("Ana swings the door open.", set()),
    ("Ben ducks out.", {"BEN walk"}),
    # Pain, sobs, a look: "clutches his chest", "Her shoulders shake.", "notices him".
    ("Ben clutches his chest.", {"BEN hand_on_heart", "BEN AU4", "BEN AU7", "BEN lean_forward"}),
    ("Ana grabs her side.", {"ANA AU4", "ANA AU7", "ANA lean_forward"}),
    ("Ana clutches her shawl.", set()),
    ("Her shoulders shake.", {"ANA AU1", "ANA AU15", "ANA lower"}),
    ("His shoulders shake with laughter.", {"BEN AU6", "BEN AU12", "BEN toss"}),
    ("Ana notices him.", {"ANA gaze>BEN"}),
    ("Ben stumbles in.", {"BEN walk"}),
    ("Ana descends the stone steps.", {"ANA walk"}),
    ("Ben edges closer.", {"BEN walk"}),
    ("Ana opens her eyes.", {"ANA AU5"}),
    ("Ben bolts upright.", {"BEN toss", "BEN AU5", "BEN gaze>up"}),
    ("Ben gulps.", {"BEN AU24", "BEN AU17", "BEN AU1"}),  # a nervous swallow
    ("Ben gulps down his coffee.", {"BEN drink"}),
    (
        "Ana covers her mouth, tears streaming down her face.",
        {"ANA cover_mouth", "ANA AU1", "ANA AU15", "ANA lower"},
    ),
    ("Ben looks up and finds Ana's eyes.", {"BEN gaze>ANA"}),
    ("Ben presses the heels of his hands against his eyes.", {"BEN cover_face"}),
    ("Ben bolts for the door.", {"BEN run"}),
    ("Ana blows out the candles.", {"ANA lean_forward", "ANA gaze>down"}),
    ("Ben nurses a whiskey.", set()),  # "nurse" is no verb: A NURSE is a character
    ("Ana knocks it back in one go.", {"ANA drink"}),
    ("Ben sets a glass in front of her.", {"BEN put_down"}),
    ("Ana perches nervously on the edge of her seat.", {"ANA sit"}),  # past the manner
    ("Ana wakes.", {"ANA AU5", "ANA gaze>up"}),
    ("Ben wakes her.", {"BEN hug>ANA", "ANA AU5"}),
    ("Ana turns from the window, her hand over her mouth.", {"ANA turn", "ANA cover_mouth"}),
    ("Ana waits, hand on her heart.", {"ANA idle", "ANA hand_on_heart"}),
    ("Ana stands by the window, arms wrapped around herself.", {"ANA stand", "ANA cross_arms"}),
    ("Ana wraps her arms around herself.", {"ANA cross_arms"}),
    ("Ana wraps her arms around Ben.", {"ANA hug>BEN"}),
    ("Ana and Ben hold each other.", {"ANA hug>BEN", "BEN hug>ANA"}),
    ("Ana swings herself upright.", set()),  # no punch
    ("Ana raises both arms like a gymnast.", {"ANA fist_pump"}),
    ("Ben raises his arms in surrender.", {"BEN stop"}),
    ("Ben tugs on Ana's sleeve.", {"BEN take>ANA"}),
    ("Ben peeks through the blinds, then jerks back.", {"BEN gaze>away", "BEN lean_back"}),
    ("Ana presses herself against the wall.", {"ANA lean_back"}),
    ("Ben hauls himself up.", {"BEN stand"}),
    ("Ana pushes herself to her feet.", {"ANA stand"}),
    ("Ana staggers out of the room.", {"ANA walk"}),
    ("Ben stumbles.", {"BEN fall"}),
    ("Ana's hand flies to her mouth.", {"ANA cover_mouth", "ANA AU5"}),
    ("His hand goes to his mouth.", {"BEN cover_mouth", "BEN AU5"}),
    ("Her hand flies to her chest.", {"ANA hand_on_heart", "ANA AU5"}),
    ("Ana lowers herself onto the bench.", {"ANA sit"}),
    ("Ben lowers himself to his knees.", {"BEN kneel"}),
    ("Ben lowers the blinds.", set()),
    ("Ana pulls him into a kiss.", {"ANA lean_forward", "ANA gaze>BEN"}),
    ("Ana pulls him up into a kiss.", {"ANA lean_forward", "ANA gaze>BEN", "BEN stand"}),
    ("Ben slips the ring onto her finger.", {"BEN give>ANA"}),
    # A last "her" of an entry is its object, not a possessive: "knocks her chair over" is
    # the knock of a hand, not a blow to her.
    ("Ana knocks her chair over.", {"ANA beat"}),
    ("Ben knocks her down.", {"BEN punch>ANA", "BEN AU4"}),
    # Being in a posture or a state, said with "is" ("is on his feet", "is in tears"); any
    # other "is" says nothing, and what is done after where one is, one does.
    ("Ben is on his feet.", {"BEN stand"}),
    ("Ben is already on his feet, pacing.", {"BEN stand", "BEN walk"}),
    ("Ben is not on his feet.", set()),
    ("Ana is up in a second.", {"ANA stand"}),
    ("Ana is up to something.", set()),
    ("They are on their knees.", {"ANA kneel", "BEN kneel"}),
    ("Ben is behind the wheel.", {"BEN sit"}),
    ("Ben is behind his desk, feet up.", {"BEN sit"}),
    ("Ana is up again, clapping.", {"ANA stand", "ANA clap"}),
    ("Ben is on a log.", {"BEN sit"}),
    ("Ben is propped up in bed.", {"BEN sit", "BEN lean_back"}),  # half sitting on pillows
    ("Ben is sitting up in bed.", {"BEN sit", "BEN lean_back"}),
    ("Ben is in bed.", {"BEN lie"}),
    ("Ana is curled up in the armchair.", {"ANA sit"}),
    ("Ana is curled up on the couch.", {"ANA lie"}),
    ("Ben opens one eye and watches her read.", {"BEN gaze>ANA"}),
    ("Ben is at the defense table.", {"BEN sit"}),
    ("Ana is in the first row, clutching a rosary.", {"ANA sit"}),
    ("Ben is slumped in the back row.", {"BEN sit", "BEN lower"}),
    ("Ana is in tears.", {"ANA AU1", "ANA AU15", "ANA lower"}),
    ("Ben is on the verge of tears.", {"BEN AU1", "BEN AU15"}),
    ("Ana is in a lawn chair.", {"ANA sit"}),
    ("Ana is seated by the window.", {"ANA sit"}),
    ("Ana is on the floor laughing.", {"ANA AU6", "ANA AU12", "ANA AU26", "ANA toss"}),
    ("Ben stands by the window smiling.", {"BEN stand", "BEN AU6", "BEN AU12"}),
    ("Ana sits on the couch reading a book.", {"ANA sit", "ANA read"}),
    ("Ben is tired.", set()),
    # Shaking nothing is trembling; shaking a thing does nothing of the vocabulary.
    ("Ben is shaking.", {"BEN AU1", "BEN AU20"}),
    ("Ben shakes the bottle.", set()),
    ("Ana shakes with laughter.", {"ANA AU6", "ANA AU12", "ANA toss"}),
    # Swinging someone around is lifting them in an embrace; swinging at them a blow.
    ("Ben swings her around.", {"BEN hug>ANA", "BEN AU12"}),
    ("Ben swings at Ana.", {"BEN punch>ANA", "BEN AU4"}),
    ("Ben swings the shotgun toward Ana.", {"BEN point>ANA"}),
    ("Ben holds her up.", {"BEN hug>ANA"}),
    ("Ana holds the cup up like a trophy.", {"ANA raise_hand"}),
    ("Ben holds up a photo.", {"BEN raise_hand"}),
    ("Ben holds up her keys.", {"BEN raise_hand"}),
    ("Ben takes the opportunity to slip away.", {"BEN walk"}),
    ("Ben puts his head back down.", {"BEN lean_forward", "BEN lower"}),
    ("Ben gets off the stool.", {"BEN stand"}),
    ("Ben bends forward and topples sideways.", {"BEN lean_forward", "BEN fall"}),
    ("Ana fans her face with her hand, tears welling.", {"ANA AU1", "ANA AU15"}),
    ("Ben studies the board.", {"BEN gaze>down"}),
    ("Ana stares at the drawing.", {"ANA gaze>down"}),
    ("Ana catches the look.", set()),
    ("Ana catches the ball.", {"ANA take"}),
    ("Ana clutches her pearls.", {"ANA hand_on_heart", "ANA AU1", "ANA AU2", "ANA AU5"}),
    ("Ana puts her hand over her heart.", {"ANA hand_on_heart"}),
    # At a table one sits; on it, or pointing at it, one does not.
    ("Ben waits at a window table.", {"BEN sit", "BEN idle"}),
    ("Ana reads at the kitchen table.", {"ANA sit", "ANA read"}),
    ("Ana points at the table.", {"ANA point"}),
    ("Ben waves at the table of girls.", {"BEN wave"}),
    ("Ben looks at her. His eyes fill.", {"BEN gaze>ANA", "BEN AU1", "BEN AU15", "BEN gaze>down"}),
    ("Ben is on drums, twirling a stick.", {"BEN sit"}),
    ("Ana bends the rules.", set()),
    # "take" names what is done in its noun, as "give" does; "another" opens a noun.
    ("Ben takes one last look at Ana.", {"BEN gaze>ANA"}),
    ("Ben takes another look at Ana.", {"BEN gaze>ANA"}),
    ("Ana takes a bow.", {"ANA bow"}),
    ("Ben orders another round and rounds the corner.", {"BEN walk"}),
    # Leaning in a doorway is against its frame; leaning in is toward someone.
    ("Ana leans in the doorway.", {"ANA lean_back"}),
    ("Ana leans in.", {"ANA lean_forward"}),
    ("Ben hides behind his hands.", {"BEN cover_face"}),
    ("Ben glances at her and his face goes hard.", {"BEN gaze>ANA", "BEN AU4", "BEN AU23"}),
    ("Ben puts his head down on the table.", {"BEN lean_forward", "BEN lower"}),
    # A head lifted off the desk looks up at whom it was mentioned with, not at the desk.
    ("Ben lifts his head off the desk.", {"BEN gaze>ANA"}),
    # An object is not looked for past a joint another verb follows.
    ("Ben turns and walks away.", {"BEN turn", "BEN walk"}),
    ("Ana turns and walks to the door.", {"ANA turn", "ANA walk"}),
    # Sliding on one's feet walks; a stool taken is sat on; one who follows walks.
    ("Ben slides in on his socks.", {"BEN walk"}),
    ("Ana takes the stool at the end of the bar.", {"ANA sit"}),
    ("Ana darts across.", {"ANA run"}),
    ("Ben follows, tiptoeing.", {"BEN walk"}),
    ("Ben takes a few steps.", {"BEN walk"}),
    ("Ana ruffles his hair.", {"ANA hug>BEN"}),
    ("Ben wipes his nose on his sleeve.", {"BEN cover_mouth"}),
    ("Ana signals with two fingers.", {"ANA point"}),
    ("Ben whoops.", {"BEN fist_pump", "BEN AU6", "BEN AU12"}),
    ("Ben jerks his chin at Ana.", {"BEN toss", "BEN gaze>ANA"}),
    ("Ben pulls her into his chest.", {"BEN hug>ANA"}),
    ("Ana slips her arm through his.", {"ANA hug>BEN"}),
    # A phrase describing the subject stands between it and its verb.
    ("BEN with a cane waves.", {"BEN wave"}),
    ("ANA in tears hugs Ben.", {"ANA hug>BEN", "BEN hug"}),  # whom one hugs holds on too
    ("BEN in a long coat lays a coin on the counter.", {"BEN put_down"}),
    # What one cannot help or stop doing is done.
    ("Ana can't help laughing.", {"ANA AU6", "ANA AU12", "ANA AU26", "ANA toss"}),
    ("Ben can't stop smiling.", {"BEN AU6", "BEN AU12"}),
    ("Ben circles the table.", {"BEN walk"}),
    ("Ana squeezes through the crowd.", {"ANA walk"}),
    ("Ben jabs, jabs, hooks.", {"BEN punch", "BEN AU4"}),
    ("Ana throws a sloppy hook.", {"ANA punch", "ANA AU4"}),
    # Sinking back is into a seat, else a lean from wherever one is.
    ("Ben sinks back into his chair.", {"BEN sit"}),
    ("Ana sinks back.", {"ANA lean_back"}),
    ("Ben presses Ana's hand to his cheek.", {"BEN hug>ANA"}),
    ("Ben draws. Ana draws faster.", {"BEN take", "ANA take"}),
    ("Ana shoves him back into the chair.", {"ANA stop>BEN", "BEN sit"}),
    ("His eyebrows climb.", {"BEN AU1", "BEN AU2"}),
    ("Ben flops back onto the table.", {"BEN lie"}),
    # Of a list after a noun, each name is a subject ("Her friends MARGO and TINA whoop").
    ("Her friends BEN and ANA wave.", {"BEN wave", "ANA wave"}),
    ("Ben sinks low in his seat, trying to disappear.", {"BEN sit", "BEN lean_back", "BEN lower"}),
    ("Her lips twitch.", {"ANA AU12"}),
    ("Ben scratches his chin.", {"BEN chin_stroke"}),
    ("Ben lifts her off her feet.", {"BEN hug>ANA"}),
    ("Ana clings to his neck.", {"ANA hug>BEN"}),
    ("Ana clings to her sleeve.", set()),
    ("Ana claps both hands over her mouth.", {"ANA cover_mouth"}),
    ("Ana lifts the photo above her head.", {"ANA raise_hand"}),
    ("Ben jabs the button for the fourth floor.", {"BEN beat"}),
    ("Ana dives under the covers and pretends to snore.", {"ANA lie", "ANA AU43", "ANA AU26"}),
    ("Ben presses the gun to Ana's temple.", {"BEN point>ANA", "BEN AU4"}),
    ("Her hand drifts to her mouth.", {"ANA cover_mouth"}),
    # A place opening the sentence puts its subject after the verb, a title before the name.
    ("Behind the desk sits MR. BEN (60s).", {"BEN sit"}),
    ("Across from him, nervous, perches ANA.", {"ANA sit"}),
    (
        "Ben bursts into tears of joy and pumps Ana's hand.",
        {"BEN AU6", "BEN AU12", "BEN AU1", "BEN lower", "BEN handshake>ANA"},
    ),
    ("Ana falls to her knees, hands over her face.", {"ANA kneel", "ANA cover_face"}),
    ("Ben hands over the keys.", {"BEN give"}),
    ("Ben spins her.", {"BEN take>ANA", "ANA turn"}),
    ("Ana bounds into his arms.", {"ANA hug>BEN"}),
    ("Ben bounds across the lawn.", {"BEN run"}),
    ("Ben slides onto his usual stool.", {"BEN sit"}),
    # Sounds and faces said as verbs.
    ("Ana gapes at Ben.", {"ANA AU1", "ANA AU2", "ANA AU5", "ANA AU26", "ANA gaze>BEN"}),
    ("Ana howls with laughter.", {"ANA AU6", "ANA AU12", "ANA AU26", "ANA toss"}),
    ("Ben whimpers.", {"BEN AU1", "BEN AU4", "BEN AU15"}),
    ("Ben seethes.", {"BEN AU4", "BEN AU23"}),
    ("Ana pales.", {"ANA AU1", "ANA AU5", "ANA AU20"}),
    ("Ben snickers.", {"BEN AU6", "BEN AU12", "BEN AU14"}),
    ("Ana coos.", {"ANA AU6", "ANA AU12"}),
    ("His stomach growls.", set()),
    # Ways of moving said alone.
    ("Ana lurches.", {"ANA walk"}),
    ("Ben charges.", {"BEN run", "BEN AU4"}),
    ("Ben charges his phone.", set()),
    ("Ana skips.", {"ANA walk"}),
    ("Ana skips rope.", set()),
    ("Ben backpedals.", {"BEN walk", "BEN lean_back"}),
    ("Ana pivots.", {"ANA turn"}),
    ("Ben observes Ana.", {"BEN gaze>ANA"}),
    # Hands busy with oneself, or at someone.
    ("Ana massages her neck.", {"ANA head_scratch"}),
    ("Ana massages Ben's shoulders.", {"ANA hug>BEN"}),
    ("Ben pushes his glasses up.", {"BEN head_scratch"}),
    ("Ana smooths her skirt.", {"ANA rub_hands"}),
    ("Ben spreads his hands.", {"BEN open_palms"}),
    ("Ana flips him off.", {"ANA fist_shake>BEN", "ANA AU4"}),
    ("Ben holds up both hands in surrender.", {"BEN stop"}),
    ("Ben holds up a photo.", {"BEN raise_hand"}),
    ("Ben steps out, hands on his head.", {"BEN walk", "BEN raise_hand"}),
]


@pytest.mark.parametrize(("text", "expected"), LINES)
def test_stage_business_gives_the_nearest_behaviour(
    parser: ActionParser, text: str, expected: set[str]
) -> None:
    assert read(parser, text) == expected


# What a part of a character does is the character's: "Her face falls.", "Ana's jaw drops."
PARTS = [
    ("Her face falls.", {"ANA AU1", "ANA AU15", "ANA lower"}),
    ("Ana sits down and her face falls.", {"ANA sit", "ANA AU1", "ANA AU15", "ANA lower"}),
    ("Ben walks in, his jaw drops.", {"BEN walk", "BEN AU1", "BEN AU2", "BEN AU5", "BEN AU26"}),
    ("Ana's mouth falls open.", {"ANA AU1", "ANA AU2", "ANA AU5", "ANA AU26"}),
    ("Her eyes widen.", {"ANA AU1", "ANA AU2", "ANA AU5"}),
    ("Ana turns, her eyes narrowing.", {"ANA turn", "ANA AU4", "ANA AU7"}),
    ("Ana's eyes slowly fill with tears.", {"ANA AU1", "ANA AU15", "ANA gaze>down"}),
    ("Ana's face lights up.", {"ANA AU5", "ANA AU6", "ANA AU12"}),
    ("His smile fades.", {"BEN AU1", "BEN AU15"}),
    ("Her brow furrows.", {"ANA AU4"}),
    ("Her eyebrows shoot up.", {"ANA AU1", "ANA AU2"}),
    ("Her lip trembles.", {"ANA AU1", "ANA AU15", "ANA AU17"}),
    ("His voice cracks.", {"BEN AU1", "BEN AU15"}),
    ("Her eyes go to Ben.", {"ANA gaze>BEN"}),
    ("Ben's eyes dart to the door.", {"BEN gaze>away"}),
    ("His gaze drops.", {"BEN gaze>down"}),
    ("Ben's head snaps up.", {"BEN gaze>up", "BEN AU5"}),
    ("Ana sits. Her shoulders slump.", {"ANA sit", "ANA AU15", "ANA lower"}),
    ("Ben's knees buckle.", {"BEN fall"}),
    # Their parts are the group's; eyes that meet look at each other.
    ("Their eyes meet.", {"ANA gaze>BEN", "BEN gaze>ANA"}),
    ("Her eyes meet Ben's.", {"ANA gaze>BEN", "BEN gaze>ANA"}),
    (
        "Ana and Ben sit down. Their faces fall.",
        {
            "ANA sit",
            "BEN sit",
            "ANA AU1",
            "ANA AU15",
            "ANA lower",
            "BEN AU1",
            "BEN AU15",
            "BEN lower",
        },
    ),
    ("Her hand shoots up.", {"ANA raise_hand"}),
    ("Her eyes snap open.", {"ANA AU5", "ANA AU1"}),
    ("His hand goes up.", {"BEN raise_hand"}),
    # Not a character's part, or not done.
    ("Her face does not fall.", set()),
    ("The door falls open.", set()),
    ("Ben takes her bag. Her bag falls.", {"BEN take"}),
    ("Ana's nostrils flare.", {"ANA AU4", "ANA AU9"}),
    ("Ana's eyes sparkle.", {"ANA AU6", "ANA AU12"}),
    ("Ana's hands ball into fists.", {"ANA AU4", "ANA AU23"}),
    ("Ana's breath catches.", {"ANA AU1", "ANA AU2", "ANA AU5", "ANA AU25"}),
    ("Ana's eyebrows knit.", {"ANA AU4", "ANA AU1"}),
    ("Ana's lips part.", {"ANA AU25"}),
    ("Ana's eyes flutter shut.", {"ANA AU43"}),
    ("A single tear rolls down her cheek.", {"ANA AU1", "ANA AU4", "ANA AU15", "ANA lower"}),
]


@pytest.mark.parametrize(("text", "expected"), PARTS)
def test_a_part_of_a_character_moves_the_character(
    parser: ActionParser, text: str, expected: set[str]
) -> None:
    assert read(parser, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ben, furious, sits.",
            {"BEN sit", "BEN AU4", "BEN AU5", "BEN AU7", "BEN AU23", "BEN AU24"},
        ),
        (
            "Ben, hurt, turns away.",
            {"BEN turn", "BEN turn_away", "BEN AU1", "BEN AU4", "BEN AU15", "BEN AU17"},
        ),
        # Words of feeling that an action line mostly uses otherwise say nothing there.
        ("Ben moved to the door.", set()),
        ("Ana sits in the cold kitchen.", {"ANA sit"}),
        ("Ben walks in, dry and cold.", {"BEN walk"}),
    ],
)
def test_words_of_feeling_in_an_action_line_give_the_face_they_mean(
    parser: ActionParser, text: str, expected: set[str]
) -> None:
    assert read(parser, text, emotions=True) == expected


def test_a_verb_read_only_in_the_passive_is_no_verb_in_the_active(parser: ActionParser) -> None:
    """ "help" is read only in the passive ("is helped up"): in "a library help desk" it is a
    word, which does not cut the sitting short."""
    tracker = ReferenceTracker()
    cues = parser.parse("Ana sits at a library help desk.", NameIndex(CAST), tracker, CAST)
    assert [(c.character, c.template.lexeme, c.trigger) for c in cues] == [
        ("ANA", "sit", "sits at a library help desk")
    ]
