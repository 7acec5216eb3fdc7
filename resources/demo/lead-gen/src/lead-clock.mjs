// The batch's clock. The demo replays its lead list on a scripted timeline (each lead carries
// `at_ms`, when it arrived), and the circuit breakers measure their cooldown on that timeline
// rather than on the wall clock: so a run at presentation pace and a run in two seconds open and
// close the LinkedIn breaker at the same leads. A real agent would leave the breaker's default
// (monotonic wall-clock) time.
let nowMs = 0;

export const leadClock = {
  /** Moves the clock to the lead being processed (leads arrive in order; never goes back). */
  advanceTo(atMs) {
    if (Number.isFinite(atMs) && atMs > nowMs) nowMs = atMs;
  },
  now: () => nowMs,
};
