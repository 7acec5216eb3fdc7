"""Invoice copilot graph (test fixture: parsed, never executed)."""
from langgraph.graph import END, START, StateGraph

from app.schemas import InvoiceInput, InvoiceOutput


def extract(state: InvoiceInput) -> dict:
    return {"summary": f"Invoice {state.invoice_id}", "vendor_name": "", "total_amount": 0.0}


def build_graph():
    graph = StateGraph(InvoiceInput, output=InvoiceOutput)
    graph.add_node("extract", extract)
    graph.add_edge(START, "extract")
    graph.add_edge("extract", END)
    return graph.compile()
