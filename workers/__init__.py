"""Background workers. The RQ worker (`python -m workers`) arrives with the delivery jobs; parsing
itself runs in the API process's parse pool (app/invoices/pool.py)."""
