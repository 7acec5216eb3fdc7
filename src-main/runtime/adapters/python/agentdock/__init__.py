"""AgentDock helpers for Python agent code: a circuit breaker with fallback tiers, and retry."""

from .breaker import (
    BreakerRegistry,
    BreakerResult,
    CircuitBreaker,
    CircuitOpenError,
    Fallback,
    aretry,
    backoff_delay,
    breaker_registry,
    is_transient_error,
    retry,
)

__all__ = [
    "BreakerRegistry",
    "BreakerResult",
    "CircuitBreaker",
    "CircuitOpenError",
    "Fallback",
    "aretry",
    "backoff_delay",
    "breaker_registry",
    "is_transient_error",
    "retry",
]
