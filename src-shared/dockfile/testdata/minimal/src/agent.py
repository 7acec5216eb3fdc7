from typing import TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    document: str
    summary: str


def summarize(state: State) -> State:
    return {"summary": state.get("document", "")[:200]}


def build_graph():
    graph = StateGraph(State)
    graph.add_node("summarize", summarize)
    graph.add_edge(START, "summarize")
    graph.add_edge("summarize", END)
    return graph.compile()
