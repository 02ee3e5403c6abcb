"""The request and response bodies of the HTTP API (pydantic), as the OpenAPI spec shows them.

Field descriptions are user documentation: keep them exact and short. Limits that depend on
the server's settings (script and turn lengths) are checked by the routes, which name the field.
Request bodies are strict: a value must have its field's JSON type (a number is never a string,
an integer never a fraction, a boolean never a number), so `"seed": "3"` is refused as
`"fps": "60"` is, each with a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.options import (
    EXPORT_FORMATS,
    FPS_CHOICES,
    ExportFormat,
    Fps,
    PlannerName,
    ScriptFormat,
)
from motiondirector.plan.scene import LanguageTag

NAME_MAX = 200
"""Longest character name, addressee or direction accepted."""


class _Body(BaseModel):
    # Subclasses' own `model_config` merges with this one, so every request body is strict.
    model_config = ConfigDict(extra="forbid", strict=True)


_FPS_EXPECTED = "Input should be " + " or ".join(str(fps) for fps in FPS_CHOICES)


def _whole_number(value: Any) -> Any:
    """A literal of integers compares by value, so strict mode alone lets `60.0` (and `true`
    for 1) through where an integer field refuses `3.0`: refuse them alike."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("literal_error", _FPS_EXPECTED)
    return value


RequestFps = Annotated[Fps, BeforeValidator(_whole_number)]
"""A frame rate in a request body: the JSON integer 30 or 60."""


class ScriptSource(_Body):
    """A script given as text or as a dialogue JSON object. Give exactly one."""

    script: str | None = Field(
        default=None,
        description="Fountain, dialogue JSON (as a string) or `NAME: line` text.",
    )
    dialogue: dict[str, Any] | list[Any] | None = Field(
        default=None, description="A dialogue JSON document given directly as an object."
    )
    format: ScriptFormat = Field(
        default="auto", description="The script's format; `auto` detects it."
    )
    planner: PlannerName = Field(
        default="rules",
        description="rules (default); llm and hybrid when the server is configured with an LLM.",
    )
    strict: bool = Field(
        default=False,
        description="llm and hybrid: a line the model cannot direct (server down, invalid "
        "answers, a refusal) fails the request (422 problem) instead of being directed by the "
        "rules.",
    )
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    fps: RequestFps = 30
    language: LanguageTag | None = Field(
        default=None,
        description="The language the lines are said in (a BCP 47 tag: ja, zh-Hans, vi), over "
        "the one the script states; a dialogue turn that states its own keeps it. Default: as "
        "the script states, else as its writing tells (a script with kana is Japanese).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.script is None) == (self.dialogue is None):
            raise ValueError("give exactly one of 'script' and 'dialogue'")
        if self.dialogue is not None and self.format not in ("auto", "json"):
            raise ValueError("'dialogue' is dialogue JSON; leave 'format' as auto or json")
        return self


class PlanRequest(ScriptSource):
    """A script to plan, with options. Give exactly one of `script` and `dialogue`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"script": "ANA: Hi, Ben.\nBEN: Hello, Ana.", "format": "text"},
                {
                    "dialogue": {"turns": [{"speaker": "ANA", "text": "No, never!"}]},
                    "export": "arkit-csv",
                    "character": "ANA",
                    "fps": 60,
                },
            ]
        },
    )

    export: ExportFormat | None = Field(
        default=None, description="Also return the plan in this export format."
    )
    character: str | None = Field(
        default=None,
        max_length=NAME_MAX,
        description="The character of a per-character export (ARKit, Live Link Face, "
        "visemes; default: the plan's first), or whose lines a bml/vtt/srt keeps.",
    )
    visemes: bool = Field(
        default=False,
        description="Attach each utterance's speech track (phonemes, visemes, times, weights) "
        "to the plan, for products that read visemes from the plan itself.",
    )

    @model_validator(mode="after")
    def _character_needs_export(self) -> Self:
        if self.character is not None and self.export is None:
            raise ValueError("'character' only applies with 'export'")
        return self


class ExportResult(BaseModel):
    format: ExportFormat
    content: str


class PlanWithExport(BaseModel):
    plan: MotionPlan
    export: ExportResult


# -- sessions -----------------------------------------------------------------------------------


class SessionCreate(_Body):
    """A conversation: who takes part, and the defaults of its turns."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"characters": ["ANA", "BEN"]}]}
    )

    characters: list[Annotated[str, Field(max_length=NAME_MAX)]] = Field(
        default_factory=list,
        description="The characters present from the start (speakers join when they speak).",
    )
    title: str | None = Field(default=None, max_length=NAME_MAX)
    fps: RequestFps = Field(default=30, description="Frame rate of the turns' plans and frames.")
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    language: LanguageTag | None = Field(
        default=None,
        description="The language the turns are said in (a BCP 47 tag: ja, zh-Hans, vi), unless "
        "a turn states its own. Default: as each turn's writing tells; once a turn writes kana, "
        "later turns of kanji alone are read as Japanese.",
    )


PHONEMES_MAX = 64
"""Most phonemes one word may bring (the longest English words have about 30)."""


class PhonemeTimingIn(_Body):
    phoneme: str = Field(
        min_length=1,
        max_length=8,
        description="ARPAbet phoneme, stress digit optional: `HH`, `AY1`.",
    )
    start: float = Field(
        ge=0.0, le=86_400.0, allow_inf_nan=False, description="Seconds from the turn's start."
    )
    end: float = Field(
        ge=0.0, le=86_400.0, allow_inf_nan=False, description="Seconds from the turn's start."
    )


class WordTiming(_Body):
    text: str = Field(min_length=1, max_length=NAME_MAX, description="The word as spoken.")
    start: float = Field(
        ge=0.0, le=86_400.0, allow_inf_nan=False, description="Seconds from the turn's start."
    )
    end: float = Field(
        ge=0.0, le=86_400.0, allow_inf_nan=False, description="Seconds from the turn's start."
    )
    phonemes: list[PhonemeTimingIn] | None = Field(
        default=None,
        max_length=PHONEMES_MAX,
        description="The word's phonemes as the client's TTS timed them, in seconds from the "
        "turn's start like the word; used as given. They must be known ARPAbet phonemes, in "
        "order, inside the word and not overlapping. Left out: estimated from the word.",
    )


class TurnRequest(_Body):
    """One dialogue turn: who speaks, what, optionally when each word is spoken (from the
    client's TTS) and to whom."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"speaker": "ANA", "text": "Where were you?", "addressee": "BEN"},
                {
                    "speaker": "BEN",
                    "text": "At home.",
                    "words": [
                        {
                            "text": "At",
                            "start": 0.05,
                            "end": 0.2,
                            "phonemes": [
                                {"phoneme": "AE1", "start": 0.05, "end": 0.14},
                                {"phoneme": "T", "start": 0.14, "end": 0.2},
                            ],
                        },
                        {"text": "home.", "start": 0.25, "end": 0.7},
                    ],
                },
            ]
        },
    )

    speaker: str = Field(min_length=1, max_length=NAME_MAX)
    text: str | None = Field(
        default=None, description="What is said; may be left out when `words` is given."
    )
    words: list[WordTiming] | None = Field(
        default=None,
        description="Word timings from the client's TTS, in seconds from the turn's start; "
        "they must spell `text`.",
    )
    addressee: str | None = Field(
        default=None,
        max_length=NAME_MAX,
        description="Whom the turn is spoken to; default: whoever spoke last.",
    )
    direction: str | None = Field(
        default=None,
        max_length=NAME_MAX,
        description="A parenthetical for the line, e.g. `smiling` or `angrily`.",
    )
    language: LanguageTag | None = Field(
        default=None,
        description="The language the turn is said in (a BCP 47 tag), over the session's.",
    )
    interrupts_at: float | None = Field(
        default=None,
        ge=0.0,
        le=86_400.0,
        allow_inf_nan=False,
        description="Seconds into the last streamed turn at which this one cut it off (the "
        "client stopped playing it there): this turn's frames start from that turn's frame "
        "then, not its last.",
    )

    @model_validator(mode="after")
    def _something_said(self) -> Self:
        if self.text is None and not self.words:
            raise ValueError("give 'text' or 'words'")
        return self


class EmotionState(BaseModel):
    label: str
    intensity: float
    since_turn: int = Field(description="The turn that set it.")


class CharacterState(BaseModel):
    emotion: EmotionState | None = Field(
        description="The emotion the character last showed as a speaker; null when neutral."
    )


class SessionState(BaseModel):
    id: str
    title: str | None
    fps: int
    language: str | None = Field(description="The language stated for its turns, if any.")
    turns: int = Field(description="Turns taken so far.")
    characters: dict[str, CharacterState]
    last_speaker: str | None
    last_addressee: str | None
    expires_in: float = Field(description="Seconds until the session is forgotten if unused.")


class SessionList(BaseModel):
    """The caller's live sessions, the most recently used first."""

    sessions: list[SessionState]


class TurnContext(BaseModel):
    """What the session contributed to this turn, beyond its text."""

    addressee: str | None
    addressee_from: Literal["request", "last_speaker", "none"]
    carried_emotion: EmotionState | None = Field(
        description="The speaker's earlier emotion, applied because the line alone read neutral."
    )
    answers_question: bool = Field(description="The previous turn was another's question.")


class TurnResult(BaseModel):
    session: str
    turn: int
    plan: MotionPlan
    context: TurnContext
    state: SessionState


# -- scene jobs ---------------------------------------------------------------------------------


class SceneJobRequest(ScriptSource):
    """A scene to plan in the background; its artifacts are kept until the job is deleted."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "script": "ANA: Hi, Ben.\nBEN: Hello, Ana.",
                    "format": "text",
                    "exports": ["vtt", "arkit-csv"],
                    "body": False,
                }
            ]
        },
    )

    exports: list[ExportFormat] = Field(
        default_factory=lambda: list(EXPORT_FORMATS),
        max_length=len(EXPORT_FORMATS),
        description="Which exports to write; the ARKit, Live Link Face and visemes exports are "
        "written per character.",
    )
    body: bool = Field(
        default=True,
        description="Also realize body motion: timeline.json, timeline.otio and a BVH per "
        "character, from the built-in gesture library.",
    )
    preview: bool = Field(
        default=False,
        description="Also render the animatic preview of the realized motion, as `motiondirector "
        "direct --preview` does: preview.mp4 (H.264, 640x360, 30 fps) and contact.png (a frame "
        "per line and per action line). Needs `body`.",
    )

    @model_validator(mode="after")
    def _preview_needs_body(self) -> Self:
        if self.preview and not self.body:
            raise ValueError("'preview' draws the body motion: leave 'body' on")
        return self


JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class ArtifactInfo(BaseModel):
    name: str
    media_type: str
    bytes: int
    url: str


class SceneJob(BaseModel):
    id: str
    status: JobStatus
    progress: float = Field(ge=0.0, le=1.0)
    stage: str = Field(description="What the job is doing or did last.")
    created: float = Field(description="Unix time.")
    updated: float = Field(description="Unix time.")
    error: dict[str, Any] | None = Field(description="A problem document when it failed.")
    artifacts: list[ArtifactInfo]
    links: dict[str, str]


class SceneJobList(BaseModel):
    """The caller's scene jobs, newest first."""

    jobs: list[SceneJob]


# -- errors -------------------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str = Field(description="Where: `script`, `planner`, `turns[0].words[2].start`, `body`.")
    message: str


class Problem(BaseModel):
    """Problem details (RFC 9457), the body of every error answer, served as
    `application/problem+json`. `type` names the problem; the members after `instance` come
    with the types that have them (docs/api.md#errors), and more may be added."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "https://motiondirector.dev/problems/invalid-request",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "fps: Input should be 30 or 60",
                    "instance": "/v1/plan",
                    "errors": [{"field": "fps", "message": "Input should be 30 or 60"}],
                }
            ]
        },
    )

    type: str = Field(
        description="`https://motiondirector.dev/problems/<kind>`, or `about:blank` for the "
        "plain meaning of the status."
    )
    title: str = Field(description="The status's phrase, e.g. `Unprocessable Entity`.")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What went wrong, for people.")
    instance: str | None = Field(default=None, description="The path that was called.")
    errors: list[FieldError] | None = Field(
        default=None, description="`invalid-request`: each bad field."
    )
    line: int | None = Field(
        default=None, description="`script-error`, scene limits: the script's line (1-based)."
    )
    violations: list[str] | None = Field(
        default=None, description="`plan-invalid`: every way the plan breaks the contract."
    )
    limit: int | float | str | None = Field(
        default=None,
        description="`body-too-large`, `job-quota`, `session-quota`, `storage-quota`: the "
        "limit's value; scene limits and `job-resources-exceeded`: the limit's name.",
    )
    limit_value: float | None = Field(
        default=None, description="`job-resources-exceeded`: the value of `limit`."
    )
    exit_code: int | None = Field(
        default=None, description="`job-resources-exceeded`: how the job's worker ended."
    )
    quota: str | None = Field(default=None, description="The setting behind a quota problem.")
    used: int | None = Field(default=None, description="How much of the quota is in use.")
    retry_after: int | None = Field(
        default=None, description="Seconds to wait, as in the Retry-After header."
    )
    request_id: str | None = Field(
        default=None,
        description="The request's id, as in the X-Request-ID header: the server's log lines "
        "about the request carry it. Absent from a scene job's `error`.",
    )
