"""Final Draft (.fdx) screenplays read as the same scene as their Fountain twin, with the XML
file's lines; broken or hostile files are refused at their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.errors import ScriptError
from motiondirector.plan.scene import Scene
from motiondirector.scene import parse_script, read_script

FDX = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">
  <Content>
    <Paragraph Type="Scene Heading" Number="1">
      <SceneProperties Length="1 1/8" Page="1" Title=""/>
      <Text>int. kitchen - day</Text>
    </Paragraph>
    <Paragraph Type="Action">
      <Text>John enters, </Text>
      <Text Style="Italic">soaked</Text>
      <Text>. He drops his **keys**.</Text>
    </Paragraph>
    <Paragraph Type="Character">
      <Text>John (V.O.)</Text>
    </Paragraph>
    <Paragraph Type="Parenthetical">
      <Text>(dripping)</Text>
    </Paragraph>
    <Paragraph Type="Dialogue">
      <Text>It's raining, Mary.</Text>
    </Paragraph>
    <Paragraph>
      <DualDialogue>
        <Paragraph Type="Character">
          <Text>MARY</Text>
        </Paragraph>
        <Paragraph Type="Dialogue">
          <Text>Told you.</Text>
        </Paragraph>
        <Paragraph Type="Character">
          <Text>JOHN</Text>
        </Paragraph>
        <Paragraph Type="Dialogue">
          <Text>You did.</Text>
        </Paragraph>
      </DualDialogue>
    </Paragraph>
    <Paragraph Type="Transition">
      <Text>CUT TO:</Text>
    </Paragraph>
    <Paragraph Type="Character">
      <Text>MARY</Text>
    </Paragraph>
    <Paragraph Type="Dialogue">
      <Text>Sit down.</Text>
    </Paragraph>
    <Paragraph Type="Shot">
      <Text>CLOSE ON THE KEYS</Text>
    </Paragraph>
    <Paragraph Type="Dialogue">
      <Text>Nobody says this.</Text>
    </Paragraph>
    <Paragraph Type="Action" Alignment="Center">
      <Text>THE END</Text>
    </Paragraph>
    <Paragraph Type="Action">
      <Text>FADE OUT.</Text>
    </Paragraph>
  </Content>
  <HeaderAndFooter><Header><Paragraph><Text>Draft 3</Text></Paragraph></Header></HeaderAndFooter>
  <TitlePage>
    <Content>
      <Paragraph Alignment="Center"><Text></Text></Paragraph>
      <Paragraph Alignment="Center"><Text>Wet Keys</Text></Paragraph>
      <Paragraph Alignment="Center"><Text>by A. Writer</Text></Paragraph>
    </Content>
  </TitlePage>
</FinalDraft>
"""

FOUNTAIN = """Title: Wet Keys

INT. KITCHEN - DAY

John enters, *soaked*. He drops his **keys**.

JOHN (V.O.)
(dripping)
It's raining, Mary.

MARY
Told you.

JOHN ^
You did.

CUT TO:

MARY
Sit down.

!CLOSE ON THE KEYS

Nobody says this.

>THE END<

FADE OUT.
"""


def _without_lines(scene: Scene) -> dict[str, object]:
    data = scene.model_dump()
    for kind in ("utterances", "actions"):
        for item in data[kind]:
            item.pop("line")
    data.pop("source")
    return data


def test_a_final_draft_file_is_the_same_scene_as_its_fountain_twin(tmp_path: Path) -> None:
    path = tmp_path / "kitchen.fdx"
    path.write_text(FDX, encoding="utf-8")
    scene = read_script(path)
    assert _without_lines(scene) == _without_lines(parse_script(FOUNTAIN, format="fountain"))
    assert scene.title == "Wet Keys" and scene.beats[0].heading == "INT. KITCHEN - DAY"
    assert [(u.speaker, u.line, u.dual) for u in scene.utterances] == [
        ("JOHN", 13, False),
        ("MARY", 24, False),
        ("JOHN", 30, True),
        ("MARY", 41, False),
    ]
    assert scene.utterances[0].extension == "V.O."
    assert [a.line for a in scene.actions] == [8, 47, 50, 53]
    # Detected from the content too, whatever the file is called.
    assert parse_script(FDX) == parse_script(FDX, format="fdx")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (FDX.replace("enters, </Text>", "enters, </Txt>"), 9,
         "not a readable Final Draft file: mismatched tag"),
        (FDX.replace("Wet Keys", "Wet & Keys"), 64, "not well-formed"),
        ('<?xml version="1.0"?>\n<Script>\n</Script>\n', 2, "its root element is <Script>"),
        ('<?xml version="1.0"?>\n<FinalDraft><Content></Content></FinalDraft>\n', 1,
         "has no script paragraphs"),
        ('<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY a "aaaa">]>\n<FinalDraft/>\n', 2,
         "no document type declaration"),
    ],
)  # fmt: skip
def test_a_broken_or_hostile_file_is_refused_at_its_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(ScriptError, match=message) as caught:
        parse_script(text, format="fdx", file="scene.fdx")
    assert caught.value.line == line


def test_the_cli_plans_a_final_draft_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kitchen.fdx"
    path.write_text(FDX, encoding="utf-8")
    assert main(["plan", str(path), "--out", str(tmp_path / "plan.json")]) == 0
    assert '"speaker": "MARY"' in (tmp_path / "plan.json").read_text()
    path.write_text(FDX.replace("<Content>", "<Content><Paragraph>", 1), encoding="utf-8")
    assert main(["plan", str(path)]) == 1
    assert f"{path}:" in capsys.readouterr().err
