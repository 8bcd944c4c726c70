"""The invoices' dependency: the document parser (the parse pool and the OCR engines)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.deps import app_state
from app.invoices.parser import DocumentParser

Parser = Annotated[DocumentParser, Depends(app_state("parser"))]
