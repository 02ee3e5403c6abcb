"""The LLM director: a LangChain agent that directs a scene by calling the Director's tools.

`LLMDirector` composes a deterministic `Director` with the tools: `run` registers the scene in
a `DirectorSession`, builds an agent with `langchain.agents.create_agent` over the seven tools
(`tools/langchain_tools.py`) and the system prompt (`agent/data/agent_prompt.yaml`), and runs
it with the user's instructions. The chat model is the one given, else `ChatOpenAI` pointed at
any OpenAI-compatible server (`LLMConfig`: base_url, model, api key from an environment
variable).

Every run is bounded: at most `max_agent_steps` tool rounds, each model turn at most
`max_tokens_per_turn` tokens (a weak model otherwise talks until its context is full, minutes on
a CPU) and `LLMConfig.timeout_s` per request, sent again only where `retry_delay` allows.

The model only chooses tools and their arguments: every plan is made and validated by the
deterministic parts, so the output's schema cannot change, and a tool name outside the set
or arguments outside a tool's schema come back to the model as error messages. The result is
the latest plan the session made; a run that ends without one raises `AgentError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from motiondirector.agent.director import Director
from motiondirector.errors import AgentError, LLMError, MotionDirectorError
from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.plan.scene import Scene
from motiondirector.scene import DEFAULT_MAX_BYTES, ScriptFormat, TimingOptions
from motiondirector.tools.langchain_tools import DirectorSession
from motiondirector.yaml_data import load_yaml

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from motiondirector.planners.llm_client import LLMConfig


@dataclass(frozen=True)
class AgentPrompt:
    system: str
    user: str
    no_instructions: str


@cache
def load_agent_prompt() -> AgentPrompt:
    """The agent's prompts, from `agent/data/agent_prompt.yaml`."""
    text = resources.files("motiondirector.agent").joinpath("data", "agent_prompt.yaml")
    data = load_yaml(text.read_text("utf-8"))
    return AgentPrompt(
        system=str(data["system"]),
        user=str(data["user"]),
        no_instructions=str(data["no_instructions"]),
    )


DEFAULT_MAX_TOKENS_PER_TURN = 1024
"""Ample for a tool call or a closing summary; a model that reasons aloud may need more."""


def chat_model_for(
    config: LLMConfig, max_tokens_per_turn: int | None = DEFAULT_MAX_TOKENS_PER_TURN
) -> BaseChatModel:
    """`ChatOpenAI` for an OpenAI-compatible server (OpenAI, vLLM, llama.cpp server), each
    answer at most `max_tokens_per_turn` tokens (None: the server's limit)."""
    from pydantic import SecretStr

    from motiondirector.planners.llm_client import check_base_url

    check_base_url(config.base_url)
    # ChatOpenAI sends the bound as `max_completion_tokens`, which llama-cpp-python's server
    # ignores; other servers than OpenAI's also get the older `max_tokens` they all read.
    older = max_tokens_per_turn is not None and not _is_openai(config.base_url)
    return _checked_chat_openai()(
        model=config.model,
        base_url=config.base_url,
        api_key=SecretStr(config.api_key()),
        temperature=config.temperature,
        timeout=config.timeout_s,
        max_retries=0,  # sent again in `_generate`, by `retry_delay`'s policy
        retries=config.max_retries,
        seed=config.seed,
        max_tokens=max_tokens_per_turn,
        extra_body={"max_tokens": max_tokens_per_turn} if older else None,
    )


def _is_openai(base_url: str | None) -> bool:
    from urllib.parse import urlsplit

    return base_url is None or urlsplit(base_url).hostname == "api.openai.com"


@cache
def _checked_chat_openai() -> type[BaseChatModel]:
    """`ChatOpenAI` that reports an answer it cannot read (a web page, a truncated or
    non-completion body: `ValueError` from the SDK or LangChain) as `LLMError`, so it is told
    apart from errors of the agent's own steps."""
    import openai
    from langchain_openai import ChatOpenAI

    from motiondirector.planners.llm_client import not_a_completion, with_retries

    class CheckedChatOpenAI(ChatOpenAI):
        retries: int = 0  # by `retry_delay`; the SDK's own would resend a timed-out turn

        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return with_retries(
                    lambda: super(CheckedChatOpenAI, self)._generate(*args, **kwargs), self.retries
                )
            except ValueError as error:
                if isinstance(error, openai.APIError):
                    raise
                server = self.openai_api_base or "api.openai.com"
                problem = f"{type(error).__name__}: {error}"
                raise LLMError(f"the agent's model: {not_a_completion(server, problem)}") from None

    return CheckedChatOpenAI


@dataclass(frozen=True)
class AgentRun:
    """A finished agent run: the final result, the session with everything the tools made,
    the conversation, and the tool names called in order (unknown ones included)."""

    result: DirectResult
    session: DirectorSession
    messages: list[BaseMessage]
    tool_calls: list[str]


def _scene_summary(scene: Scene) -> str:
    return (
        f"{len(scene.utterances)} lines of dialogue, {len(scene.actions)} action lines, "
        f"{scene.duration:.1f} s, characters: {', '.join(scene.characters)}."
    )


class LLMDirector:
    """An LLM directs scenes by calling the tools over a deterministic `Director`.

    `director` does the work (planning, realization, files; default: `Director()`), the model
    only chooses the steps: `llm` (an OpenAI-compatible server) or any LangChain `chat_model`,
    for at most `max_agent_steps` tool rounds of at most `max_tokens_per_turn` tokens each (a
    `chat_model` given keeps its own token limit).
    """

    def __init__(
        self,
        director: Director | None = None,
        *,
        llm: LLMConfig | None = None,
        chat_model: BaseChatModel | None = None,
        max_agent_steps: int = 24,
        max_tokens_per_turn: int = DEFAULT_MAX_TOKENS_PER_TURN,
    ) -> None:
        if llm is None and chat_model is None:
            raise MotionDirectorError(
                "the llm agent needs an LLM: give llm=LLMConfig(...) (--llm-model, "
                "--llm-base-url) or a LangChain chat_model"
            )
        if max_agent_steps < 1:
            raise MotionDirectorError(f"max_agent_steps must be at least 1, got {max_agent_steps}")
        if max_tokens_per_turn < 1:
            raise MotionDirectorError(
                f"max_tokens_per_turn must be at least 1, got {max_tokens_per_turn}"
            )
        self.director = director if director is not None else Director(llm=llm)
        self.llm = llm
        self.chat_model = chat_model
        self.max_agent_steps = max_agent_steps
        self.max_tokens_per_turn = max_tokens_per_turn

    def direct(
        self,
        script: Scene | str | os.PathLike[str],
        out: str | os.PathLike[str] | None = None,
        *,
        format: ScriptFormat = "auto",
        timing: TimingOptions | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        instructions: str | None = None,
        language: str | None = None,
    ) -> DirectResult:
        """Let the model direct `script` (a Scene, a script file, or script text) following
        `instructions`; with `out`, the result is written as `Director.direct` writes it and
        the files the model asked for (exports, previews) go under `out`/agent/."""
        scene = (
            script
            if isinstance(script, Scene)
            else self.director.read(
                script, format=format, timing=timing, max_bytes=max_bytes, language=language
            )
        )
        folder = SceneFolder(out).agent_dir if out is not None else None
        session = DirectorSession(self.director, folder=folder) if folder else None
        result = self.run(scene, instructions=instructions, session=session).result
        return self.director.write(result, out) if out is not None else result

    def run(
        self,
        scene: Scene,
        *,
        instructions: str | None = None,
        session: DirectorSession | None = None,
    ) -> AgentRun:
        """Let the model direct `scene` with the tools; the latest plan it made is the result."""
        from langchain.agents import create_agent
        from langchain_core.messages import AIMessage, HumanMessage
        from langgraph.errors import GraphRecursionError

        prompt = load_agent_prompt()
        session = session if session is not None else DirectorSession(self.director)
        script_id = session.add_script(scene)
        model = self.chat_model if self.chat_model is not None else self._openai_model()
        agent: Any = create_agent(model, tools=session.tools(), system_prompt=prompt.system)
        user = prompt.user.format(
            script_id=script_id,
            summary=_scene_summary(scene),
            instructions=instructions or prompt.no_instructions,
        )
        # Each tool round is two graph steps (model, tools), plus the final answer.
        limit = 2 * self.max_agent_steps + 1
        try:
            state = agent.invoke({"messages": [HumanMessage(user)]}, {"recursion_limit": limit})
        except GraphRecursionError:
            raise AgentError(
                f"the agent did not finish within {self.max_agent_steps} tool rounds"
            ) from None
        except Exception as error:
            _raise_model_error(error, self.llm if self.chat_model is None else None)
            raise
        messages: list[BaseMessage] = list(state["messages"])
        called = [
            call["name"]
            for message in messages
            if isinstance(message, AIMessage)
            for call in message.tool_calls
        ]
        final = session.final()
        if final is None and _cut_short(messages):
            bound = (
                "its own token limit"
                if self.chat_model is not None
                else f"the limit of {self.max_tokens_per_turn} tokens (max_tokens_per_turn, "
                "--agent-max-tokens)"
            )
            raise AgentError(
                f"the agent finished without making a plan: its model's last turn stopped at "
                f"{bound} before it called a tool; a model that reasons aloud may need more, a "
                "model that rambles is too weak to direct"
            )
        if final is None and not called:
            raise AgentError(
                "the agent finished without making a plan: its model called no tool at all. "
                "Does its server pass tool calls? (vLLM: --enable-auto-tool-choice and a "
                "--tool-call-parser; OpenAI: yes; llama-cpp-python's server offers tools only "
                "when a request forces a tool choice, which the agent does not: use vLLM)"
            )
        if final is None:
            raise AgentError(
                "the agent finished without making a plan (it never called plan_scene "
                f"successfully; tools called: {', '.join(called)})"
            )
        return AgentRun(result=final, session=session, messages=messages, tool_calls=called)

    def _openai_model(self) -> BaseChatModel:
        assert self.llm is not None  # the constructor refuses neither
        return chat_model_for(self.llm, self.max_tokens_per_turn)


def _cut_short(messages: list[BaseMessage]) -> bool:
    """Whether the model's last answer ended at the token limit (finish reason `length`)."""
    from langchain_core.messages import AIMessage

    answers = [m for m in messages if isinstance(m, AIMessage)]
    return bool(answers) and answers[-1].response_metadata.get("finish_reason") == "length"


def _raise_model_error(error: Exception, config: LLMConfig | None) -> None:
    """Turn the OpenAI client's errors into LLMError, saying what failed as the planner does
    (the server, the status and what it said, the tries); leave anything else alone."""
    import openai

    from motiondirector.planners.llm_client import call_failure

    if not isinstance(error, openai.APIError):
        return
    failure = call_failure(error, config) if config is not None else None
    if failure is None:
        # A LangChain chat model given directly: no server or retry settings to name.
        raise LLMError(f"the agent's model failed: {type(error).__name__}: {error}") from None
    raise LLMError(f"the agent's model failed: {failure.message}") from None
