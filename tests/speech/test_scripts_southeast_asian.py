"""Thai, Lao, Khmer and Burmese, written without spaces between words: a word per orthographic
syllable, one syllable of timing each, and the text written back as it was."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector import plan_text
from motiondirector.export import export_plan
from motiondirector.export.vtt import plan_cues
from motiondirector.generators.preview import _Renderer, subtitle_pages
from motiondirector.speech import pronounce, syllable_count
from motiondirector.speech.scripts import join_words, joins_without_space, split_unspaced

SYLLABLES = {
    # Thai: "hello", "my name is Somchai", "thank you", "nice to meet you", "Thai language",
    # "more than", "every day", "school", "delicious", "must", "Monday" (a silent ร์).
    "สวัสดีครับ": ["ส", "วัส", "ดี", "ครับ"],
    "ผมชื่อสมชาย": ["ผม", "ชื่อ", "สม", "ชาย"],
    "ขอบคุณครับ": ["ขอบ", "คุณ", "ครับ"],
    "ยินดีที่ได้รู้จัก": ["ยิน", "ดี", "ที่", "ได้", "รู้", "จัก"],
    "ภาษาไทย": ["ภา", "ษา", "ไทย"],
    "มากกว่า": ["มาก", "กว่า"],
    "ทุกวัน": ["ทุก", "วัน"],
    "โรงเรียน": ["โรง", "เรียน"],
    "อร่อย": ["อ", "ร่อย"],
    "ต้อง": ["ต้อง"],
    "วันจันทร์": ["วัน", "จันทร์"],
    # Lao: "hello", "thank you", "Lao language", "city".
    "ສະບາຍດີ": ["ສະ", "ບາຍ", "ດີ"],
    "ຂອບໃຈ": ["ຂອບ", "ໃຈ"],
    "ພາສາລາວ": ["ພາ", "ສາ", "ລາວ"],
    "ເມືອງ": ["ເມືອງ"],
    # Khmer: "hello", "thank you", "hello" (formal), "Khmer language", "Phnom Penh".
    "សួស្តី": ["សួ", "ស្តី"],
    "អរគុណ": ["អរ", "គុណ"],
    "ជំរាបសួរ": ["ជំ", "រាប", "សួរ"],
    "ភាសាខ្មែរ": ["ភា", "សា", "ខ្មែរ"],
    "ភ្នំពេញ": ["ភ្នំ", "ពេញ"],
    # Burmese: "hello" (kinzi: a stacked final), "thank you", "Myanmar", "how are you?".
    "မင်္ဂလာပါ": ["မင်္ဂ", "လာ", "ပါ"],
    "ကျေးဇူးတင်ပါတယ်": ["ကျေး", "ဇူး", "တင်", "ပါ", "တယ်"],
    "မြန်မာ": ["မြန်", "မာ"],
    "နေကောင်းလား": ["နေ", "ကောင်း", "လား"],
}


@pytest.mark.parametrize(("token", "syllables"), SYLLABLES.items())
def test_a_run_is_a_word_per_syllable_and_joins_back_as_written(
    token: str, syllables: list[str]
) -> None:
    assert split_unspaced(token) == syllables
    assert join_words(syllables) == token
    # Each is one syllable of timing, not one per two letters ("ครับ" was two).
    assert [syllable_count(pronounce(s)) for s in syllables] == [1] * len(syllables)
    assert syllable_count(pronounce(token)) == len(syllables)


def test_a_mixed_line_splits_around_latin_digits_and_punctuation() -> None:
    assert split_unspaced("ผมใช้iPhoneทุกวัน!") == ["ผม", "ใช้", "iPhone", "ทุก", "วัน!"]
    assert split_unspaced("ราคา100บาท") == ["รา", "คา", "100", "บาท"]
    assert split_unspaced("(สวัสดี)") == ["(ส", "วัส", "ดี)"]
    # Sentence marks go with the syllable before them; repetition marks too.
    assert split_unspaced("မင်္ဂလာပါ။") == ["မင်္ဂ", "လာ", "ပါ။"]
    assert split_unspaced("សួស្តី។") == ["សួ", "ស្តី។"]
    assert split_unspaced("เด็กๆ") == ["เด็กๆ"]
    # Thai digits are a number, read as one.
    assert split_unspaced("ครับ๑๐") == ["ครับ", "๑๐"]
    assert syllable_count(pronounce("๑๐")) == 1
    assert joins_without_space("ดี", "ครับ") and not joins_without_space("ดี", "iPhone")


def test_combining_marks_never_start_a_word() -> None:
    text = "สวัสดีครับผมชื่อสมชายยินดีที่ได้รู้จักเมืองไทยน้ำใจดีมากกว่าที่คิด"
    for token in (text, "ສະບາຍດີເຈົ້າຢູ່ໃສ", "ខ្ញុំស្រលាញ់ភាសាខ្មែរ", "ကျေးဇူးတင်ပါတယ်ခင်ဗျာ"):
        words = split_unspaced(token)
        assert len(words) > 3 and "".join(words) == token
        assert not any(unicodedata.category(word[0]).startswith("M") for word in words)
        # A vowel written before its consonant (เ ແ) never ends a word: it leads the next.
        assert not any(word[-1] in "เแโใไເແໂໃໄ" for word in words)


# Letters, signs, digits and punctuation of the four scripts, with brackets and CJK among them.
ALPHABET = [
    chr(code)
    for block in ((0x0E01, 0x0E5C), (0x0E81, 0x0EE0), (0x1000, 0x10A0), (0x1780, 0x17FA))
    for code in range(*block)
    if unicodedata.category(chr(code)) != "Cn"
] + list("a1!(「你ゃ")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=16))
def test_any_token_splits_into_words_that_spell_it_in_order(token: str) -> None:
    words = split_unspaced(token)
    assert "".join(words) == token and all(words)
    assert syllable_count(pronounce(token)) >= 0


def test_other_scripts_keep_their_words() -> None:
    for token in ("Hello,", "안녕하세요!", "नमस्ते", "Привет"):
        assert split_unspaced(token) == [token]
    assert split_unspaced("你好，我") == ["你", "好，", "我"]


THAI_SCRIPT = """INT. MARKET - DAY

สมชาย
สวัสดีครับ ผมชื่อสมชาย ยินดีที่ได้รู้จักครับ

มะลิ
ขอบคุณค่ะ
"""


def test_a_thai_line_is_planned_with_words_through_it() -> None:
    plan = plan_text(THAI_SCRIPT, format="fountain")
    line, thanks = plan.utterances
    assert line.text == "สวัสดีครับ ผมชื่อสมชาย ยินดีที่ได้รู้จักครับ"
    words = [w.text for w in line.words]
    assert words[:8] == ["ส", "วัส", "ดี", "ครับ", "ผม", "ชื่อ", "สม", "ชาย"]
    assert len(words) == 15
    starts = [w.start for w in line.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    # A syllable lasts about one syllable's time, not a whole phrase's.
    assert all(w.end - w.start < 0.5 for w in line.words)
    assert [w.text for w in thanks.words] == ["ขอบ", "คุณ", "ค่ะ"]
    # Word-timed behaviours land through the line, not all at its start.
    strokes = [
        e.sync.stroke
        for track in plan.characters
        for e in track.events
        if e.source.rule == "rules.beat" and e.utterance_id == line.id
    ]
    assert strokes and max(strokes) > line.words[3].start
    # Subtitles show the line as written: no spaces put between its syllables.
    assert [c.text for c in plan_cues(plan)] == [line.text, thanks.text]
    assert f"<v สมชาย>{line.text}\n" in export_plan(plan, "vtt")


def test_a_long_thai_line_is_paged_between_syllables_as_written() -> None:
    text = "วันนี้อากาศดีมากผมอยากไปเที่ยวทะเลกับเพื่อนๆแต่ว่าต้องทำงานจนถึงเย็น"
    plan = plan_text(f"สมชาย: {text}\n", format="text")
    (line,) = plan.utterances
    assert line.text == text
    font = _Renderer(plan, {}, (320, 180), 30).subtitle_font
    words = [(w.text, w.start) for w in line.words]
    (whole,) = subtitle_pages("สมชาย", line.text, words, font, 4000, 2)
    assert whole[1] == [f"สมชาย: {text}"]
    pages = subtitle_pages("สมชาย", line.text, words, font, 150, 2)
    assert len(pages) > 1
    rows = [row.removeprefix("สมชาย: ") for _, page in pages for row in page]
    assert "".join(rows) == text and not any(" " in row for row in rows)
    # Every row starts on a syllable of the line.
    syllables = split_unspaced(text)
    starts = {len("".join(syllables[:k])) for k in range(len(syllables))}
    position = 0
    for row in rows:
        assert position in starts
        position += len(row)


def test_a_paged_thai_line_keeps_the_spaces_between_its_phrases() -> None:
    text = "สวัสดีครับ ผมชื่อสมชาย วันนี้อากาศดีมาก ผมอยากไปเที่ยวทะเลกับเพื่อน แต่ว่าต้องทำงานจนถึงเย็น"
    plan = plan_text(f"สมชาย: {text}\n", format="text")
    (line,) = plan.utterances
    font = _Renderer(plan, {}, (320, 180), 30).subtitle_font
    words = [(w.text, w.start) for w in line.words]
    pages = subtitle_pages("สมชาย", line.text, words, font, 150, 2)
    assert len(pages) > 1
    rows = [row.removeprefix("สมชาย: ") for _, page in pages for row in page]
    # The rows read the line as written: its spaces kept inside a row (only a row broken at
    # one loses it), none put between syllables.
    position = 0
    for row in rows:
        assert text.startswith(row, position)
        position += len(row)
        position += text.startswith(" ", position)
    assert position == len(text)
    assert any(" " in row for row in rows)
    assert [start for start, _ in pages] == sorted(start for start, _ in pages)
