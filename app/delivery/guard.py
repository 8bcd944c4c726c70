"""The outbound-address guard: a webhook (or a mailbox pull) may only reach the public internet.

The target's host is resolved once, every address it resolves to is checked, and the request is
then made to that very address (the Host header and TLS SNI keep the name), so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot slip through. An address is
allowed only if IANA's special-purpose registries (IPv4 and IPv6) call it globally reachable,
after unwrapping every IPv6 form that carries an IPv4 address inside (IPv4-mapped and -translated,
IPv4-compatible, 6to4, Teredo, NAT64); an IPv6 address outside global unicast 2000::/3 never is.
Hosts in WEBHOOK_ALLOWED_HOSTS (MAIL_ALLOWED_HOSTS for mail servers) skip the public-address check
(an internal receiver, or tests on 127.0.0.1), on the ports listed with them ("host:8443"; none
listed: 80 and 443 for webhooks, the standard mail ports for mail), and are pinned the same way.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_networks = ipaddress.ip_network

#: IANA IPv4 special-purpose registry: the blocks that are not globally reachable (plus multicast
#: and broadcast, which no webhook answers).
_V4_NOT_GLOBAL = tuple(
    _networks(block)
    for block in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
    )
)  # fmt: skip
#: Globally reachable exceptions inside those blocks (PCP and TURN anycast).
_V4_GLOBAL_INSIDE = tuple(_networks(block) for block in ("192.0.0.9/32", "192.0.0.10/32"))
_V6_GLOBAL_UNICAST = _networks("2000::/3")
#: IANA IPv6 special-purpose registry: the blocks inside 2000::/3 that are not globally reachable.
_V6_NOT_GLOBAL = tuple(
    _networks(block) for block in ("2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16")
)
#: Globally reachable exceptions inside 2001::/23 (AMT, AS112, ORCHIDv2, DRIP and two anycasts).
_V6_GLOBAL_INSIDE = tuple(
    _networks(block)
    for block in ("2001:1::1/128", "2001:1::2/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28", "2001:30::/28")
)
#: Prefixes whose last 32 bits are an IPv4 address: IPv4-mapped, IPv4-translated, IPv4-compatible
#: (deprecated) and NAT64's well-known prefix. The local-use NAT64 prefix 64:ff9b:1::/48 is not
#: globally reachable and is refused as such.
_V4_EMBEDDED = tuple(_networks(block) for block in ("::ffff:0:0/96", "::ffff:0:0:0/96", "::/96", "64:ff9b::/96"))
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(Exception):
    """The URL may not be called; the message says why and what to do."""


class HostUnknown(TargetRefused):
    """The host name does not resolve (a typo, most likely)."""


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
    """The IPv4 address an IPv6 address carries (mapped, translated, compatible, 6to4, Teredo
    client, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in block for block in _V4_EMBEDDED):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def is_public(address: IPAddress) -> bool:
    """Globally reachable by IANA's special-purpose registries, after unwrapping."""
    inner = unwrap(address)
    if isinstance(inner, ipaddress.IPv4Address):
        return not any(inner in block for block in _V4_NOT_GLOBAL) or any(inner in b for b in _V4_GLOBAL_INSIDE)
    if inner not in _V6_GLOBAL_UNICAST:
        return False
    return not any(inner in block for block in _V6_NOT_GLOBAL) or any(inner in b for b in _V6_GLOBAL_INSIDE)


#: An ALLOWED_HOSTS entry: a name or IPv4 address, or an IPv6 address in brackets, with an
#: optional port.
_ALLOWED_ENTRY = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:\[\]]+))(?::(?P<port>\d{1,5}))?$")


@dataclass(frozen=True)
class Purpose:
    """What an outbound connection is for: named in refusals, with the setting that lists the
    internal hosts it may reach and the ports a host listed without one may be reached on."""

    name: str
    setting: str
    default_ports: frozenset[int]


WEBHOOKS = Purpose("webhooks", "WEBHOOK_ALLOWED_HOSTS", frozenset(_DEFAULT_PORTS.values()))


def allowed_ports(
    allowed_hosts: frozenset[str], default_ports: frozenset[int] = WEBHOOKS.default_ports
) -> dict[str, frozenset[int]]:
    """ALLOWED_HOSTS entries ("host", "host:8443", "[::1]:9000", "::1") as host -> its ports; a
    host listed without a port may be reached on ``default_ports`` only."""
    ports: dict[str, set[int]] = {}
    for entry in allowed_hosts:
        match = _ALLOWED_ENTRY.match(entry)
        host, port = ((match["v6"] or match["host"]), match["port"]) if match else (entry, None)
        ports.setdefault(host.lower(), set()).update({int(port)} if port else default_ports)
    return {host: frozenset(listed) for host, listed in ports.items()}


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
    """Check a webhook URL, resolve its host once and choose the address to call."""
    scheme, host, port, path = check_url(url)
    address = resolve_host(host, port, allowed_hosts=allowed_hosts, purpose=WEBHOOKS)
    return Target(scheme=scheme, host=host, port=port, path=path, address=address)


def resolve_host(host: str, port: int, *, allowed_hosts: frozenset[str], purpose: Purpose) -> IPAddress:
    """Resolve ``host`` once and choose the address to connect to, refusing the host if any
    address it resolves to is not public, unless the host is allowed (on that port)."""
    host = host.lower().rstrip(".")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostUnknown(f"The host {host!r} cannot be resolved.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise HostUnknown(f"The host {host!r} has no address.")
    listed = allowed_ports(allowed_hosts, purpose.default_ports)
    if host in listed and port not in listed[host]:
        ports = ", ".join(str(number) for number in sorted(listed[host]))
        raise TargetRefused(
            f"The host {host!r} is allowed for {purpose.name} on port {ports} only; list it as {host}:{port} in "
            f"{purpose.setting} to allow that port."
        )
    if host not in listed:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise TargetRefused(
                f"The host {host!r} resolves to {refused[0]}, which is not a public internet address "
                f"(loopback, private, shared, link-local, multicast or reserved). The service only connects "
                f"to public hosts for {purpose.name}; an operator can allow an internal host with {purpose.setting}."
            )
    return addresses[0]
