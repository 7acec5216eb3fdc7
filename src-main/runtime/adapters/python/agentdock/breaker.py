"""Circuit breaker with a fallback chain, and retry with backoff, for Python agent code.

The twin of ``src-main/runtime/reliability/circuit-breaker.ts`` and ``retry.ts``: the same states,
thresholds, counters and event/metric names, in snake_case. After ``failure_threshold``
consecutive failures a service is OPEN and calls go straight to the fallback tiers
(primary -> cache -> placeholder) without touching it; after ``cooldown_ms`` one trial call
(HALF_OPEN) decides: success closes, failure reopens. ``python-breaker.test.ts`` runs one failure
script through both implementations and compares the state sequences.

With ``retry`` the breaker also retries inside one call, Fallback(Retry(CircuitBreaker(call))) as
resilience4j composes them: a transient failure (429, 5xx, network) is attempted again after its
Retry-After or a backoff, every attempt counts as a failure, and once the failures open the circuit
the remaining attempts are dropped and the fallback tiers answer that same call. Only while CLOSED:
a HALF_OPEN trial is one attempt, so a failed trial reopens at once.

Standard library only: this file ships into agent images next to the user's code.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import random as _random
import threading
import time
from typing import Any, Awaitable, Callable, Dict, List, NamedTuple, Optional, Tuple, Union

__all__ = [
    "BreakerRegistry",
    "BreakerResult",
    "BreakerRetry",
    "CircuitBreaker",
    "CircuitOpenError",
    "Fallback",
    "aretry",
    "backoff_delay",
    "breaker_registry",
    "is_transient_error",
    "retry",
]

CLOSED = "CLOSED"
OPEN = "OPEN"
HALF_OPEN = "HALF_OPEN"

# Gauge values of agentdock_breaker_state, as the dashboards read them.
_STATE_VALUE = {CLOSED: 0, HALF_OPEN: 1, OPEN: 2}
_METRIC_STATE = "agentdock_breaker_state"
_METRIC_BLOCKED = "agentdock_breaker_calls_blocked_total"
_METRIC_COST_SAVED = "agentdock_breaker_cost_saved_usd_total"
_METRIC_CALLS = "agentdock_breaker_calls_total"


class Fallback(NamedTuple):
    """One fallback tier: its name (reported in results, stats and metrics) and what it serves."""

    tier: str
    run: Callable[[], Any]


class BreakerResult(NamedTuple):
    """What a call returns: the value, the tier that served it (``primary`` or a fallback) and the
    primary attempts the call made (0 when the circuit blocked it, above 1 when it retried)."""

    value: Any
    tier: str
    attempts: int = 1


class BreakerRetry(NamedTuple):
    """Retries inside one breaker call; the backoff settings are ``retry``'s.

    A Retry-After (``retry_after_ms`` on the error) wins over the backoff; one longer than
    ``max_ms`` ends the attempts, as in ``retry``. ``sleep`` receives seconds (``time.sleep`` for
    ``call``, ``asyncio.sleep`` for ``acall``; ``acall`` awaits it when it returns an awaitable).
    """

    #: Primary attempts per call, the first included; 1 never retries.
    attempts: int = 1
    base_ms: float = 200
    max_ms: float = 10_000
    factor: float = 2.0
    jitter: float = 0.2
    #: ``(error, attempt) -> bool``; default ``is_transient_error`` (408/425/429/5xx, network).
    is_retryable: Optional[Callable[[BaseException, int], bool]] = None
    sleep: Optional[Callable[[float], Any]] = None
    random: Optional[Callable[[], float]] = None


class CircuitOpenError(Exception):
    """Raised when the circuit is open and no fallback tier could answer."""

    code = "CircuitOpen"

    def __init__(self, service: str, retry_in_ms: float) -> None:
        super().__init__(
            "circuit for %s is open; no fallback could answer (trial call in %d ms)"
            % (service, max(0, math.ceil(retry_in_ms)))
        )
        self.service = service
        self.retry_in_ms = retry_in_ms


FallbackLike = Union[Fallback, Tuple[str, Callable[[], Any]], Dict[str, Any]]


def _as_fallback(item: FallbackLike) -> Fallback:
    if isinstance(item, Fallback):
        return item
    if isinstance(item, dict):
        return Fallback(str(item["tier"]), item["run"])
    tier, run = item
    return Fallback(str(tier), run)


def _as_retry(policy: Union[BreakerRetry, Dict[str, Any], None]) -> BreakerRetry:
    if policy is None:
        return BreakerRetry()
    if isinstance(policy, dict):
        return BreakerRetry(**policy)
    return policy


def _round_usd(value: float) -> float:
    # Same rounding as the JS twin (Math.round to 1e-9), so both report identical figures.
    return math.floor(value * 1e9 + 0.5) / 1e9


def _monotonic_ms() -> float:
    return time.monotonic() * 1000.0


class CircuitBreaker:
    """Per-service circuit breaker with fallback tiers, stats, events and metrics.

    ``events``: an object with ``emit(type, data)`` or a callable ``(type, data)``.
    ``metrics``: an object with ``increment(name, labels, by)`` and ``set(name, value, labels)``.
    Both are best effort: a failing sink never fails the agent's call.
    """

    def __init__(
        self,
        service: str,
        failure_threshold: int = 5,
        cooldown_ms: float = 60_000,
        half_open_max_calls: int = 1,
        clock: Optional[Callable[[], float]] = None,
        events: Any = None,
        metrics: Any = None,
        cost_per_call_usd: float = 0.0,
        retry: Union[BreakerRetry, Dict[str, Any], None] = None,
    ) -> None:
        if not service:
            raise ValueError("CircuitBreaker needs a service name")
        if not isinstance(failure_threshold, int) or failure_threshold < 1:
            raise ValueError("failure_threshold must be a positive integer, got %r" % (failure_threshold,))
        if not cooldown_ms >= 0:
            raise ValueError("cooldown_ms must be >= 0, got %r" % (cooldown_ms,))
        if not isinstance(half_open_max_calls, int) or half_open_max_calls < 1:
            raise ValueError("half_open_max_calls must be a positive integer, got %r" % (half_open_max_calls,))
        policy = _as_retry(retry)
        if not isinstance(policy.attempts, int) or policy.attempts < 1:
            raise ValueError("retry attempts must be a positive integer, got %r" % (policy.attempts,))
        self.service = service
        self.failure_threshold = failure_threshold
        self.cooldown_ms = cooldown_ms
        self.half_open_max_calls = half_open_max_calls
        self.cost_per_call_usd = float(cost_per_call_usd)
        self.retry = policy
        self._clock = clock or _monotonic_ms
        self._lock = threading.RLock()
        self._state = CLOSED
        self._opened_at = 0.0
        self._trials_in_flight = 0
        self._events: Any = None
        self._metrics: Any = None
        self._zero()
        self.bind(events=events, metrics=metrics)

    def _zero(self) -> None:
        self._calls = 0
        self._successes = 0
        self._failures = 0
        self._consecutive_failures = 0
        self._retries = 0
        self._blocked = 0
        self._fallback_served = 0
        self._fallback_failures = 0
        self._cost_saved_usd = 0.0
        self._by_tier: Dict[str, int] = {}

    @property
    def state(self) -> str:
        """The state now; reading it moves OPEN to HALF_OPEN once the cooldown has passed."""
        with self._lock:
            if self._state == OPEN and self._clock() - self._opened_at >= self.cooldown_ms:
                self._transition(HALF_OPEN, "cooldown_elapsed")
            return self._state

    def bind(self, events: Any = None, metrics: Any = None) -> None:
        """Points the breaker's events and metrics somewhere (the runtime does this for agents)."""
        self._events = events
        self._metrics = metrics
        self._metric("set", _METRIC_STATE, _STATE_VALUE[self._state], {"service": self.service})

    # -- calling -------------------------------------------------------------------------------

    def _admit(self) -> Tuple[bool, bool]:
        """Returns (blocked, trial) for a new call and counts it."""
        with self._lock:
            self._calls += 1
            state = self.state
            if state == OPEN or (state == HALF_OPEN and self._trials_in_flight >= self.half_open_max_calls):
                self._blocked += 1
                self._cost_saved_usd += self.cost_per_call_usd
                self._metric("increment", _METRIC_BLOCKED, {"service": self.service}, 1)
                if self.cost_per_call_usd > 0:
                    self._metric("increment", _METRIC_COST_SAVED, {"service": self.service}, self.cost_per_call_usd)
                return True, False
            trial = state == HALF_OPEN
            if trial:
                self._trials_in_flight += 1
            return False, trial

    def call(self, primary: Callable[[], Any], *fallbacks: FallbackLike) -> BreakerResult:
        """Calls ``primary`` unless the circuit is open, retrying it as ``retry`` allows while CLOSED;
        when it still fails, or the circuit is open, the fallbacks in order."""
        tiers = [_as_fallback(item) for item in fallbacks]
        blocked, trial = self._admit()
        primary_error: Optional[BaseException] = None
        attempts = 0
        while not blocked:
            attempts += 1
            try:
                value = primary()
            except Exception as error:  # noqa: BLE001 - every failure of the guarded call counts
                primary_error = error
                self._record(trial, ok=False)
            else:
                self._record(trial, ok=True)
                self._served("primary")
                return BreakerResult(value, "primary", attempts)
            delay_ms = None if trial else self._retry_delay_ms(primary_error, attempts)
            if delay_ms is None:
                break
            (self.retry.sleep or time.sleep)(delay_ms / 1000.0)
            if not self._begin_retry():
                break
        last_error: Optional[BaseException] = None
        for fallback in tiers:
            try:
                value = fallback.run()
            except Exception as error:  # noqa: BLE001
                with self._lock:
                    self._fallback_failures += 1
                last_error = error
            else:
                self._served_fallback(fallback.tier)
                return BreakerResult(value, fallback.tier, attempts)
        raise self._exhausted(blocked, primary_error, last_error)

    async def acall(self, primary: Callable[[], Any], *fallbacks: FallbackLike) -> BreakerResult:
        """``call`` for coroutines: ``primary``, fallbacks and ``retry.sleep`` may be async or plain callables."""
        tiers = [_as_fallback(item) for item in fallbacks]
        blocked, trial = self._admit()
        primary_error: Optional[BaseException] = None
        attempts = 0
        while not blocked:
            attempts += 1
            try:
                value = await _maybe_await(primary())
            except Exception as error:  # noqa: BLE001
                primary_error = error
                self._record(trial, ok=False)
            else:
                self._record(trial, ok=True)
                self._served("primary")
                return BreakerResult(value, "primary", attempts)
            delay_ms = None if trial else self._retry_delay_ms(primary_error, attempts)
            if delay_ms is None:
                break
            await _maybe_await((self.retry.sleep or asyncio.sleep)(delay_ms / 1000.0))
            if not self._begin_retry():
                break
        last_error: Optional[BaseException] = None
        for fallback in tiers:
            try:
                value = await _maybe_await(fallback.run())
            except Exception as error:  # noqa: BLE001
                with self._lock:
                    self._fallback_failures += 1
                last_error = error
            else:
                self._served_fallback(fallback.tier)
                return BreakerResult(value, fallback.tier, attempts)
        raise self._exhausted(blocked, primary_error, last_error)

    # -- stats ---------------------------------------------------------------------------------

    def stats(self) -> Dict[str, Any]:
        """Counters since construction (or ``reset``); the same figures as the JS ``stats()``."""
        with self._lock:
            state = self.state
            answered = sum(self._by_tier.values())
            calls = self._calls
            return {
                "service": self.service,
                "state": state,
                "calls": calls,
                "successes": self._successes,
                "failures": self._failures,
                "consecutive_failures": self._consecutive_failures,
                "retries": self._retries,
                "blocked": self._blocked,
                "fallback_served": self._fallback_served,
                "fallback_failures": self._fallback_failures,
                "cost_saved_usd": _round_usd(self._cost_saved_usd),
                "by_tier": dict(self._by_tier),
                "success_rate": 1.0 if calls == 0 else answered / calls,
                "fallback_rate": 0.0 if calls == 0 else self._fallback_served / calls,
            }

    def reset(self) -> None:
        """Back to CLOSED with zeroed counters."""
        with self._lock:
            if self._state != CLOSED:
                self._transition(CLOSED, "reset")
            self._zero()

    # -- internals -----------------------------------------------------------------------------

    def _record(self, trial: bool, ok: bool) -> None:
        with self._lock:
            if trial:
                self._trials_in_flight -= 1
            if ok:
                self._successes += 1
                self._consecutive_failures = 0
                if trial and self._state == HALF_OPEN:
                    self._transition(CLOSED, "trial_succeeded")
                return
            self._failures += 1
            self._consecutive_failures += 1
            if trial and self._state == HALF_OPEN:
                self._transition(OPEN, "trial_failed")
            elif self._state == CLOSED and self._consecutive_failures >= self.failure_threshold:
                self._transition(OPEN, "failure_threshold")

    def _retry_delay_ms(self, error: BaseException, attempts: int) -> Optional[float]:
        """Delay before the next attempt of a call whose attempt number ``attempts`` failed; None for none."""
        policy = self.retry
        with self._lock:
            if self._state != CLOSED:
                return None
        return _next_delay_ms(error, attempts - 1, policy.attempts - 1, policy.is_retryable, policy.base_ms, policy.max_ms, policy.factor, policy.jitter, policy.random)

    def _begin_retry(self) -> bool:
        """Counts the next attempt, unless another call opened the circuit while this one waited."""
        with self._lock:
            if self._state != CLOSED:
                return False
            self._retries += 1
            return True

    def _served(self, tier: str) -> None:
        with self._lock:
            self._by_tier[tier] = self._by_tier.get(tier, 0) + 1
        self._metric("increment", _METRIC_CALLS, {"service": self.service, "tier": tier}, 1)

    def _served_fallback(self, tier: str) -> None:
        with self._lock:
            self._fallback_served += 1
        self._served(tier)

    def _exhausted(self, blocked: bool, primary_error: Optional[BaseException], last_error: Optional[BaseException]) -> BaseException:
        self._metric("increment", _METRIC_CALLS, {"service": self.service, "tier": "failed"}, 1)
        if blocked or primary_error is None:
            error = CircuitOpenError(self.service, self._opened_at + self.cooldown_ms - self._clock())
            error.__cause__ = last_error
            return error
        return primary_error

    def _transition(self, to: str, reason: str) -> None:
        source = self._state
        self._state = to
        if to == OPEN:
            self._opened_at = self._clock()
        if to == CLOSED:
            self._consecutive_failures = 0
        self._metric("set", _METRIC_STATE, _STATE_VALUE[to], {"service": self.service})
        data = {
            "service": self.service,
            "from": source,
            "to": to,
            "reason": reason,
            "consecutiveFailures": self._consecutive_failures,
            "failureThreshold": self.failure_threshold,
            "cooldownMs": self.cooldown_ms,
            "blocked": self._blocked,
            "costSavedUsd": _round_usd(self._cost_saved_usd),
        }
        try:
            sink = self._events
            if sink is None:
                return
            emit = getattr(sink, "emit", None)
            (emit or sink)("breaker", data)
        except Exception:  # noqa: BLE001 - telemetry never fails the agent's call
            pass

    def _metric(self, method: str, name: str, *args: Any) -> None:
        try:
            target = getattr(self._metrics, method, None) if self._metrics is not None else None
            if target is None:
                return
            if method == "set":
                value, labels = args
                target(name, value, labels)
            else:
                labels, by = args
                target(name, labels, by)
        except Exception:  # noqa: BLE001 - telemetry never fails the agent's call
            pass


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value


class BreakerRegistry:
    """Breakers by service name, shared by every run in the process, with shared telemetry."""

    def __init__(self, **defaults: Any) -> None:
        self._defaults = defaults
        self._breakers: Dict[str, CircuitBreaker] = {}
        self._events: Any = None
        self._metrics: Any = None
        self._lock = threading.Lock()

    def get(self, service: str, **settings: Any) -> CircuitBreaker:
        """The breaker for ``service``, created on first use; ``settings`` apply only to that creation."""
        with self._lock:
            breaker = self._breakers.get(service)
            if breaker is None:
                options = dict(self._defaults)
                options.update(settings)
                options.update(events=self._events, metrics=self._metrics)
                breaker = CircuitBreaker(service, **options)
                self._breakers[service] = breaker
            return breaker

    def attach(self, events: Any = None, metrics: Any = None) -> None:
        """Sends every breaker's events and metrics to these sinks (now and for later breakers)."""
        with self._lock:
            self._events = events
            self._metrics = metrics
            for breaker in self._breakers.values():
                breaker.bind(events=events, metrics=metrics)

    def all(self) -> List[CircuitBreaker]:
        return list(self._breakers.values())

    def stats(self) -> List[Dict[str, Any]]:
        return [breaker.stats() for breaker in self.all()]

    def clear(self) -> None:
        with self._lock:
            self._breakers.clear()


#: The process-wide registry agent code and the runtime's Python host share.
breaker_registry = BreakerRegistry()


# -- retry ---------------------------------------------------------------------------------------

_TRANSIENT_STATUS = frozenset([408, 425, 429, 500, 502, 503, 504, 529])
_TRANSIENT_NAMES = frozenset(
    ["APIConnectionError", "APITimeoutError", "ConnectTimeout", "ReadTimeout", "ConnectError", "RemoteProtocolError", "InternalServerError", "RateLimitError", "ServiceUnavailableError"]
)


def is_transient_error(error: BaseException) -> bool:
    """True for errors a retry may cure: timeouts, connection failures, 408/425/429/5xx."""
    flag = getattr(error, "retryable", None)
    if isinstance(flag, bool):
        return flag
    if isinstance(error, (asyncio.CancelledError, KeyboardInterrupt)):
        return False
    status = getattr(error, "status", None)
    if not isinstance(status, int):
        status = getattr(error, "status_code", None)
    if not isinstance(status, int):
        status = getattr(error, "code", None) if error.__class__.__name__ == "HTTPError" else None
    if not isinstance(status, int):
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
    if isinstance(status, int):
        return status in _TRANSIENT_STATUS
    if isinstance(error, (ConnectionError, TimeoutError)):
        return True
    if type(error).__name__ in _TRANSIENT_NAMES:
        return True
    cause = error.__cause__
    return cause is not None and cause is not error and is_transient_error(cause)


def _retry_after_ms(error: BaseException) -> Optional[float]:
    value = getattr(error, "retry_after_ms", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    return None


def backoff_delay(
    retry_index: int,
    base_ms: float = 200,
    max_ms: float = 10_000,
    factor: float = 2.0,
    jitter: float = 0.2,
    random: Optional[Callable[[], float]] = None,
) -> float:
    """Delay before retry number ``retry_index`` (0 first), ms: min(max, base*factor^n) +/- jitter, capped at max."""
    nominal = min(max_ms, base_ms * factor ** retry_index)
    spread = min(max(jitter, 0.0), 1.0)
    draw = (random or _random.random)()
    jittered = nominal * (1 + spread * (2 * draw - 1))
    return float(max(0, min(max_ms, math.floor(jittered + 0.5))))


def _next_delay_ms(
    error: BaseException,
    attempt: int,
    retries: int,
    is_retryable: Optional[Callable[[BaseException, int], bool]],
    base_ms: float,
    max_ms: float,
    factor: float,
    jitter: float,
    random: Optional[Callable[[], float]],
) -> Optional[float]:
    """Delay before retrying after attempt ``attempt`` (0 first) failed, ms; None for no retry.

    Shared by ``retry``, ``aretry`` and the breaker's retries: the error's ``retry_after_ms`` wins
    over the backoff. Without ``is_retryable``, transient errors are retried.
    """
    if attempt >= retries:
        return None
    if not (is_retryable(error, attempt) if is_retryable is not None else is_transient_error(error)):
        return None
    retry_after = _retry_after_ms(error)
    if retry_after is not None:
        # Retrying earlier than the server asked only earns another refusal.
        return None if retry_after > max_ms else retry_after
    return backoff_delay(attempt, base_ms, max_ms, factor, jitter, random)


def retry(
    fn: Callable[[], Any],
    retries: int = 3,
    base_ms: float = 200,
    max_ms: float = 10_000,
    factor: float = 2.0,
    jitter: float = 0.2,
    is_retryable: Optional[Callable[[BaseException, int], bool]] = None,
    sleep: Optional[Callable[[float], Any]] = None,
    random: Optional[Callable[[], float]] = None,
    on_retry: Optional[Callable[[int, float, BaseException], Any]] = None,
) -> Any:
    """Calls ``fn()`` until it succeeds, the error is not retryable or retries run out.

    ``sleep`` receives seconds (``time.sleep`` by default); ``on_retry(attempt, delay_ms, error)``.
    A ``retry_after_ms`` attribute on the error wins over the computed delay.
    """
    wait = sleep or time.sleep
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as error:  # noqa: BLE001
            delay = _next_delay_ms(error, attempt, retries, is_retryable, base_ms, max_ms, factor, jitter, random)
            if delay is None:
                raise
            if on_retry is not None:
                on_retry(attempt, delay, error)
            wait(delay / 1000.0)
            attempt += 1


async def aretry(
    fn: Callable[[], Awaitable[Any]],
    retries: int = 3,
    base_ms: float = 200,
    max_ms: float = 10_000,
    factor: float = 2.0,
    jitter: float = 0.2,
    is_retryable: Optional[Callable[[BaseException, int], bool]] = None,
    sleep: Optional[Callable[[float], Awaitable[Any]]] = None,
    random: Optional[Callable[[], float]] = None,
    on_retry: Optional[Callable[[int, float, BaseException], Any]] = None,
) -> Any:
    """``retry`` for coroutines; ``sleep`` defaults to ``asyncio.sleep`` (seconds)."""
    wait = sleep or asyncio.sleep
    attempt = 0
    while True:
        try:
            return await fn()
        except Exception as error:  # noqa: BLE001
            delay = _next_delay_ms(error, attempt, retries, is_retryable, base_ms, max_ms, factor, jitter, random)
            if delay is None:
                raise
            if on_retry is not None:
                on_retry(attempt, delay, error)
            await wait(delay / 1000.0)
            attempt += 1
