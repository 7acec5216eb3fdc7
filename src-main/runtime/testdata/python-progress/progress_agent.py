"""A plain Python agent that reports progress through the agentdock helpers the adapter ships."""

from agentdock import report_progress


def run(input):
    sent = [report_progress(report["done"], report["total"], report.get("unit", "items")) for report in input["reports"]]
    return {"sent": sent}
