"""Anonymous sessions: signed tokens and the store that holds each session's invoices."""
