"""The batch's clock (the twin of ../lead-gen/src/lead-clock.mjs).

The demo replays its lead list on a scripted timeline (each lead carries ``at_ms``, when it
arrived), and the circuit breakers measure their cooldown on that timeline rather than on the wall
clock: so a run at presentation pace and a run in two seconds open and close the LinkedIn breaker
at the same leads. A real agent would leave the breaker's default (monotonic wall-clock) time.
"""

import math
import threading

_lock = threading.Lock()
_now_ms = 0.0


def advance_to(at_ms: object) -> None:
    """Moves the clock to the lead being processed (leads arrive in order; never goes back)."""
    global _now_ms
    if isinstance(at_ms, bool) or not isinstance(at_ms, (int, float)) or not math.isfinite(at_ms):
        return
    with _lock:
        if at_ms > _now_ms:
            _now_ms = float(at_ms)


def now() -> float:
    """The batch time, ms (the breakers' clock)."""
    return _now_ms
