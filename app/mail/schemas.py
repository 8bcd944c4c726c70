"""The mailbox-pull request and its answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, StringConstraints, model_validator

from app.mail.connection import STANDARD_PORTS
from app.mail.mailbox import ACTIONS, DEFAULT_KEYWORD, Action

#: Printable text without control characters (which IMAP commands cannot carry).
_Printable = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]+$")]


class MailPullRequest(BaseModel):
    protocol: Literal["imap", "pop3"] = "imap"
    host: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.:\[\]-]{1,253}$")] = Field(
        description="the mail server, e.g. imap.gmail.com or outlook.office365.com"
    )
    port: int | None = Field(default=None, ge=1, le=65535, description="default: 993 / 995 (tls), 143 / 110 (starttls)")
    security: Literal["tls", "starttls", "plain"] = Field(
        default="tls", description="plain only where the server allows it (MAIL_ALLOW_PLAINTEXT, for tests)"
    )
    username: Annotated[_Printable, StringConstraints(max_length=320)]
    password: SecretStr | None = Field(default=None, max_length=1024, description="or an app password")
    access_token: SecretStr | None = Field(
        default=None, max_length=8192, description="an OAuth2 access token (XOAUTH2), instead of a password"
    )
    folder: Annotated[_Printable, StringConstraints(max_length=200)] = "INBOX"
    since: date | None = Field(default=None, description="only messages received on or after this day")
    unseen_only: bool = Field(default=True, description="IMAP: only unread messages")
    max_messages: int = Field(default=100, ge=1, description="at most this many messages, oldest first")
    mark: Action | None = Field(
        default=None,
        description="after import, IMAP: keyword (default), move or none; POP3: leave (default) or delete",
    )
    keyword: Annotated[str, StringConstraints(pattern=r"^\$?[A-Za-z0-9_.-]{1,64}$")] = DEFAULT_KEYWORD
    move_to: Annotated[_Printable, StringConstraints(max_length=200)] | None = Field(
        default=None, description="the folder to move imported messages to (mark=move)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> MailPullRequest:
        if (self.password is None) == (self.access_token is None):
            raise ValueError("send either a password or an access_token")
        if self.mark is not None and self.mark not in ACTIONS[self.protocol]:
            raise ValueError(f"mark for {self.protocol} is one of {', '.join(ACTIONS[self.protocol])}")
        if self.mark == "move" and not self.move_to:
            raise ValueError("mark=move needs move_to, the folder to move to")
        return self

    @property
    def resolved_port(self) -> int:
        return self.port or STANDARD_PORTS[self.protocol, self.security]

    @property
    def resolved_mark(self) -> Action:
        return self.mark or ACTIONS[self.protocol][0]


class MailPullAccepted(BaseModel):
    job_id: str
    status_url: str = Field(description="GET it for the progress and, when finished, the pull's report")
