"""Whatever the input, parsing returns a Scene or raises a ScriptError with a line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motiondirector.errors import ScriptError
from motiondirector.plan.scene import Scene
from motiondirector.scene import parse_script, read_script

FRAGMENTS = [
    "INT. ROOM - DAY",
    ".FORCED",
    "ANA",
    "BEN ^",
    "@cleo (V.O.)",
    "ANA (CONT'D)",
    "(smiling)",
    "(unclosed",
    "Hi, Ben.",
    "Wait -- what...",
    "CUT TO:",
    "> THE END <",
    ">FADE IN:",
    "[[note",
    "]]",
    "/*",
    "*/",
    "# Act",
    "= synopsis",
    "===",
    "~la la",
    "!FORCED ACTION",
    "Title: X",
    "\tindented",
    "ANA: plain line",
    '{"turns": [',
    '{"speaker": "A", "text": "x"}',
    "]}",
    "_*emphasis*_",
    "",
]

script_lines = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=30
).map(lambda lines: "\n".join(lines))
json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
json_words = st.lists(
    st.fixed_dictionaries(
        {"text": st.text(max_size=8), "start": st.floats(-1, 5), "end": st.floats(-1, 5)}
    ),
    max_size=4,
)
json_turns = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"speaker": st.text(max_size=8)},
            optional={
                "text": st.text(max_size=30),
                "words": json_words,
                "addressees": st.lists(st.text(max_size=5), max_size=3),
                "direction": st.text(max_size=10),
            },
        ),
        st.fixed_dictionaries({"action": st.text(max_size=20)}),
        st.fixed_dictionaries({"heading": st.text(max_size=20)}),
        json_values,
    ),
    max_size=6,
)
json_documents = st.one_of(
    json_turns,
    st.fixed_dictionaries({"turns": json_turns}, optional={"title": json_values}),
    json_values,
).map(lambda document: json.dumps(document, indent=1))

anything = st.one_of(
    script_lines,
    json_documents,
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.binary(max_size=300).map(lambda data: data.decode("utf-8", errors="replace")),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["a", "(", " ", "*", "é", "[", "{"]),
        st.integers(0, 200_000),
    ),
)
formats = st.sampled_from(["auto", "fountain", "fdx", "json", "text"])


def check(call: Callable[[], Scene]) -> None:
    try:
        result = call()
    except ScriptError as error:
        assert error.line is not None and error.line >= 1
        return
    assert isinstance(result, Scene)
    # A scene of action alone has no lines, but someone acts in it.
    assert result.utterances or result.characters


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=anything, format=formats)
def test_parse_script_returns_a_scene_or_a_script_error_with_a_line(text: str, format: str) -> None:
    check(lambda: parse_script(text, format=format))  # type: ignore[arg-type]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=st.one_of(
        st.binary(max_size=500),
        script_lines.map(lambda text: text.encode("utf-8")),
        script_lines.map(lambda text: text.encode("utf-16")),
    ),
    suffix=st.sampled_from([".fountain", ".json", ".txt", ".spmd", ""]),
)
def test_read_script_on_raw_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    # Each example overwrites the same file: the fixture's folder is shared between examples.
    path = tmp_path / f"script{suffix}"
    path.write_bytes(data)
    check(lambda: read_script(path))


paragraph_types = st.sampled_from(
    ["Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Transition", "Shot", ""]
)
fdx_paragraphs = st.lists(
    st.tuples(paragraph_types, st.text(max_size=40), st.booleans()), max_size=30
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=fdx_paragraphs)
def test_any_final_draft_document_is_a_scene_or_a_script_error(
    paragraphs: list[tuple[str, str, bool]],
) -> None:
    """Paragraphs in any order, any text (escaped as Final Draft writes it), some in dual
    dialogue groups."""
    from xml.sax.saxutils import escape, quoteattr

    body = "".join(
        ("<DualDialogue>" if dual else "")
        + f"<Paragraph Type={quoteattr(kind)}><Text>{escape(text)}</Text></Paragraph>"
        + ("</DualDialogue>" if dual else "")
        for kind, text, dual in paragraphs
    )
    document = f'<?xml version="1.0"?>\n<FinalDraft><Content>{body}</Content></FinalDraft>'
    check(lambda: parse_script(document))
