"""Exports of the session's invoices: the Excel workbook, its rows as JSON, and statistics."""
