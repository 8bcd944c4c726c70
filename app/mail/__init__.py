"""Mailbox pulls: invoices attached to e-mails, read over IMAP or POP3 into a session (a job), or
delivered onward by the mail pipeline of `python -m workers`."""
