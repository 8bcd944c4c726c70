"""A real Dovecot for the mail tests: its own configuration, users, Maildirs and self-signed
certificate in a temporary folder, listening on free 127.0.0.1 ports (IMAP with STARTTLS, IMAPS,
POP3 with STLS, POP3S), started in the foreground and stopped with the fixture.

Messages are put into a mailbox over IMAP (APPEND), as a mail server's delivery would leave them,
so the test never needs to write Dovecot's files itself. OAuth2 bearer tokens (XOAUTH2) are checked
by Dovecot against a token-info endpoint the fixture serves over HTTP.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

from tests.conftest import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@dataclass
class Dovecot:
    folder: Path
    ca_file: Path
    imap: int  # STARTTLS (and plain, which the tests refuse unless allowed)
    imaps: int
    pop3: int  # STLS
    pop3s: int
    users: dict[str, str]
    #: OAuth2 access token -> the user it stands for, checked by Dovecot through token_info_url.
    tokens: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def client(self, user: str) -> IMAPClient:
        """An IMAPS connection logged in as ``user``, trusting the fixture's certificate."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        client = IMAPClient("127.0.0.1", port=self.imaps, ssl=True, ssl_context=context, timeout=10)
        client.plain_login(user, self.users[user])  # UTF-8 passwords too
        return client

    def deliver(self, user: str, *messages: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> None:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for message in messages:
                client.append(folder, message, flags=flags)

    def empty(self, user: str) -> None:
        """Delete every message of every folder of ``user``."""
        with self.client(user) as client:
            for _, _, name in client.list_folders():
                client.select_folder(name)
                client.delete_messages(client.search("ALL"))
                client.expunge()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    return cert_file, key_file


class _TokenInfo(BaseHTTPRequestHandler):
    """Dovecot's OAuth2 token check: GET ?access_token=... -> the user, or 401."""

    tokens: ClassVar[dict[str, str]]

    def do_GET(self) -> None:
        token = parse_qs(urlsplit(self.path).query).get("access_token", [""])[0]
        user = self.tokens.get(token)
        body = json.dumps({"email": user, "active": True} if user else {"error": "invalid_token"}).encode()
        self.send_response(200 if user else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return None


def _accounts() -> tuple[str, str, int]:
    """Who Dovecot runs as: the login and internal processes, and the uid mail is kept under.
    Started by root it uses the package's unprivileged users; otherwise everything is ours."""
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        return "dovenull", "dovecot", mail.pw_uid
    me = pwd.getpwuid(os.geteuid())
    return me.pw_name, me.pw_name, me.pw_uid


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text(errors='replace') if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening")


def start(users: dict[str, str]) -> Iterator[Dovecot]:
    """Start Dovecot with ``users`` (name -> password); yields it and stops it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="dovecot-"))
    folder.chmod(0o755)  # the mail processes run as another user and must reach their homes
    login_user, internal_user, mail_uid = _accounts()
    cert_file, key_file = _certificate(folder)
    entries = "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in users.items())
    (folder / "passwd").write_text(entries, encoding="utf-8")
    (folder / "home").mkdir(mode=0o755)
    os.chown(folder / "home", mail_uid, -1)
    token_server = ThreadingHTTPServer(("127.0.0.1", 0), type("TokenInfo", (_TokenInfo,), {"tokens": {}}))
    threading.Thread(target=token_server.serve_forever, daemon=True).start()
    tokens: dict[str, str] = token_server.RequestHandlerClass.tokens  # type: ignore[attr-defined]
    (folder / "oauth2.conf.ext").write_text(
        f"tokeninfo_url = http://127.0.0.1:{token_server.server_address[1]}/tokeninfo?access_token=\n"
        "username_attribute = email\nactive_attribute = active\nactive_value = true\n"
    )
    ports = {name: free_port() for name in ("imap", "imaps", "pop3", "pop3s")}
    log = folder / "dovecot.log"
    (folder / "dovecot.conf").write_text(
        f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {log}
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert_file}
ssl_key = <{key_file}
auth_mechanisms = plain login xoauth2
disable_plaintext_auth = no
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(mail_uid, 100) if mail_uid else 1}
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
mail_plugins =
mail_attribute_dict =
imap_capability = +CONDSTORE
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {folder}/oauth2.conf.ext
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_uid if os.geteuid() else pwd.getpwnam("dovecot").pw_gid} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {ports["imap"]}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ports["imaps"]}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {ports["pop3"]}
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {ports["pop3s"]}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    )
    command = [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Dovecot(folder, cert_file, users=users, tokens=tokens, process=process, **ports)
    try:
        _wait_for_port(ports["pop3s"], process, log)
        yield server
    finally:
        server.stop()
        token_server.shutdown()
        token_server.server_close()
        shutil.rmtree(folder, ignore_errors=True)
