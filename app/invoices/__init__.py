"""Invoices: parsing uploads into the session, reading, listing and deleting them."""
