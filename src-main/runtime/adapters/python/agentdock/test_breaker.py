"""Tests of the Python circuit breaker and retry (stdlib unittest: no pytest in agent images).

Run from src-main/runtime/adapters/python: ``python3 -m unittest agentdock.test_breaker``.
"""

from __future__ import annotations

import asyncio
import threading
import unittest

from agentdock import BreakerRegistry, CircuitBreaker, CircuitOpenError, Fallback, aretry, backoff_delay, retry
from agentdock.breaker import is_transient_error


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Events:
    def __init__(self) -> None:
        self.seen = []

    def emit(self, kind, data):
        self.seen.append((kind, data))


class Metrics:
    def __init__(self) -> None:
        self.values = {}

    def increment(self, name, labels=None, by=1):
        key = (name, tuple(sorted((labels or {}).items())))
        self.values[key] = self.values.get(key, 0) + by

    def set(self, name, value, labels=None):
        self.values[(name, tuple(sorted((labels or {}).items())))] = value

    def get(self, name, **labels):
        return self.values.get((name, tuple(sorted(labels.items()))))


def failing():
    raise ConnectionError("rate limited")


def cached():
    return "cached"


class BreakerTransitions(unittest.TestCase):
    def setUp(self) -> None:
        self.clock = FakeClock()
        self.events = Events()
        self.metrics = Metrics()
        self.breaker = CircuitBreaker(
            "linkedin", clock=self.clock, events=self.events, metrics=self.metrics, cost_per_call_usd=0.1
        )

    def test_opens_after_five_consecutive_failures_and_serves_the_cache(self) -> None:
        for _ in range(4):
            self.assertEqual(self.breaker.call(failing, Fallback("cache", cached)).tier, "cache")
            self.assertEqual(self.breaker.state, "CLOSED")
        self.breaker.call(failing, Fallback("cache", cached))
        self.assertEqual(self.breaker.state, "OPEN")
        self.assertEqual(self.metrics.get("agentdock_breaker_state", service="linkedin"), 2)

    def test_a_success_resets_the_consecutive_count(self) -> None:
        for _ in range(4):
            self.breaker.call(failing, ("cache", cached))
        self.breaker.call(lambda: "fresh")
        for _ in range(4):
            self.breaker.call(failing, ("cache", cached))
        self.assertEqual(self.breaker.state, "CLOSED")

    def test_open_blocks_the_primary_until_the_cooldown_then_one_trial_closes(self) -> None:
        for _ in range(5):
            self.breaker.call(failing, ("cache", cached))
        calls = []

        def primary():
            calls.append(1)
            return "fresh"

        result = self.breaker.call(primary, ("cache", cached))
        self.assertEqual((result.value, result.tier), ("cached", "cache"))
        self.assertEqual(calls, [])
        self.clock.now = 59_999
        self.assertEqual(self.breaker.state, "OPEN")
        self.clock.now = 60_000
        self.assertEqual(self.breaker.state, "HALF_OPEN")
        self.assertEqual(self.breaker.call(primary, ("cache", cached)).tier, "primary")
        self.assertEqual(self.breaker.state, "CLOSED")
        self.assertEqual(
            [(data["from"], data["to"], data["reason"]) for _, data in self.events.seen],
            [("CLOSED", "OPEN", "failure_threshold"), ("OPEN", "HALF_OPEN", "cooldown_elapsed"), ("HALF_OPEN", "CLOSED", "trial_succeeded")],
        )

    def test_a_failed_trial_reopens_for_a_full_cooldown(self) -> None:
        for _ in range(5):
            self.breaker.call(failing, ("cache", cached))
        self.clock.now = 60_000
        self.breaker.call(failing, ("cache", cached))
        self.assertEqual(self.breaker.state, "OPEN")
        self.clock.now = 119_999
        self.assertEqual(self.breaker.state, "OPEN")
        self.clock.now = 120_000
        self.assertEqual(self.breaker.state, "HALF_OPEN")

    def test_half_open_lets_only_the_allowed_number_of_trials_through(self) -> None:
        for _ in range(5):
            self.breaker.call(failing, ("cache", cached))
        self.clock.now = 60_000
        inside = threading.Event()
        release = threading.Event()
        results = []

        def slow_trial():
            inside.set()
            release.wait(5)
            return "fresh"

        worker = threading.Thread(target=lambda: results.append(self.breaker.call(slow_trial, ("cache", cached))))
        worker.start()
        self.assertTrue(inside.wait(5))
        second = self.breaker.call(lambda: "should not run", ("cache", cached))
        release.set()
        worker.join(5)
        self.assertEqual(second.tier, "cache")
        self.assertEqual(results[0].tier, "primary")
        self.assertEqual(self.breaker.state, "CLOSED")

    def test_tiers_fall_through_in_order_and_stats_count_blocked_calls_and_savings(self) -> None:
        def broken_cache():
            raise KeyError("miss")

        for _ in range(5):
            self.breaker.call(failing, ("cache", broken_cache), ("placeholder", lambda: {"name": "unknown"}))
        for _ in range(66):
            self.breaker.call(lambda: "fresh", ("cache", cached))
        stats = self.breaker.stats()
        self.assertEqual(stats["calls"], 71)
        self.assertEqual(stats["failures"], 5)
        self.assertEqual(stats["blocked"], 66)
        self.assertEqual(stats["cost_saved_usd"], 6.6)
        self.assertEqual(stats["by_tier"], {"placeholder": 5, "cache": 66})
        self.assertEqual(stats["fallback_failures"], 5)
        self.assertEqual(stats["success_rate"], 1.0)
        self.assertAlmostEqual(self.metrics.get("agentdock_breaker_cost_saved_usd_total", service="linkedin"), 6.6)
        self.assertEqual(self.metrics.get("agentdock_breaker_calls_blocked_total", service="linkedin"), 66)

    def test_open_with_no_fallback_raises_circuit_open(self) -> None:
        for _ in range(5):
            with self.assertRaises(ConnectionError):
                self.breaker.call(failing)
        with self.assertRaises(CircuitOpenError) as raised:
            self.breaker.call(lambda: "fresh")
        self.assertEqual(raised.exception.code, "CircuitOpen")

    def test_a_broken_event_sink_never_fails_the_call(self) -> None:
        def explode(*_args):
            raise RuntimeError("sink down")

        breaker = CircuitBreaker("svc", failure_threshold=1, clock=self.clock, events=explode)
        self.assertEqual(breaker.call(failing, ("cache", cached)).tier, "cache")
        self.assertEqual(breaker.state, "OPEN")

    def test_async_calls_share_the_same_state_machine(self) -> None:
        async def boom():
            raise TimeoutError("slow")

        async def cache():
            return "cached"

        async def run():
            for _ in range(5):
                await self.breaker.acall(boom, ("cache", cache))
            return await self.breaker.acall(boom, ("cache", cache))

        result = asyncio.run(run())
        self.assertEqual(result.tier, "cache")
        self.assertEqual(self.breaker.stats()["blocked"], 1)


class Registry(unittest.TestCase):
    def test_one_breaker_per_service_with_attached_telemetry(self) -> None:
        registry = BreakerRegistry(failure_threshold=2)
        events = Events()
        early = registry.get("clearbit")
        registry.attach(events=events)
        self.assertIs(registry.get("clearbit"), early)
        late = registry.get("linkedin", failure_threshold=1)
        late.call(failing, ("cache", cached))
        self.assertEqual(late.state, "OPEN")
        early.call(failing, ("cache", cached))
        early.call(failing, ("cache", cached))
        self.assertEqual([data["service"] for _, data in events.seen], ["linkedin", "clearbit"])


class RetryBackoff(unittest.TestCase):
    def test_exponential_schedule_without_jitter(self) -> None:
        self.assertEqual([backoff_delay(n, base_ms=100, max_ms=1000, jitter=0) for n in range(6)], [100, 200, 400, 800, 1000, 1000])

    def test_jitter_stays_within_bounds(self) -> None:
        self.assertEqual(backoff_delay(2, base_ms=100, jitter=0.2, random=lambda: 0.0), 320)
        self.assertEqual(backoff_delay(2, base_ms=100, jitter=0.2, random=lambda: 0.999999), 480)

    def test_retries_transient_errors_with_the_planned_sleeps(self) -> None:
        slept = []
        attempts = []

        def flaky():
            attempts.append(1)
            if len(attempts) < 3:
                raise ConnectionError("reset")
            return "ok"

        self.assertEqual(retry(flaky, retries=3, base_ms=100, jitter=0, sleep=slept.append), "ok")
        self.assertEqual(slept, [0.1, 0.2])

    def test_gives_up_on_permanent_errors_at_once(self) -> None:
        slept = []

        def bad():
            raise ValueError("bad input")

        with self.assertRaises(ValueError):
            retry(bad, sleep=slept.append)
        self.assertEqual(slept, [])

    def test_honours_retry_after_and_refuses_one_longer_than_max(self) -> None:
        class Limited(Exception):
            def __init__(self, after):
                super().__init__("429")
                self.status = 429
                self.retry_after_ms = after

        slept = []
        calls = []

        def limited():
            calls.append(1)
            if len(calls) == 1:
                raise Limited(1500)
            return "ok"

        self.assertEqual(retry(limited, base_ms=100, max_ms=2000, sleep=slept.append), "ok")
        self.assertEqual(slept, [1.5])
        with self.assertRaises(Limited):
            retry(lambda: (_ for _ in ()).throw(Limited(5000)), max_ms=2000, sleep=slept.append)
        self.assertEqual(slept, [1.5])

    def test_async_retry(self) -> None:
        slept = []
        calls = []

        async def flaky():
            calls.append(1)
            if len(calls) == 1:
                raise TimeoutError("slow")
            return "ok"

        async def fake_sleep(seconds):
            slept.append(seconds)

        self.assertEqual(asyncio.run(aretry(flaky, base_ms=50, jitter=0, sleep=fake_sleep)), "ok")
        self.assertEqual(slept, [0.05])

    def test_transient_classification(self) -> None:
        class Status(Exception):
            def __init__(self, status):
                super().__init__(str(status))
                self.status_code = status

        self.assertTrue(is_transient_error(Status(503)))
        self.assertTrue(is_transient_error(Status(429)))
        self.assertFalse(is_transient_error(Status(401)))
        self.assertTrue(is_transient_error(ConnectionResetError()))
        self.assertFalse(is_transient_error(ValueError()))


if __name__ == "__main__":
    unittest.main()
