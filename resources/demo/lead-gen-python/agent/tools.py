"""The agent's two tools, LinkedIn and Clearbit, each behind the AgentDock runtime's circuit breaker
(the twin of ../lead-gen/src/tools.mjs). They are LangChain tools, so the runtime sees every call
before it runs (the Dockfile's tool allow-list) and shows it in the event log.

LinkedIn: a rate-limited API (429) is retried inside the breaker (5 attempts, honouring
Retry-After); 5 consecutive failures open the circuit, and then last night's profile snapshot
(data/linkedin-cache.json) answers without calling LinkedIn at all, until a trial call after the
cooldown finds it healthy again. Without a snapshot entry, a placeholder built from the lead row
keeps the lead moving.
Clearbit: companies repeat across leads, so answers are kept for the replica's lifetime (a
read-through cache) and the breaker guards the misses.
"""

import json
import math
import os
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import quote

import httpx
from agentdock import BreakerRetry, Fallback, breaker_registry
from langchain_core.tools import tool

from . import lead_clock

#: Per-call list prices of the two data providers (what a blocked or cached call saves).
LINKEDIN_CALL_USD = 0.1
CLEARBIT_CALL_USD = 0.05

_linkedin = breaker_registry.get(
    "linkedin",
    failure_threshold=5,
    cooldown_ms=60_000,
    retry=BreakerRetry(attempts=5),
    cost_per_call_usd=LINKEDIN_CALL_USD,
    clock=lead_clock.now,
)
_clearbit = breaker_registry.get("clearbit", failure_threshold=5, cooldown_ms=60_000, cost_per_call_usd=CLEARBIT_CALL_USD, clock=lead_clock.now)

_snapshot = json.loads((Path(__file__).resolve().parent.parent / "data" / "linkedin-cache.json").read_text(encoding="utf-8"))
_companies: Dict[str, Any] = {}
#: What encodeURIComponent leaves as is, so both agents ask for the same URLs.
_URI_SAFE = "!*'()"


class ServiceError(Exception):
    """A failed API call; ``status`` and ``retry_after_ms`` are what the breaker's retry reads."""

    def __init__(self, message: str, status: int, retry_after_ms: Optional[float]) -> None:
        super().__init__(message)
        self.status = status
        if retry_after_ms is not None:
            self.retry_after_ms = retry_after_ms


def _retry_after_ms(headers: httpx.Headers) -> Optional[float]:
    for name, scale in (("retry-after-ms", 1.0), ("retry-after", 1000.0)):
        try:
            value = float(headers[name]) * scale
        except (KeyError, ValueError):
            continue
        if math.isfinite(value):
            return value
    return None


async def _get_json(base_url: str, resource: str, api_key: str) -> Any:
    """GET a JSON resource; a failure carries the HTTP status and Retry-After for the breaker's retry."""
    url = base_url.rstrip("/") + resource
    async with httpx.AsyncClient(timeout=10.0) as client:
        response = await client.get(url, headers={"authorization": f"Bearer {api_key}", "accept": "application/json"})
    if response.status_code >= 400:
        raise ServiceError(f"{response.url.host}:{response.url.port} answered HTTP {response.status_code} for {resource}", response.status_code, _retry_after_ms(response.headers))
    return response.json()


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: add it to the agent's secrets (agentdock secret set {name} …)")
    return value


@tool("linkedin_profile")
async def linkedin_profile(handle: str, name: str = "", title: str = "", company: str = "") -> dict:
    """A person's LinkedIn profile: headline, experience and recent activity."""

    def from_snapshot() -> Any:
        cached = _snapshot["profiles"].get(handle)
        if cached is None:
            raise LookupError(f"{handle} is not in the snapshot")
        return cached

    result = await _linkedin.acall(
        lambda: _get_json(_env("LINKEDIN_API_URL"), f"/v2/people/{quote(handle, safe=_URI_SAFE)}", _env("LINKEDIN_API_KEY")),
        Fallback("cache", from_snapshot),
        Fallback("placeholder", lambda: {"handle": handle, "name": name, "headline": f"{title} at {company}", "experience": [], "activity": []}),
    )
    return {"profile": result.value, "source": result.tier, "attempts": result.attempts}


@tool("clearbit_company")
async def clearbit_company(domain: str) -> dict:
    """Company facts by domain: size, industry, funding, tech stack."""
    cached = _companies.get(domain)
    if cached is not None:
        return {"company": cached, "source": "cache"}
    result = await _clearbit.acall(
        lambda: _get_json(_env("CLEARBIT_API_URL"), f"/v2/companies/find?domain={quote(domain, safe=_URI_SAFE)}", _env("CLEARBIT_API_KEY")),
        Fallback("placeholder", lambda: {"domain": domain, "name": domain, "metrics": {}}),
    )
    if result.tier == "primary":
        _companies[domain] = result.value
    return {"company": result.value, "source": result.tier}
