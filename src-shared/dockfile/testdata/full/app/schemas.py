"""I/O models of the invoice copilot (test fixture)."""
from pydantic import BaseModel, Field


class InvoiceInput(BaseModel):
    invoice_id: str = Field(description="Invoice number")
    context: str


class InvoiceOutput(BaseModel):
    summary: str
    vendor_name: str
    total_amount: float
