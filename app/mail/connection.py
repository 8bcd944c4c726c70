"""Reaching a mail server: the outbound-address guard, TLS that checks the server's name, and
errors a person can act on (never with the password in them).

The host is resolved once and checked like a webhook's (app/delivery/guard.py); the connection is
then made to that very address, while TLS still verifies the certificate against the name the
user gave (``_NamedContext``), so a DNS answer that changes in between cannot redirect the login.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from typing import Any, Literal

from app.delivery.guard import HostUnknown, Purpose, TargetRefused, resolve_host

Protocol = Literal["imap", "pop3"]
Security = Literal["tls", "starttls", "plain"]

#: The ports of each protocol and security; MAIL_ALLOWED_HOSTS entries without a port allow these.
STANDARD_PORTS: dict[tuple[Protocol, Security], int] = {
    ("imap", "tls"): 993,
    ("imap", "starttls"): 143,
    ("imap", "plain"): 143,
    ("pop3", "tls"): 995,
    ("pop3", "starttls"): 110,
    ("pop3", "plain"): 110,
}
MAIL = Purpose("mail servers", "MAIL_ALLOWED_HOSTS", frozenset(STANDARD_PORTS.values()))


class MailError(Exception):
    """A pull that cannot go on: ``code`` and a message for the person; ``retry`` when trying again
    later may help (the network), not when it cannot (a wrong password)."""

    def __init__(self, code: str, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry = retry


@dataclass(frozen=True)
class Account:
    """A mailbox and how to log in to it. The password and token are never shown (repr) nor kept."""

    protocol: Protocol
    host: str
    port: int
    security: Security
    username: str
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    folder: str = "INBOX"


@dataclass(frozen=True)
class Reach:
    """What the operator allows: internal hosts, plain-text connections (tests only), an extra CA
    bundle (an internal server's own CA), and how long to wait for the server."""

    allowed_hosts: frozenset[str] = frozenset()
    allow_plaintext: bool = False
    ca_file: str | None = None
    timeout_seconds: float = 30.0


class _NamedContext(ssl.SSLContext):
    """An SSL context that checks the certificate against ``server_name`` whatever address the
    socket was connected to (the guard's pinned one)."""

    server_name: str

    def wrap_socket(self, sock: socket.socket, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        kwargs["server_hostname"] = self.server_name
        return super().wrap_socket(sock, *args, **kwargs)


def tls_context(server_name: str, reach: Reach) -> ssl.SSLContext:
    context = _NamedContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the certificate and the name
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_default_certs()
    if reach.ca_file:
        context.load_verify_locations(reach.ca_file)
    context.server_name = server_name
    return context


def checked_address(account: Account, reach: Reach) -> str:
    """The address to connect to, once the guard has allowed the host (and plain text, if asked)."""
    if account.security == "plain" and not reach.allow_plaintext:
        raise MailError(
            "mail_plaintext_refused",
            "Connecting without TLS would send the password in clear text; use security 'tls' or 'starttls'.",
        )
    try:
        return str(resolve_host(account.host, account.port, allowed_hosts=reach.allowed_hosts, purpose=MAIL))
    except TargetRefused as exc:
        raise MailError(
            "mail_host_unknown" if isinstance(exc, HostUnknown) else "mail_host_refused", str(exc)
        ) from None


def network_error(exc: BaseException, account: Account) -> MailError:
    """A MailError for a failure to reach or talk to the server."""
    where = f"{account.host}:{account.port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError(
            "mail_tls_failed",
            f"The certificate of {where} could not be verified ({exc.verify_message}). Check the host name; an "
            "internal server with its own CA needs MAIL_CA_FILE.",
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(
            "mail_tls_failed",
            f"TLS with {where} failed ({exc.reason or 'handshake refused'}). Check that port {account.port} "
            f"speaks {'TLS from the start' if account.security == 'tls' else 'STARTTLS'}.",
        )
    if isinstance(exc, ConnectionRefusedError):
        return MailError("mail_unreachable", f"{where} refused the connection; check the host and port.", retry=True)
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailError("mail_unreachable", f"{where} did not answer in time.", retry=True)
    return MailError("mail_unreachable", f"The connection to {where} failed ({type(exc).__name__}).", retry=True)


def login_refused(account: Account) -> MailError:
    way = "access token" if account.access_token else "password"
    return MailError(
        "mail_login_failed",
        f"The server refused the user name and {way}. Gmail and Microsoft 365 accept an app password or an "
        "OAuth2 access token (XOAUTH2), not the account's own password.",
    )
