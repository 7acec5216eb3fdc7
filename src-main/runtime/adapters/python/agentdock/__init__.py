"""AgentDock helpers for Python agent code: a circuit breaker with fallback tiers, retry, and progress reports."""

# Each module's __all__ is the one list of its public names; re-exporting them keeps the lists from drifting.
from .breaker import *  # noqa: F401,F403
from .breaker import __all__ as _breaker_names
from .progress import *  # noqa: F401,F403
from .progress import __all__ as _progress_names

__all__ = [*_breaker_names, *_progress_names]
