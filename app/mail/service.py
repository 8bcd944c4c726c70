"""Mail rules: check a pull request now (a clear 422 beats a job failing later) and queue it."""

from __future__ import annotations

import secrets
from dataclasses import asdict

import anyio.to_thread

from app.core.errors import AppError
from app.core.settings import Settings
from app.jobs.backends import Jobs, JobSpec
from app.jobs.policy import with_jitter
from app.jobs.router import enqueue
from app.mail.connection import Account, MailError, Reach, checked_address
from app.mail.schemas import MailPullAccepted, MailPullRequest
from app.sessions.token import Session


def reach(settings: Settings) -> Reach:
    return Reach(
        allowed_hosts=settings.allowed_mail_hosts,
        allow_plaintext=settings.mail_allow_plaintext,
        ca_file=settings.mail_ca_file,
        timeout_seconds=settings.mail_timeout_seconds,
    )


async def request_pull(*, jobs: Jobs, session: Session, settings: Settings, body: MailPullRequest) -> MailPullAccepted:
    if body.max_messages > settings.mail_max_messages:
        raise AppError(
            "validation_error",
            f"max_messages: at most {settings.mail_max_messages} messages are pulled at once.",
            field="max_messages",
        )
    account = Account(
        protocol=body.protocol,
        host=body.host,
        port=body.resolved_port,
        security=body.security,
        username=body.username,
        password=body.password.get_secret_value() if body.password else None,
        access_token=body.access_token.get_secret_value() if body.access_token else None,
        folder=body.folder,
    )
    try:
        await anyio.to_thread.run_sync(checked_address, account, reach(settings))
    except MailError as exc:
        raise AppError(
            exc.code, exc.message, field="security" if exc.code == "mail_plaintext_refused" else "host"
        ) from None
    job_id = "mail_" + secrets.token_hex(12)
    schedule = with_jitter(settings.mail_schedule)
    spec = JobSpec(
        job_id=job_id,
        kind="mail_pull",
        queue="mail",
        function="app.mail.jobs.pull_into_session",
        arguments={
            "selection": {"since": body.since, "unseen_only": body.unseen_only, "max_messages": body.max_messages},
            "marking": {"action": body.resolved_mark, "keyword": body.keyword, "folder": body.move_to},
        },
        private={
            "account": asdict(account),
            "session_id": session.id,
            "session_expires_at": session.expires_at.timestamp(),
        },
        session_id=session.id,
        session_expires_in=session.seconds_left(),
        schedule=schedule,
        timeout=settings.mail_job_timeout_seconds,
    )
    await enqueue(jobs, spec)
    return MailPullAccepted(job_id=job_id, status_url=f"/api/v2/jobs/{job_id}")
