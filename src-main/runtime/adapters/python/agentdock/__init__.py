"""AgentDock helpers for Python agent code: a circuit breaker with fallback tiers, and retry."""

# breaker.__all__ is the one list of public names; re-exporting it keeps the two from drifting.
from .breaker import *  # noqa: F401,F403
from .breaker import __all__  # noqa: F401
