"""The lead-generation agent: one LangGraph run per lead (the twin of ../lead-gen/src/agent.mjs).

    receive -> research (LinkedIn + Clearbit tools) -> qualify (gpt-4o-mini, JSON)
            -> qualified? brief (o1: research brief + outreach e-mail) -> done : done

Models are called over the OpenAI chat completions API with httpx (what the official SDK uses):
the AgentDock runtime points OPENAI_BASE_URL at its own LLM proxy, which holds the real key,
meters and prices every token against the budget, and redacts personal data in the answers; the
agent never sees a provider key. The Python adapter tags httpx requests to the proxy with the
run's trace id, so each lead's spend is charged to its run. The prompts are the JavaScript
agent's, byte for byte (playbook.md is copied from ../lead-gen/src at build time). Progress goes to
the control panel through the runtime's helpers (``23 / 100 leads``).
"""

import sys

try:
    import httpx
    from langchain_core.runnables import RunnableConfig
    from langgraph.graph import END, START, StateGraph
except ImportError as missing:  # the adapter reports this as the agent's load error
    raise ImportError(
        f"the demo's Python agent needs langgraph, langchain-core and httpx, and {sys.executable} lacks {missing.name}: "
        f"run {sys.executable} -m pip install -r requirements.txt, or point AGENTDOCK_PYTHON at an interpreter that has them"
    ) from missing

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated, Any, Dict, TypedDict

from agentdock import aretry, report_progress

from . import lead_clock
from .tools import clearbit_company, linkedin_profile

PLAYBOOK = (Path(__file__).resolve().parent / "playbook.md").read_text(encoding="utf-8")
QUALIFY_MODEL = "gpt-4o-mini"
BRIEF_MODEL = "o1"
#: Minimum score for a lead to get a research brief and an e-mail.
QUALIFYING_SCORE = 60
#: Model calls answered 429/5xx or lost in transit are sent again this many times (the SDK's default).
MODEL_RETRIES = 2


def _merge(left: Dict[str, str], right: Dict[str, str]) -> Dict[str, str]:
    return {**(left or {}), **(right or {})}


class Input(TypedDict, total=False):
    """What a caller sends (the Dockfile's io_schema.input)."""

    lead: Dict[str, Any]
    total: int
    at_ms: int


class Output(TypedDict, total=False):
    """What a caller gets back (io_schema.output); research notes stay inside the run."""

    lead_id: str
    score: int
    qualified: bool
    reason: str
    outreach: str
    sources: Annotated[Dict[str, str], _merge]


class State(Input, Output, total=False):
    profile: Any
    company: Any


def receive(state: State) -> dict:
    lead_clock.advance_to(state.get("at_ms"))
    return {"lead_id": state["lead"]["id"]}


async def research(state: State, config: RunnableConfig) -> dict:
    lead = state["lead"]
    # With the node's config, so the runtime's tool gate sees (and may refuse) each call before it runs.
    person, account = await asyncio.gather(
        linkedin_profile.ainvoke({"handle": lead["linkedin"], "name": lead["name"], "title": lead["title"], "company": lead["company"]}, config),
        clearbit_company.ainvoke({"domain": lead["domain"]}, config),
    )
    return {"profile": person["profile"], "company": account["company"], "sources": {"linkedin": person["source"], "clearbit": account["source"]}}


def _dossier(state: State) -> str:
    lead = state["lead"]
    facts = {"lead": {key: lead.get(key) for key in ("id", "name", "title", "company", "country")}, "profile": state.get("profile"), "company": state.get("company")}
    # JSON.stringify(…, null, 2) of the JavaScript agent: same spacing, non-ASCII kept as is.
    return json.dumps(facts, indent=2, ensure_ascii=False)


async def _complete(body: Dict[str, Any]) -> str:
    """One chat completion through the runtime's LLM proxy; the first choice's text."""
    url = os.environ["OPENAI_BASE_URL"].rstrip("/") + "/chat/completions"
    headers = {"authorization": f"Bearer {os.environ['OPENAI_API_KEY']}", "content-type": "application/json"}

    async def send() -> Any:
        async with httpx.AsyncClient(timeout=120.0) as client:
            response = await client.post(url, headers=headers, content=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        response.raise_for_status()
        return response.json()

    completion = await aretry(send, retries=MODEL_RETRIES, base_ms=500)
    choices = completion.get("choices") or [{}]
    return (choices[0].get("message") or {}).get("content") or ""


async def qualify(state: State) -> dict:
    text = await _complete(
        {
            "model": QUALIFY_MODEL,
            "temperature": 0,
            "max_tokens": 200,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": 'You qualify B2B leads for a developer-tools company. Answer JSON: {"score": 0-100, "qualified": boolean, "reason": string}.'},
                {"role": "user", "content": f"Lead {state['lead']['id']}:\n{_dossier(state)}"},
            ],
        }
    )
    verdict = json.loads(text or "{}")
    score = verdict.get("score")
    score = score if isinstance(score, int) and not isinstance(score, bool) else 0
    return {"score": score, "qualified": score >= QUALIFYING_SCORE, "reason": str(verdict.get("reason") or "")}


async def brief(state: State) -> dict:
    text = await _complete(
        {
            "model": BRIEF_MODEL,
            "max_completion_tokens": 12_000,
            "messages": [
                {"role": "system", "content": PLAYBOOK},
                {
                    "role": "user",
                    "content": f"Research lead {state['lead']['id']} and write the first outreach e-mail. End with a line \"EMAIL:\" followed by the e-mail.\n\n{_dossier(state)}",
                },
            ],
        }
    )
    marker = text.rfind("EMAIL:")
    return {"outreach": (text[marker + len("EMAIL:") :] if marker >= 0 else text).strip()}


def done(state: State) -> dict:
    index = state["lead"]["index"]
    report_progress(index, state.get("total") or index, "leads")
    return {}


def build_graph():
    """The compiled graph the runtime serves (the Dockfile's entrypoint)."""
    graph = StateGraph(State, input_schema=Input, output_schema=Output)
    graph.add_node("receive", receive)
    graph.add_node("research", research)
    graph.add_node("qualify", qualify)
    graph.add_node("brief", brief)
    graph.add_node("done", done)
    graph.add_edge(START, "receive")
    graph.add_edge("receive", "research")
    graph.add_edge("research", "qualify")
    graph.add_conditional_edges("qualify", lambda state: "brief" if state.get("qualified") else "done", ["brief", "done"])
    graph.add_edge("brief", "done")
    graph.add_edge("done", END)
    return graph.compile()
