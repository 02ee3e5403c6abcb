"""Thai and Lao written syllables said as they are spelled (`speech.thai`): one syllable each,
as their neutral syllables counted, now with initial, vowel and final, so a planned Thai line
closes the lips of its ARKit curves on บ and ม."""

from __future__ import annotations

import pytest

from motiondirector.speech import pronounce
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("สวัสดีครับ", "S AA1 W AA1 T D IY1 K R AA1 P"),  # a cluster, finals t and p
        ("ขอบคุณ", "K AO1 P K UW1 N"),  # -อ- o; ณ closes as n
        ("ผม", "P OW1 M"),  # no written vowel: o
        ("ไม่เป็นไร", "M AY1 P EH1 N R AY1"),  # leading vowels, a tone mark dropped
        ("ไทย", "T AY1"),  # the silent ย of ไทย
        ("เรียน", "R IY1 N"),  # เ-ีย
        ("เมือง", "M IH1 NG"),  # เ-ือ
        ("ตัว", "T UW1"),  # -ัว
        ("ด้วย", "D UW1 Y"),  # ว as the vowel
        ("หมา", "M AA1"),  # ห only carries the tone
        ("อยู่", "Y UW1"),  # and so does อ before ย
        ("น้ำ", "N AA1 M"),  # -ำ am
        ("จันทร์", "CH AA1 N"),  # letters under ์ are silent
        ("ก็", "K AO1"),
        # Lao, the same rules with its own letters
        ("ສະບາຍດີ", "S AA1 B AA1 Y D IY1"),  # ຍ closes as y
        ("ຂອບໃຈ", "K AO1 P CH AY1"),
        ("ບໍ່", "B AO1"),  # ໍ is o
        ("ຫຼາຍ", "L AA1 Y"),  # a subscript l under ຫ
        ("ໝາ", "M AA1"),
    ],
)
def test_written_syllables_say_what_they_spell(word: str, said: str) -> None:
    assert " ".join(pronounce(word)) == said


def test_a_thai_line_closes_the_lips_on_its_b_and_m() -> None:
    # Neutral syllables never closed the lips of a Thai line.
    closures = labial_closures("ลิน: ขอบคุณมาก", "ลิน")
    assert [key.phoneme for key, _ in closures] == ["P", "M"]
    assert all(closed > 0.5 for _, closed in closures), closures
