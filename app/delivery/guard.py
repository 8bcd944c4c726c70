"""The outbound-address guard: a webhook may only reach the public internet.

The target's host is resolved once, every address it resolves to is checked, and the request is
then made to that very address (the Host header and TLS SNI keep the name), so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot slip through. An address is
allowed only if it is global after unwrapping the IPv6 forms that carry an IPv4 address inside
(IPv4-mapped, 6to4, Teredo, NAT64): `is_private` alone would miss CGNAT 100.64/10, multicast,
reserved and unspecified ranges and the wrapped forms. Hosts in WEBHOOK_ALLOWED_HOSTS skip the
public-address check (for an internal receiver, or tests on 127.0.0.1) but are pinned the same way.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(Exception):
    """The URL may not be called; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """A checked webhook URL and the one address it will be called at."""

    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress

    @property
    def connect_url(self) -> str:
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.scheme}://{literal}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == _DEFAULT_PORTS[self.scheme] else f"{name}:{self.port}"


def unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    inner = unwrap(address)
    return inner.is_global and not inner.is_multicast


def check_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path+query of a URL a webhook may use (no credentials, sane port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("The URL cannot be read; send an absolute http(s) URL.") from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise TargetRefused("Only absolute http:// and https:// URLs can receive webhooks.")
    if parts.username or parts.password:
        raise TargetRefused("Put no user name or password in the URL; webhooks are authenticated by their signature.")
    port = port or _DEFAULT_PORTS[parts.scheme]
    if port not in (80, 443) and port < 1024:
        raise TargetRefused(f"Port {port} is not allowed for webhooks; use 80, 443 or a port from 1024 up.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname.lower().rstrip("."), port, path


def resolve(url: str, *, allowed_hosts: frozenset[str]) -> Target:
    """Check the URL, resolve its host once and choose the address to call (refusing the whole
    target if any address it resolves to is not public, unless the host is allowed)."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"The host {host!r} cannot be resolved.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"The host {host!r} has no address.")
    if host not in allowed_hosts:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise TargetRefused(
                f"The host {host!r} resolves to {refused[0]}, which is not a public internet address "
                "(loopback, private, shared, link-local, multicast or reserved). Webhooks only go to "
                "public hosts; an operator can allow an internal host with WEBHOOK_ALLOWED_HOSTS."
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
