"""An agent whose I/O is declared as Pydantic classes (io_schema.input_class / output_class)."""
from pydantic import BaseModel, Field


class InvoiceInput(BaseModel):
    invoice_id: str = Field(description="Invoice number")
    amount: float


class InvoiceOutput(BaseModel):
    summary: str


def summarize(data: dict) -> dict:
    invoice = InvoiceInput(**data)
    return InvoiceOutput(summary=f"Invoice {invoice.invoice_id}: {invoice.amount:.2f}").model_dump()
