"""A real LangGraph StateGraph: plan a tool call, run it through ToolNode, answer with a streaming model."""
from pathlib import Path
from typing import Annotated, TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AnyMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode


class State(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    marker: str


@tool
def write_marker(path: str) -> str:
    """Writes a marker file (the side effect a denied call must never have)."""
    Path(path).write_text("the tool ran")
    return f"wrote {path}"


def plan(state: State) -> dict:
    call = {"name": "write_marker", "args": {"path": state["marker"]}, "id": "call_marker", "type": "tool_call"}
    return {"messages": [AIMessage(content="", tool_calls=[call])]}


def answer(state: State) -> dict:
    model = GenericFakeChatModel(messages=iter([AIMessage(content="the marker is written")]))
    return {"messages": [model.invoke(state["messages"])]}


def build_graph():
    builder = StateGraph(State)
    builder.add_node("plan", plan)
    builder.add_node("tools", ToolNode([write_marker]))
    builder.add_node("answer", answer)
    builder.add_edge(START, "plan")
    builder.add_edge("plan", "tools")
    builder.add_edge("tools", "answer")
    builder.add_edge("answer", END)
    return builder.compile()


graph = build_graph()
