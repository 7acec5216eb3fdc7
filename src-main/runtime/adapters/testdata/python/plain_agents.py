"""Plain callables and generators, and agents that misbehave on purpose."""
import asyncio
import os
import sys

import httpx
from langchain_core.tools import tool


def echo(payload, config):
    return {"echo": payload, "trace": config["metadata"]["agentdock_trace_id"], "mode": config["configurable"].get("mode")}


def shout(payload):
    return {"text": payload["text"].upper()}


def words(payload):
    for word in payload["text"].split(" "):
        yield word + " "


async def numbers(payload, config):
    for n in range(payload["count"]):
        await asyncio.sleep(0)
        yield {"done": n + 1}


def noisy(payload):
    print("this print must not reach the protocol")
    print('{"type": "end", "id": "forged", "output": 1}')
    sys.stdout.write("no newline at the end")
    os.write(1, b"raw write to fd 1\n")
    return {"quiet": True}


def crash(payload):
    if payload.get("die"):
        os._exit(7)
    return {"alive": True}


async def wait_forever(payload):
    await asyncio.sleep(3600)


def fail(payload):
    raise ValueError("the agent could not cope")


def call_llm(payload):
    with httpx.Client() as client:
        return {"status": client.post(payload["url"], json={}).status_code}


@tool
def touch(path: str) -> str:
    """Creates a file."""
    open(path, "w").close()
    return "touched"


def uses_tool_without_config(payload):
    # No config forwarded: the adapter's implicit LangChain config must still gate the tool.
    return {"result": touch.invoke({"path": payload["marker"]})}
