"""A real Dovecot for the whole test run (tests/mail/dovecot.py), each test with an empty mailbox,
and apps that may reach it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import need
from tests.mail import dovecot
from tests.mail.dovecot import Dovecot

USER, PASSWORD = "ap@buyer.example", "correct horse battery"
#: A password only AUTHENTICATE PLAIN can carry (IMAP's LOGIN takes ASCII).
UMLAUT_USER, UMLAUT_PASSWORD = "buchhaltung@kunde.example", "Grüße aus Köln"


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    need(
        shutil.which("dovecot") is not None or os.path.exists(dovecot.DOVECOT),
        "Dovecot (Debian dovecot-imapd and dovecot-pop3d; bash scripts/install-system-packages)",
    )
    yield from dovecot.start({USER: PASSWORD, UMLAUT_USER: UMLAUT_PASSWORD})


@pytest.fixture
def mailserver(dovecot_server: Dovecot) -> Dovecot:
    """The Dovecot, with every folder of the test user empty."""
    dovecot_server.empty(USER)
    return dovecot_server


def mail_settings(server: Dovecot, **overrides: Any) -> dict[str, Any]:
    """Settings under which an app may reach the fixture's Dovecot and trusts its certificate."""
    ports = (server.imap, server.imaps, server.pop3, server.pop3s)
    return {
        "mail_allowed_hosts": ",".join(f"127.0.0.1:{port}" for port in ports),
        "mail_ca_file": str(server.ca_file),
        "mail_timeout_seconds": 10,
        **overrides,
    }


@pytest.fixture
def mail_app(mailserver: Dovecot, make_app: Callable[..., TestClient]) -> Callable[..., TestClient]:
    """Starts apps (in-process jobs unless told otherwise) that can reach the test mailbox."""
    return lambda **overrides: make_app(**mail_settings(mailserver, **overrides))
