"""POST /api/v2/mail/pull: import the invoices of a mailbox into this session, as a job."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.deps import AppSettings
from app.jobs.deps import JobQueue
from app.mail import service
from app.mail.schemas import MailPullAccepted, MailPullRequest
from app.sessions.deps import CurrentSession

router = APIRouter(prefix="/api/v2/mail", tags=["mail"])


@router.post("/pull", status_code=status.HTTP_202_ACCEPTED)
async def pull(
    body: MailPullRequest, session: CurrentSession, settings: AppSettings, jobs: JobQueue
) -> MailPullAccepted:
    """Connect to the mailbox in a job and add each invoice attached to its messages (PDF, e-invoice
    XML, ZIP, scans as images) to this session, with `source: "email"` and the message's from,
    subject, date, Message-ID and attachment name. Follow `status_url`: `progress` while it runs,
    the pull's report in `result`, or `error` and `error_code` (`mail_login_failed`,
    `mail_folder_not_found`, `mail_tls_failed`, `mail_unreachable`, ...). The password or token
    is used by the job only, sealed while it waits, and never stored, logged or shown. 422
    `mail_host_refused` for a host that is not on the public internet (unless MAIL_ALLOWED_HOSTS
    lists it), `mail_host_unknown`, `mail_plaintext_refused`."""
    return await service.request_pull(jobs=jobs, session=session, settings=settings, body=body)
