"""The LLM director: a LangChain agent that directs a scene by calling the Director's tools.

`run_llm_director` registers the scene in a `DirectorSession`, builds an agent with
`langchain.agents.create_agent` over the seven tools (`tools/langchain_tools.py`) and the
system prompt (`agent/data/agent_prompt.yaml`), and runs it with the user's instructions. The
chat model is the Director's `chat_model`, else `ChatOpenAI` pointed at any OpenAI-compatible
server (`LLMConfig`: base_url, model, api key from an environment variable).

The model only chooses tools and their arguments: every plan is made and validated by the
deterministic parts, so the output's schema cannot change, and a tool name outside the set
or arguments outside a tool's schema come back to the model as error messages. The result is
the latest plan the session made; a run that ends without one raises `AgentError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from motiondirector.errors import AgentError, LLMError
from motiondirector.tools.langchain_tools import DirectorSession

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from motiondirector.agent.director import Director
    from motiondirector.export.scene_folder import DirectResult
    from motiondirector.plan.scene import Scene
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
    data = yaml.safe_load(text.read_text("utf-8"))
    return AgentPrompt(
        system=str(data["system"]),
        user=str(data["user"]),
        no_instructions=str(data["no_instructions"]),
    )


def chat_model_for(config: LLMConfig) -> BaseChatModel:
    """`ChatOpenAI` for an OpenAI-compatible server (OpenAI, vLLM, llama.cpp server)."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=SecretStr(config.api_key()),
        temperature=config.temperature,
        timeout=config.timeout_s,
        max_retries=config.max_retries,
        seed=config.seed,
    )


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


def run_llm_director(
    director: Director,
    scene: Scene,
    *,
    instructions: str | None = None,
    session: DirectorSession | None = None,
) -> AgentRun:
    """Let the LLM direct `scene` with the tools; the latest plan it made is the result."""
    from langchain.agents import create_agent
    from langchain_core.messages import AIMessage, HumanMessage
    from langgraph.errors import GraphRecursionError

    prompt = load_agent_prompt()
    session = session if session is not None else DirectorSession(director)
    script_id = session.add_script(scene)
    if director.chat_model is not None:
        model = director.chat_model
    elif director.llm is not None:
        model = chat_model_for(director.llm)
    else:
        raise AgentError("the llm agent needs an LLM: give llm=LLMConfig(...) or a chat_model")
    agent: Any = create_agent(model, tools=session.tools(), system_prompt=prompt.system)
    user = prompt.user.format(
        script_id=script_id,
        summary=_scene_summary(scene),
        instructions=instructions or prompt.no_instructions,
    )
    # Each tool round is two graph steps (model, tools), plus the final answer.
    limit = 2 * director.max_agent_steps + 1
    try:
        state = agent.invoke({"messages": [HumanMessage(user)]}, {"recursion_limit": limit})
    except GraphRecursionError:
        raise AgentError(
            f"the agent did not finish within {director.max_agent_steps} tool rounds"
        ) from None
    except Exception as error:
        _raise_model_error(error)
        raise
    messages: list[BaseMessage] = list(state["messages"])
    called = [
        call["name"]
        for message in messages
        if isinstance(message, AIMessage)
        for call in message.tool_calls
    ]
    final = session.final()
    if final is None:
        raise AgentError(
            "the agent finished without making a plan (it never called plan_scene "
            f"successfully; tools called: {', '.join(called) or 'none'})"
        )
    return AgentRun(result=final, session=session, messages=messages, tool_calls=called)


def _raise_model_error(error: Exception) -> None:
    """Turn the OpenAI client's errors into LLMError; leave anything else alone."""
    import openai

    if isinstance(error, openai.APIStatusError):
        raise LLMError(f"the agent's model answered HTTP {error.status_code}") from error
    if isinstance(error, openai.APITimeoutError | openai.APIConnectionError):
        raise LLMError(f"cannot reach the agent's model: {error}") from error
