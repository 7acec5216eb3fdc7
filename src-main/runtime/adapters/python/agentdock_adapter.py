#!/usr/bin/env python3
"""AgentDock Python adapter: runs the user's agent behind a JSON-lines protocol on stdio.

Standard library only. It imports the user's entrypoint and, when installed, the user's own
langchain_core / langgraph / httpx — of AgentDock's, only the ``agentdock`` helpers beside it
(so the agent's ``agentdock.report_progress`` reaches the runtime). Started by the runtime as
``python3 -u agentdock_adapter.py --project-dir DIR --entrypoint pkg.module:symbol``.

Protocol (one JSON object per line, UTF-8; full text in PROTOCOL.md beside this file):

  runtime -> adapter (stdin)
    {"op": "invoke" | "stream", "id": str, "input": any, "config": {"trace_id": str, "arguments": {}}}
    {"op": "cancel", "id": str}
    {"op": "tool_decision", "id": str, "call_id": str, "allow": bool, "reason": str}
    {"op": "shutdown"}

  adapter -> runtime (the original stdout; user prints go to stderr)
    {"type": "ready", "protocol": 1, "language": "python", "entrypoint": str, "kind": str, ...}
    {"type": "fatal", "code": "EntrypointError", "message": str}   then exit status 3
    {"type": "token", "id", "text"}                                   stream runs only
    {"type": "tool_start", "id", "call_id", "name", "input"}          then WAITS for tool_decision
    {"type": "tool_denied", "id", "call_id", "name", "reason"}        the tool did not run
    {"type": "tool_end", "id", "call_id", "name", "output"}
    {"type": "end", "id", "output"}                                   last message of a run
    {"type": "error", "id", "code": "AgentError" | "ToolDenied" | "Cancelled" | "BadRequest", "message"}
    {"type": "log", "level", "message"}
    {"type": "progress", "done", "total", "unit", "trace_id"?}       agentdock.report_progress

Every run ends with exactly one ``end`` or ``error``. Runs execute concurrently in a thread pool,
each in its own asyncio loop; stdout writes are serialised by a lock. Stdin closing (the runtime
died) shuts the adapter down, so it never outlives its parent.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import contextvars
import dataclasses
import datetime
import enum
import importlib
import inspect
import json
import math
import os
import signal
import sys
import threading
import traceback
import urllib.parse
from typing import Any, Callable

PROTOCOL_VERSION = 1
TRACE_HEADER = "x-agentdock-trace-id"
MAX_LINE_BYTES = int(os.environ.get("AGENTDOCK_MAX_LINE_BYTES", str(16 * 1024 * 1024)))
DECISION_TIMEOUT_S = float(os.environ.get("AGENTDOCK_TOOL_DECISION_TIMEOUT_S", "60"))
WORKERS = max(1, int(os.environ.get("AGENTDOCK_WORKERS", "16")))
MAX_DEPTH = 64
EXIT_ENTRYPOINT_ERROR = 3

# The trace id of the run whose code is executing: read by the httpx wrapper. A contextvar, not an
# environment variable, because runs execute concurrently in one process.
_trace_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("agentdock_trace_id", default=None)


# ------------------------------------------------------------------------------------------------
# Output


class Protocol:
    """Owns the protocol stream: the process's original stdout, nobody else's."""

    def __init__(self) -> None:
        sys.stdout.flush()
        protocol_fd = os.dup(1)
        # From here on, anything writing to fd 1 (print, C extensions, child processes) lands on
        # stderr instead of corrupting the protocol.
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self._out = os.fdopen(protocol_fd, "wb")
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        data = _encode(message)
        if len(data) > MAX_LINE_BYTES:
            run_id = message.get("id")
            what = f"{message.get('type')} message of {len(data)} bytes exceeds the {MAX_LINE_BYTES}-byte line limit"
            if run_id is None or message.get("type") not in ("end", "tool_end", "tool_start"):
                data = _encode({"type": "log", "level": "warn", "message": f"dropped a {what}"})
            elif message.get("type") == "end":
                data = _encode({"type": "error", "id": run_id, "code": "AgentError", "message": f"the agent's output is too large: {what}"})
            else:
                trimmed = dict(message)
                trimmed["input" if message.get("type") == "tool_start" else "output"] = "[too large]"
                data = _encode(trimmed)
        with self._lock:
            try:
                self._out.write(data)
                self._out.flush()
            except (BrokenPipeError, ValueError):
                pass  # The runtime is gone; stdin EOF will shut us down.

    def log(self, level: str, message: str) -> None:
        self.send({"type": "log", "level": level, "message": message})


def _encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------------------------
# Plain JSON (the same rules as plain-output.ts)

_CHUNK_TYPES = {
    "AIMessageChunk": "ai",
    "HumanMessageChunk": "human",
    "ToolMessageChunk": "tool",
    "SystemMessageChunk": "system",
    "ChatMessageChunk": "chat",
    "FunctionMessageChunk": "function",
}


_base_message: list[Any] = []


def _is_message(value: Any) -> bool:
    if not _base_message:
        try:
            from langchain_core.messages import BaseMessage
        except ImportError:
            BaseMessage = None
        _base_message.append(BaseMessage)
    return _base_message[0] is not None and isinstance(value, _base_message[0])


def message_type(value: Any) -> str | None:
    """The role of a LangChain message (``ai``, ``human``, ``tool``…), or None for anything else."""
    if not _is_message(value):
        return None
    kind = getattr(value, "type", None)
    if not isinstance(kind, str) or not hasattr(value, "content"):
        return None
    return _CHUNK_TYPES.get(kind, kind)


def content_text(content: Any) -> str:
    """The text of a message content: a string, or the text blocks of a block list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str):
                parts.append(block["text"])
        return "".join(parts)
    return ""


def to_plain(value: Any, depth: int = 0, seen: set[int] | None = None) -> Any:
    """Converts any agent value to JSON-safe data (messages flattened, non-finite floats -> None)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= MAX_DEPTH:
        return "[Truncated]"
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return "[Circular]"
    seen.add(id(value))
    try:
        return _to_plain_object(value, depth, seen)
    finally:
        seen.discard(id(value))


def _to_plain_object(value: Any, depth: int, seen: set[int]) -> Any:
    kind = message_type(value)
    if kind is not None:
        out: dict[str, Any] = {"type": kind, "content": to_plain(value.content, depth + 1, seen)}
        name = getattr(value, "name", None)
        if isinstance(name, str) and name:
            out["name"] = name
        message_id = getattr(value, "id", None)
        if isinstance(message_id, str) and message_id:
            out["id"] = message_id
        tool_calls = getattr(value, "tool_calls", None)
        if isinstance(tool_calls, list) and tool_calls:
            out["tool_calls"] = [
                {"id": call.get("id"), "name": call.get("name"), "args": to_plain(call.get("args"), depth + 2, seen)}
                for call in tool_calls
                if isinstance(call, dict)
            ]
        tool_call_id = getattr(value, "tool_call_id", None)
        if isinstance(tool_call_id, str):
            out["tool_call_id"] = tool_call_id
        return out
    if isinstance(value, dict):
        return {str(key): to_plain(item, depth + 1, seen) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain(item, depth + 1, seen) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_plain(value.value, depth + 1, seen)
    if callable(getattr(value, "model_dump", None)):  # pydantic v2
        return to_plain(value.model_dump(), depth + 1, seen)
    if callable(getattr(value, "dict", None)) and hasattr(value, "__fields__"):  # pydantic v1
        return to_plain(value.dict(), depth + 1, seen)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_plain(getattr(value, field.name), depth + 1, seen) for field in dataclasses.fields(value)}
    return str(value)


# ------------------------------------------------------------------------------------------------
# Trace propagation


def _under_base(url: str, base: urllib.parse.SplitResult) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if (parsed.scheme.lower(), parsed.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return False
    base_path = base.path or "/"
    if base_path == "/" or parsed.path == base_path:
        return True
    return parsed.path.startswith(base_path if base_path.endswith("/") else base_path + "/")


def install_trace_headers(base_url: str | None) -> bool:
    """Makes httpx requests to the runtime's LLM proxy carry the run's trace id; False if no httpx."""
    if not base_url:
        return False
    try:
        import httpx  # the user's, when their LLM client uses it (openai, anthropic do)
    except ImportError:
        return False
    base = urllib.parse.urlsplit(base_url)

    def tag(request: Any) -> None:
        trace_id = _trace_id.get()
        if trace_id and _under_base(str(request.url), base):
            request.headers[TRACE_HEADER] = trace_id

    sync_send = httpx.Client.send
    async_send = httpx.AsyncClient.send

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        tag(request)
        return sync_send(self, request, *args, **kwargs)

    async def asend(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        tag(request)
        return await async_send(self, request, *args, **kwargs)

    httpx.Client.send = send  # type: ignore[method-assign]
    httpx.AsyncClient.send = asend  # type: ignore[method-assign]
    return True


# ------------------------------------------------------------------------------------------------
# Entrypoint loading and classification (the same rule as js-agent-loader.ts)


class EntrypointError(Exception):
    pass


def _required_params(fn: Any) -> int | None:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    return sum(
        1
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    )


def _positional_capacity(fn: Any) -> int:
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return 1
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return 2
    return sum(1 for p in parameters if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD))


def _is_runnable(value: Any) -> bool:
    return callable(getattr(value, "invoke", None)) and (callable(getattr(value, "stream", None)) or callable(getattr(value, "astream", None)))


def classify(value: Any, symbol: str, depth: int = 0) -> tuple[str, Any]:
    """Returns (kind, target): graph, runnable, generator or function. Factories are called here."""
    if _is_runnable(value):
        return ("graph" if type(value).__module__.startswith("langgraph.") else "runnable", value)
    if callable(getattr(value, "compile", None)) and not hasattr(value, "invoke"):
        try:
            compiled = value.compile()
        except Exception as error:
            raise EntrypointError(f"{symbol}.compile() failed: {type(error).__name__}: {error}") from error
        return classify(compiled, f"{symbol}.compile()", depth + 1)
    if inspect.isasyncgenfunction(value) or inspect.isgeneratorfunction(value):
        return ("generator", value)
    if callable(value):
        if depth == 0 and _required_params(value) == 0:
            try:
                built = value()
                if inspect.isawaitable(built):
                    built = asyncio.run(_await(built))
            except Exception as error:
                raise EntrypointError(f"factory {symbol}() failed: {type(error).__name__}: {error}") from error
            if built is None or isinstance(built, (str, int, float, bool, list, dict)):
                raise EntrypointError(
                    f"{symbol} takes no arguments, so it was called as a factory, but it returned {type(built).__name__}; "
                    "export a graph or runnable, a factory returning one, or an agent function taking (input, config)"
                )
            return classify(built, f"{symbol}()", depth + 1)
        return ("function", value)
    raise EntrypointError(f"{symbol} is {type(value).__name__}, not a graph, runnable, factory or agent function")


async def _await(awaitable: Any) -> Any:
    return await awaitable


def load_entrypoint(project_dir: str, entrypoint: str) -> tuple[str, Any]:
    module_name, sep, symbol = entrypoint.rpartition(":")
    if not sep or not module_name or not symbol:
        raise EntrypointError(f'agent.entrypoint "{entrypoint}" is not module:symbol')
    project = os.path.realpath(project_dir)
    sys.path.insert(0, project)
    if os.path.isdir(os.path.join(project, "src")):
        sys.path.insert(1, os.path.join(project, "src"))
    try:
        module = importlib.import_module(module_name)
    except Exception as error:
        raise EntrypointError(f"cannot import {module_name}: {type(error).__name__}: {error}") from error
    if not hasattr(module, symbol):
        names = [name for name in dir(module) if not name.startswith("_")][:8]
        raise EntrypointError(f"{module_name} defines no {symbol} (has: {', '.join(names)})")
    return classify(getattr(module, symbol), symbol)


def io_class_schema(class_path: str) -> dict:
    """JSON Schema of a Pydantic I/O class (`pkg.mod.Class` or `pkg.mod:Class`), for /schema and validation."""
    module_name, sep, name = class_path.rpartition(":")
    if not sep:
        module_name, _, name = class_path.rpartition(".")
    if not module_name or not name:
        raise EntrypointError(f'io_schema class "{class_path}" names no module')
    try:
        model = getattr(importlib.import_module(module_name), name)
    except Exception as error:
        raise EntrypointError(f"cannot import io_schema class {class_path}: {type(error).__name__}: {error}") from error
    if hasattr(model, "model_json_schema"):  # Pydantic v2
        return model.model_json_schema()
    if hasattr(model, "schema"):  # Pydantic v1
        return model.schema()
    raise EntrypointError(f"io_schema class {class_path} is not a Pydantic model (no model_json_schema)")


# ------------------------------------------------------------------------------------------------
# Runs


class Cancelled(Exception):
    pass


class Run:
    """One invoke/stream request: its cancel state and the tool decisions it waits for."""

    def __init__(self, adapter: "Adapter", run_id: str, op: str, payload: Any, config: dict[str, Any]) -> None:
        self.adapter = adapter
        self.id = run_id
        self.op = op
        self.input = payload
        self.trace_id = str(config.get("trace_id") or run_id)
        arguments = config.get("arguments")
        self.arguments: dict[str, Any] = arguments if isinstance(arguments, dict) else {}
        self.cancelled = threading.Event()
        self.denied: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._decisions: dict[str, list[Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None

    def send(self, message: dict[str, Any]) -> None:
        message["id"] = self.id
        self.adapter.protocol.send(message)

    def cancel(self, reason: str = "the run was cancelled") -> None:
        self.cancelled.set()
        with self._lock:
            for decision in self._decisions.values():
                decision[1], decision[2] = False, reason
                decision[0].set()
            loop, task = self._loop, self._task
        if loop is not None and task is not None:
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:
                pass  # The loop already finished.

    def authorize(self, call_id: str, name: str, value: Any) -> tuple[bool, str]:
        """Reports the tool call and blocks until the runtime decides (deny on timeout or cancel)."""
        decision: list[Any] = [threading.Event(), False, "no decision from the runtime"]
        with self._lock:
            if self.cancelled.is_set():
                return False, "the run was cancelled"
            self._decisions[call_id] = decision
        self.send({"type": "tool_start", "call_id": call_id, "name": name, "input": to_plain(value)})
        if not decision[0].wait(DECISION_TIMEOUT_S):
            decision[2] = f"no decision from the runtime within {DECISION_TIMEOUT_S:g} s"
        with self._lock:
            self._decisions.pop(call_id, None)
        return bool(decision[1]), str(decision[2])

    def decide(self, call_id: str, allow: bool, reason: str) -> None:
        with self._lock:
            decision = self._decisions.get(call_id)
        if decision is not None:
            decision[1], decision[2] = allow, reason
            decision[0].set()

    def deny(self, call_id: str, name: str, reason: str) -> None:
        with self._lock:
            first = self.denied is None
            if first:
                self.denied = (name, reason)
        self.send({"type": "tool_denied", "call_id": call_id, "name": name, "reason": reason})
        if first:
            # Stop the whole run: a graph may catch the tool's exception (ToolNode can turn errors
            # into messages) and go on calling the model.
            self.cancel(f"tool {name} was denied")

    def execute(self) -> None:
        """Thread-pool entry: runs the agent in a fresh asyncio loop and sends end or error."""
        _trace_id.set(self.trace_id)
        try:
            output = asyncio.run(self._main())
        except BaseException as error:  # noqa: BLE001 — every failure must end the run on the wire
            self._fail(error)
            return
        finally:
            self.adapter.finished(self.id)
        if self.denied is not None:
            self._send_denied()
        elif self.cancelled.is_set():
            self.send({"type": "error", "code": "Cancelled", "message": "the run was cancelled"})
        else:
            self.send({"type": "end", "output": to_plain(output)})

    def _fail(self, error: BaseException) -> None:
        if self.denied is not None:
            self._send_denied()
        elif self.cancelled.is_set() or isinstance(error, (asyncio.CancelledError, Cancelled)):
            self.send({"type": "error", "code": "Cancelled", "message": "the run was cancelled"})
        else:
            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
            self.send({"type": "error", "code": "AgentError", "message": f"{type(error).__name__}: {error}"})

    def _send_denied(self) -> None:
        name, reason = self.denied or ("unknown_tool", "")
        self.send({"type": "error", "code": "ToolDenied", "message": f"tool {name} was denied: {reason}"})

    async def _main(self) -> Any:
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
            if self.cancelled.is_set():
                raise Cancelled()
        config = self.adapter.run_config(self)
        scope = self.adapter.config_scope(config)
        kind, target = self.adapter.kind, self.adapter.target
        streaming = self.op == "stream"
        if kind == "graph":
            if not streaming:
                return await target.ainvoke(self.input, config)
            output = None
            async for mode, payload in target.astream(self.input, config, stream_mode=["messages", "values"]):
                if mode == "values":
                    output = payload
                elif mode == "messages" and message_type(payload[0]) == "ai":
                    self._token(content_text(payload[0].content))
            return output
        if kind == "runnable":
            if not streaming:
                return await target.ainvoke(self.input, config)
            output = None
            root_run_id = None  # the first event is the root run's start
            async for event in target.astream_events(self.input, config, version="v2"):
                name = event.get("event", "")
                data = event.get("data") or {}
                root_run_id = root_run_id or event.get("run_id")
                if "nostream" in (event.get("tags") or []):
                    continue
                if name == "on_chat_model_stream":
                    self._token(content_text(getattr(data.get("chunk"), "content", "")))
                elif name == "on_llm_stream":
                    self._token(str(getattr(data.get("chunk"), "text", "") or ""))
                elif name.endswith("_end") and event.get("run_id") == root_run_id:
                    output = data.get("output")
            return output
        with scope:
            args = (self.input, config) if _positional_capacity(target) >= 2 else (self.input,)
            if inspect.iscoroutinefunction(target):
                result = await target(*args)
            elif inspect.isasyncgenfunction(target):
                result = target(*args)
            else:
                result = await _in_thread(target, *args)
            if inspect.isawaitable(result):
                result = await result
            if inspect.isasyncgen(result) or inspect.isgenerator(result):
                return await self._consume(result)
            return result

    async def _consume(self, generator: Any) -> Any:
        """Strings (and AI message chunks) are tokens; other items are partial outputs."""
        text: list[str] = []
        partial: list[Any] = []
        returned: Any = None
        while True:
            if self.cancelled.is_set():
                raise Cancelled()
            if inspect.isasyncgen(generator):
                try:
                    item = await generator.__anext__()
                except StopAsyncIteration:
                    break
            else:
                done, item = await _in_thread(_step, generator)
                if done:
                    returned = item
                    break
            piece = item if isinstance(item, str) else content_text(item.content) if message_type(item) == "ai" else None
            if piece is None:
                partial[:] = [item]
            else:
                text.append(piece)
                self._token(piece)
        if returned is not None:
            return returned
        return partial[0] if partial else "".join(text)

    def _token(self, text: str) -> None:
        if text and self.op == "stream":
            self.send({"type": "token", "text": text})


def _step(generator: Any) -> tuple[bool, Any]:
    # StopIteration cannot cross a Future (asyncio turns it into TypeError), so it becomes a flag.
    try:
        return False, next(generator)
    except StopIteration as stop:
        return True, stop.value


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Runs blocking user code off the loop, in this context (trace id, LangChain config)."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(None, lambda: context.run(fn, *args))


class _NoScope:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


class _ConfigScope:
    """Sets LangChain's implicit child config, so tools a plain function calls see our callbacks."""

    def __init__(self, var: Any, config: dict[str, Any]) -> None:
        self._var = var
        self._config = config
        self._token: Any = None

    def __enter__(self) -> None:
        self._token = self._var.set(self._config)

    def __exit__(self, *exc: Any) -> None:
        self._var.reset(self._token)


# ------------------------------------------------------------------------------------------------
# Tool gate


def make_gate_class() -> Any:
    """The LangChain callback handler that asks the runtime before each tool runs (None without LangChain)."""
    try:
        from langchain_core.callbacks import BaseCallbackHandler
    except ImportError:
        return None

    class ToolDenied(Exception):
        pass

    class AgentDockToolGate(BaseCallbackHandler):  # type: ignore[misc, valid-type]
        # LangChain re-raises what a raise_error handler throws from on_tool_start, which it calls
        # before the tool's function: a denied tool never runs.
        raise_error = True

        def __init__(self, run: Run) -> None:
            super().__init__()
            self._run = run
            self._calls: dict[str, tuple[str, str]] = {}

        def on_tool_start(self, serialized: Any, input_str: str, *, run_id: Any, inputs: Any = None, **kwargs: Any) -> None:
            name = (serialized or {}).get("name") or kwargs.get("name") or "unknown_tool"
            call_id = str(kwargs.get("tool_call_id") or run_id)
            value = inputs if inputs is not None else _parse_json(input_str)
            allow, reason = self._run.authorize(call_id, name, value)
            if not allow:
                self._run.deny(call_id, name, reason)
                raise ToolDenied(f"tool {name} was denied: {reason}")
            self._calls[str(run_id)] = (call_id, name)

        def on_tool_end(self, output: Any, *, run_id: Any, **kwargs: Any) -> None:
            call = self._calls.pop(str(run_id), None)
            if call is not None:
                self._run.send({"type": "tool_end", "call_id": call[0], "name": call[1], "output": to_plain(output)})

        def on_tool_error(self, error: BaseException, *, run_id: Any, **kwargs: Any) -> None:
            self._calls.pop(str(run_id), None)

    return AgentDockToolGate


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


# ------------------------------------------------------------------------------------------------
# The adapter


class Adapter:
    def __init__(self, protocol: Protocol, kind: str, target: Any) -> None:
        self.protocol = protocol
        self.kind = kind
        self.target = target
        self.gate_class = make_gate_class()
        try:
            from langchain_core.runnables.config import var_child_runnable_config

            self._config_var: Any = var_child_runnable_config
        except ImportError:
            self._config_var = None
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="agentdock-run")

    def run_config(self, run: Run) -> dict[str, Any]:
        """The LangChain RunnableConfig every run gets (plain functions receive it too)."""
        return {
            "callbacks": [self.gate_class(run)] if self.gate_class is not None else [],
            "configurable": {"thread_id": run.trace_id, **run.arguments},
            "metadata": {"agentdock_trace_id": run.trace_id},
        }

    def config_scope(self, config: dict[str, Any]) -> Any:
        return _ConfigScope(self._config_var, config) if self._config_var is not None else _NoScope()

    def finished(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)

    def handle(self, message: Any) -> bool:
        """Dispatches one request; False means shut down."""
        if not isinstance(message, dict):
            self.protocol.log("warn", "ignored a request that is not a JSON object")
            return True
        op = message.get("op")
        run_id = message.get("id")
        if op in ("invoke", "stream"):
            if not isinstance(run_id, str) or not run_id:
                self.protocol.log("warn", f"ignored an {op} request without an id")
                return True
            config = message.get("config") if isinstance(message.get("config"), dict) else {}
            run = Run(self, run_id, op, message.get("input"), config)
            with self._lock:
                duplicate = run_id in self._runs
                if not duplicate:
                    self._runs[run_id] = run
            if duplicate:
                self.protocol.send({"type": "error", "id": run_id, "code": "BadRequest", "message": f"run id {run_id} is already in use"})
                return True
            # A fresh context per run: pool threads are reused and must not leak a trace id.
            self._pool.submit(contextvars.Context().run, run.execute)
        elif op == "cancel":
            target = self._get(run_id)
            if target is not None:
                target.cancel()
        elif op == "tool_decision":
            target = self._get(run_id)
            if target is not None:
                target.decide(str(message.get("call_id")), message.get("allow") is True, str(message.get("reason") or "denied by policy"))
        elif op == "shutdown":
            return False
        else:
            self.protocol.log("warn", f"ignored unknown op {op!r}")
        return True

    def shutdown(self) -> None:
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.cancel("the adapter is shutting down")
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _get(self, run_id: Any) -> Run | None:
        with self._lock:
            return self._runs.get(run_id) if isinstance(run_id, str) else None


def attach_progress(protocol: Protocol) -> None:
    """Sends the agent's ``agentdock.report_progress`` calls to the runtime (which checks them).

    Imported before the project directory goes on sys.path, so the agent's ``import agentdock``
    finds this same module (the one beside the adapter) and its reports reach this protocol.
    """
    try:
        from agentdock import progress
    except ImportError:
        protocol.log("warn", "the agentdock helpers are not beside the adapter: agentdock.report_progress will report nothing")
        return

    def send(report: dict[str, Any]) -> None:
        trace_id = _trace_id.get()
        protocol.send({"type": "progress", **report, **({"trace_id": trace_id} if trace_id else {})})

    progress.attach(send)


def main() -> None:
    parser = argparse.ArgumentParser(description="AgentDock Python adapter (JSON lines on stdio)")
    parser.add_argument("--project-dir", required=True)
    parser.add_argument("--entrypoint", required=True)
    parser.add_argument("--input-class")
    parser.add_argument("--output-class")
    options = parser.parse_args()
    # The runtime owns this process's lifetime: Ctrl+C in its terminal must not kill us mid-run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    protocol = Protocol()
    attach_progress(protocol)
    traced = install_trace_headers(os.environ.get("AGENTDOCK_LLM_BASE_URL"))
    try:
        kind, target = load_entrypoint(options.project_dir, options.entrypoint)
        schemas = (
            {"input": io_class_schema(options.input_class), "output": io_class_schema(options.output_class)}
            if options.input_class and options.output_class
            else None
        )
    except EntrypointError as error:
        protocol.send({"type": "fatal", "code": "EntrypointError", "message": str(error)})
        sys.stderr.flush()
        os._exit(EXIT_ENTRYPOINT_ERROR)
    adapter = Adapter(protocol, kind, target)
    protocol.send(
        {
            "type": "ready",
            "protocol": PROTOCOL_VERSION,
            "language": "python",
            "entrypoint": options.entrypoint,
            "kind": kind,
            "python": sys.version.split()[0],
            "tool_gate": adapter.gate_class is not None,
            "trace_headers": traced,
            **({"schemas": schemas} if schemas else {}),
        }
    )
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError:
            protocol.log("warn", "ignored a request line that is not JSON")
            continue
        if not adapter.handle(message):
            break
    # Shutdown or stdin EOF (the runtime is gone). Runs stuck in user code must not keep us alive.
    adapter.shutdown()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
