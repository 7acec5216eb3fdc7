"""Progress reports for the AgentDock control panel (``23 / 100 leads (23%)``).

The twin of ``reportProgress`` in the JavaScript SDK. ``report_progress(done, total, unit)``
hands one report to the AgentDock Python adapter, which sends it to the runtime as a ``progress``
protocol message (PROTOCOL.md); the runtime checks it (``total`` above 0, ``done`` clamped into
[0, total], a short ``unit``) and emits a ``progress`` telemetry event. Outside AgentDock (a unit
test, a notebook) nothing is attached and reports go nowhere. Standard library only.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

__all__ = ["report_progress"]

_sink: Optional[Callable[[Dict[str, Any]], None]] = None


def attach(sink: Optional[Callable[[Dict[str, Any]], None]]) -> None:
    """Where reports go (the adapter attaches its protocol writer at start; None detaches)."""
    global _sink
    _sink = sink


def report_progress(done: float, total: float, unit: str = "items") -> bool:
    """Reports that ``done`` of ``total`` ``unit`` are done; True when handed to the runtime.

    Never raises: a report that cannot be sent (NaN, no runtime) returns False, and one the
    runtime rejects (``total`` not above 0, a non-number) is dropped there with a warning in its log.
    """
    sink = _sink
    if sink is None:
        return False
    try:
        sink({"done": done, "total": total, "unit": unit})
    except Exception:  # noqa: BLE001 - telemetry never fails the agent's work
        return False
    return True
