"""Tests of the Python circuit breaker and retry (stdlib unittest: no pytest in agent images).

Run from src-main/runtime/adapters/python: ``python3 -m unittest agentdock.test_breaker``.
"""

from __future__ import annotations

import asyncio
import threading
import unittest

from agentdock import BreakerRegistry, BreakerRetry, CircuitBreaker, CircuitOpenError, Fallback, aretry, backoff_delay, retry
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


class Upstream(Exception):
    def __init__(self, status, retry_after_ms=None):
        super().__init__("upstream %d" % status)
        self.status = status
        if retry_after_ms is not None:
            self.retry_after_ms = retry_after_ms


def scripted(*outcomes):
    """A primary answering from a script, one outcome per attempt (the last repeats); counts its attempts."""
    attempts = []

    def run():
        attempts.append(1)
        outcome = outcomes[min(len(attempts), len(outcomes)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return run, attempts


class BreakerRetries(unittest.TestCase):
    def setUp(self) -> None:
        self.clock = FakeClock()
        self.events = Events()
        self.slept = []

    def breaker(self, **retry):
        retry.setdefault("sleep", self.slept.append)
        return CircuitBreaker("linkedin", clock=self.clock, events=self.events, retry=retry)

    def test_the_demo_five_attempts_the_fifth_opens_and_the_cache_answers_that_call(self) -> None:
        breaker = self.breaker(attempts=5)
        linkedin, attempts = scripted(Upstream(429, 1000))
        self.assertEqual(breaker.call(linkedin, ("cache", cached)), ("cached", "cache", 5))
        self.assertEqual(len(attempts), 5)
        self.assertEqual(self.slept, [1.0, 1.0, 1.0, 1.0])
        self.assertEqual(breaker.state, "OPEN")
        self.assertEqual([(data["reason"], data["consecutiveFailures"]) for _, data in self.events.seen], [("failure_threshold", 5)])
        self.assertEqual(breaker.call(linkedin, ("cache", cached)).attempts, 0)
        self.clock.now = 60_000
        self.assertEqual(breaker.call(linkedin, ("cache", cached)).attempts, 1)
        self.assertEqual(len(attempts), 6)
        self.assertEqual(breaker.state, "OPEN")
        stats = breaker.stats()
        self.assertEqual((stats["calls"], stats["failures"], stats["retries"], stats["blocked"]), (3, 6, 4, 1))

    def test_stops_as_soon_as_an_attempt_opens_the_circuit(self) -> None:
        breaker = CircuitBreaker("linkedin", failure_threshold=3, retry=BreakerRetry(attempts=5, sleep=self.slept.append))
        breaker.call(scripted(Upstream(400))[0], ("cache", cached))
        linkedin, attempts = scripted(Upstream(429, 0))
        self.assertEqual(breaker.call(linkedin, ("cache", cached)).attempts, 2)
        self.assertEqual(len(attempts), 2)
        self.assertEqual(breaker.stats()["retries"], 1)

    def test_stops_when_another_call_opens_the_circuit_during_the_wait(self) -> None:
        asleep = threading.Event()
        wake = threading.Event()

        def sleep(_seconds):
            asleep.set()
            wake.wait(5)

        breaker = CircuitBreaker("linkedin", failure_threshold=2, clock=self.clock, retry={"attempts": 3, "sleep": sleep})
        linkedin, attempts = scripted(Upstream(429))
        results = []
        worker = threading.Thread(target=lambda: results.append(breaker.call(linkedin, ("cache", cached))))
        worker.start()
        self.assertTrue(asleep.wait(5))
        breaker.call(scripted(Upstream(400))[0], ("cache", cached))
        self.assertEqual(breaker.state, "OPEN")
        wake.set()
        worker.join(5)
        self.assertEqual(results[0], ("cached", "cache", 1))
        self.assertEqual((len(attempts), breaker.stats()["retries"]), (1, 0))

    def test_errors_a_retry_cannot_cure_are_not_retried(self) -> None:
        breaker = self.breaker(attempts=5)
        bad_request, attempts = scripted(Upstream(400))
        self.assertEqual(breaker.call(bad_request, ("cache", cached)).attempts, 1)
        self.assertEqual((len(attempts), self.slept), (1, []))

    def test_a_success_on_the_third_attempt_resets_the_consecutive_failures(self) -> None:
        breaker = self.breaker(attempts=5, base_ms=100, jitter=0)
        breaker.call(scripted(Upstream(400))[0], ("cache", cached))
        flaky, _ = scripted(Upstream(503), ConnectionResetError("reset"), "fresh")
        self.assertEqual(breaker.call(flaky, ("cache", cached)), ("fresh", "primary", 3))
        self.assertEqual(self.slept, [0.1, 0.2])
        stats = breaker.stats()
        self.assertEqual((stats["state"], stats["consecutive_failures"], stats["failures"], stats["retries"]), ("CLOSED", 0, 3, 2))

    def test_retry_after_is_honoured_and_one_beyond_max_ms_ends_the_attempts(self) -> None:
        breaker = self.breaker(attempts=5, base_ms=100, max_ms=2000, jitter=0)
        last = Upstream(429, 60_000)
        primary, attempts = scripted(Upstream(429, 1500), Upstream(503), last)
        with self.assertRaises(Upstream) as raised:
            breaker.call(primary)
        self.assertIs(raised.exception, last)
        self.assertEqual((len(attempts), self.slept), (3, [1.5, 0.2]))

    def test_async_calls_retry_with_an_async_sleep(self) -> None:
        async def fake_sleep(seconds):
            self.slept.append(seconds)

        breaker = self.breaker(attempts=3, base_ms=50, jitter=0, sleep=fake_sleep)
        flaky, _ = scripted(TimeoutError("slow"), "fresh")

        async def primary():
            return flaky()

        self.assertEqual(asyncio.run(breaker.acall(primary)), ("fresh", "primary", 2))
        self.assertEqual(self.slept, [0.05])

    def test_refuses_a_retry_without_a_positive_whole_number_of_attempts(self) -> None:
        with self.assertRaises(ValueError):
            CircuitBreaker("x", retry={"attempts": 0})


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

    def test_retry_settings_reach_the_breaker(self) -> None:
        registry = BreakerRegistry(failure_threshold=5)
        linkedin = registry.get("linkedin", retry={"attempts": 5, "sleep": lambda _seconds: None})
        self.assertEqual(linkedin.call(scripted(Upstream(429))[0], ("cache", cached)).attempts, 5)
        self.assertEqual(linkedin.state, "OPEN")


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
