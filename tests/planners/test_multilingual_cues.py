"""Dialogue cues in other languages (`planners/data/dialogue_languages.yaml`): greetings, thanks,
yes and no in each language, phrases of unspaced scripts split as the line is, and no false
friend moving an English line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from motiondirector.plan.direction import UtteranceDirection
from motiondirector.planners.cues import load_cue_lexicon, parse_language_cues
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel


def direct(line: str, planner: RulesPlanner | None = None) -> UtteranceDirection:
    scene = parse_script(f"ANA: {line}\nBEN: Okay.\n", format="text")
    return (planner or RulesPlanner(KeywordEmotionModel())).plan(scene).utterances[0]


def cues(line: str) -> set[tuple[str, str]]:
    """(rule, lexeme or gaze target) of the speaker's cue behaviours."""
    return {
        (b.rule, str(b.lexeme or b.target))
        for b in direct(line).behaviours
        if b.character == "ANA" and b.origin == "cue" and b.rule != "rules.question"
    }


# language: (greeting, thanks, yes, no, sorry)
LINES = {
    "es": ("¡Hola, Ben!", "Muchas gracias.", "Sí, claro.", "Nunca.", "Lo siento."),
    "fr": ("Bonjour Ben.", "Merci beaucoup !", "Oui.", "Non.", "Je suis désolée."),
    "de": ("Guten Morgen!", "Danke schön.", "Ja, genau.", "Nein.", "Es tut mir leid."),
    "pt": ("Olá, Ben!", "Muito obrigada.", "Sim.", "Não.", "Desculpe."),
    "it": ("Ciao, Ben!", "Grazie mille.", "Sì, certo.", "Mai.", "Mi dispiace."),
    "ru": ("Привет, Бен!", "Спасибо большое.", "Да, конечно.", "Нет.", "Извините."),
    "uk": ("Привіт, Бене!", "Дякую.", "Так.", "Ні.", "Вибачте."),
    "zh": ("你好！", "谢谢你。", "是的。", "不，我不去。", "对不起。"),
    "zh-Hant": ("您好！", "謝謝你。", "對。", "沒有。", "對不起。"),
    "yue": ("早晨！", "唔該晒。", "係呀。", "唔係，我唔去。", "對唔住。"),
    "ja": ("こんにちは。", "ありがとうございます。", "はい。", "いいえ。", "ごめんなさい。"),
    "ko": ("안녕하세요.", "감사합니다.", "네.", "아니요.", "죄송합니다."),
    "hi": ("नमस्ते!", "बहुत धन्यवाद।", "हाँ।", "नहीं।", "माफ़ कीजिए।"),
    "ar": ("مرحباً!", "شكراً جزيلاً.", "نعم.", "لا.", "آسف."),
    "tr": ("Merhaba!", "Teşekkür ederim.", "Evet.", "Hayır.", "Özür dilerim."),
    "id": ("Selamat pagi!", "Terima kasih.", "Iya.", "Tidak.", "Maaf."),
    "vi": ("Xin chào anh!", "Cảm ơn nhiều.", "Vâng, đúng rồi.", "Không.", "Xin lỗi."),
    "th": ("สวัสดีครับ", "ขอบคุณมากครับ", "ใช่ครับ", "ไม่ครับ", "ขอโทษค่ะ"),
}
BOWS = {"ja", "ko"}


@pytest.mark.parametrize("language", sorted(LINES))
def test_each_language_greets_thanks_agrees_refuses_and_apologises(language: str) -> None:
    greeting, thanks, yes, no, sorry = LINES[language]
    bows = language in BOWS
    assert ("rules.greeting", "bow" if bows else "wave") in cues(greeting)
    assert direct(greeting).intent == "greet"
    assert ("rules.thanks", "bow" if bows else "hand_on_heart") in cues(thanks)
    assert direct(thanks).intent == "thank"
    assert ("rules.agreement", "nod") in cues(yes)
    assert direct(yes).intent == "agree"
    assert ("rules.negation", "shake") in cues(no)
    assert direct(no).intent == "refuse"
    assert {("rules.apology", "lower"), ("rules.apology", "down")} <= cues(sorry)
    assert direct(sorry).intent == "apologise"


def test_farewell_refusal_and_triumph() -> None:
    assert ("rules.farewell", "wave") in cues("Adiós, amigos.")
    assert ("rules.farewell", "wave") in cues("До свидания!")
    assert ("rules.farewell", "wave") in cues("再见！")
    assert ("rules.refusal", "cross_arms") in cues("¡Ni hablar!")
    assert ("rules.refusal", "cross_arms") in cues("Auf keinen Fall.")
    assert ("rules.refusal", "cross_arms") in cues("ไม่มีทาง")
    assert ("rules.triumph", "fist_pump") in cues("我们赢了！")
    assert ("rules.triumph", "fist_pump") in cues("我哋贏咗！")
    assert ("rules.refusal", "cross_arms") in cues("冇可能！")
    assert ("rules.farewell", "wave") in cues("聽日見！")
    assert ("rules.triumph", "fist_pump") in cues("Мы победили!")
    assert direct("やった！").intent == "celebrate"


def test_unspaced_phrases_are_split_as_the_line_is() -> None:
    lexicon = load_cue_lexicon()
    phrases = {p.words for lang in lexicon.languages for c in lang.categories for p in c.phrases}
    assert ("谢", "谢") in phrases
    assert ("あ", "り", "が", "と", "う") in phrases
    assert ("ขอบ", "คุณ") in phrases
    # Inside a longer run of characters: "谢谢你们", "ありがとう" before a name, ขอบคุณ with ครับ.
    thanks = direct("太好了，谢谢你们帮我。")
    nod = [b for b in thanks.behaviours if b.rule == "rules.thanks" and b.lexeme == "nod"]
    assert [b.word for b in nod] == [3]  # 太 好 了， 谢: the comma goes with 了
    assert all(b.reason.startswith('phrase "谢谢"') for b in nod)  # written as in the line
    assert ("rules.thanks", "bow") in cues("田中さん、ありがとう！")
    assert ("rules.thanks", "nod") in cues("ขอบคุณครับ")
    assert ("rules.greeting", "wave") in cues("สวัสดีค่ะ")


def test_one_character_words_count_only_on_their_own() -> None:
    # 对 "to", 不 in 不过 "but", はい in はいります "come in": no nod, no shake.
    assert not cues("对我来说很重要。")
    assert not cues("不过我们明天去。")
    assert not cues("はいります。")
    assert ("rules.agreement", "nod") in cues("对。")
    # Hindi जी is yes where it opens a line, an honorific after a name ("Ram-ji, come in").
    assert not cues("राम जी, आइए।")
    assert ("rules.agreement", "nod") in cues("जी, मैं आ रहा हूँ।")


def test_english_lines_and_false_friends_gain_nothing() -> None:
    lexicon = load_cue_lexicon()
    english_only = RulesPlanner(KeywordEmotionModel(), lexicon=replace(lexicon, languages=()))
    planner = RulesPlanner(KeywordEmotionModel())
    lines = [
        "Si is my sister.",
        "Ja Rule is playing tonight.",
        "Hi, Ben. No, I won't.",
        "Non stop, all night.",
        "Persona non grata, that's what I am.",
        "The SIM card is dead.",
        "Vale of tears, they call it.",
        "Her halo slipped.",
        "See ya later.",
        "Oi! You there!",
        "He trims the hedge.",
        "De nada, you're welcome.",
        "I'd love to know some names. Danke!",
        "Mai Tai for me, please.",
        "A presidential pardon.",
    ]
    for line in lines:
        assert direct(line, planner) == direct(line, english_only), line


def test_a_mixed_line_gets_both_cues() -> None:
    found = cues("Hello, 谢谢! Gracias.")
    assert ("rules.greeting", "wave") in found
    assert ("rules.thanks", "hand_on_heart") in found
    assert direct("Hello, 谢谢!").intent == "thank"


def test_the_loader_refuses_what_it_cannot_direct() -> None:
    english = load_cue_lexicon().dialogue

    def table(entry: dict[str, object], **extra: object) -> dict[str, object]:
        return {"languages": {"xx": {"name": "Test", "cues": [entry]}}, **extra}

    wai = {"wai": [{"channel": "gesture", "lexeme": "wai"}]}
    with pytest.raises(ValueError, match="lexeme 'wai' is not in the vocabulary"):
        parse_language_cues(
            table(
                {"cue": "greeting", "phrases": ["sawasdee"], "behaviours": "wai"}, behaviours=wai
            ),
            english,
        )
    with pytest.raises(ValueError, match="no behaviours 'wave_twice'"):
        parse_language_cues(
            table({"cue": "greeting", "phrases": ["x"], "behaviours": "wave_twice"}), english
        )
    with pytest.raises(ValueError, match="no dialogue category 'hello'"):
        parse_language_cues(table({"cue": "hello", "phrases": ["x"]}), english)
    with pytest.raises(ValueError, match="is an English phrase"):
        parse_language_cues(table({"cue": "thanks", "phrases": ["thanks"]}), english)
    with pytest.raises(ValueError, match="quote it"):
        parse_language_cues(table({"cue": "negation", "phrases": [False]}), english)
    languages = parse_language_cues(
        table({"cue": "agreement", "phrases": ["ok la"], "where": "alone"}), english
    )
    (category,) = languages[0].categories
    assert category.where == frozenset({"alone"}) and category.priority == 45
