"""Standard Webhooks signing against the specification's own example, and the address guard."""

from __future__ import annotations

import ipaddress

import pytest

from app.core.settings import InvalidSecret, parse_schedule
from app.delivery.guard import TargetRefused, check_url, is_public, resolve
from app.delivery.signing import sign
from app.jobs.policy import GiveUp, RetryLater, next_delay, with_jitter


def test_signature_matches_the_standard_webhooks_example() -> None:
    # The example of the Standard Webhooks reference libraries.
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )

    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not*base64", "whsec_c2hvcnQ="])
def test_bad_secrets_are_refused(secret: str) -> None:
    with pytest.raises(InvalidSecret):
        sign(secret, "msg_1", 1, b"{}")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # CGNAT: not private, not global
        ("169.254.169.254", False),  # cloud metadata
        ("224.0.0.251", False),
        ("233.252.0.1", False),  # multicast
        ("0.0.0.0", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:93.184.215.14", True),
        ("2002:0a00:0001::", False),  # 6to4 of 10.0.0.1
        ("2002:5db8:d70e::", True),  # 6to4 of 93.184.215.14
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo of 10.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b::5db8:d70e", True),
        ("::ffff:0:7f00:1", False),  # IPv4-translated loopback
        ("::127.0.0.1", False),  # IPv4-compatible loopback
        ("64:ff9b:1::5db8:d70e", False),  # local-use NAT64
        ("fec0::1", False),  # site-local
        ("192.0.0.8", False),  # IETF protocol assignments
        ("192.0.0.9", True),  # ... except the PCP anycast
        ("198.18.0.1", False),  # benchmarking
        ("2001:db8::1", False),  # documentation
        ("100::1", False),  # discard-only
        ("5f00::1", False),  # SRv6 SIDs
    ],
)
def test_only_global_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "file:///etc/passwd", "http://user:pw@example.com/", "http://example.com:25/", "/relative"],
)
def test_only_http_urls_with_sane_ports(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_url(url)


#: Ways of writing an internal address in a URL: every one is refused.
SSRF_URLS = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://127.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://127.000.000.001/",
    "http://0/",
    "http://0.0.0.0/",
    "http://localhost/",
    "http://localhost./",
    "http://LOCALHOST/",
    "http://[::1]/",
    "http://[::]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:0:7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[64:ff9b:1::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://[fd00::1]/",
    "http://[ff02::1]/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.0.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://192.0.0.8/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "https://127.0.0.1:6379/",
    "http://127.0.0.1:8080/",
    "http://[::1]:5432/",
]


@pytest.mark.parametrize("url", SSRF_URLS)
def test_internal_addresses_in_any_spelling_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        resolve(url, allowed_hosts=frozenset())


def test_an_allowed_host_is_reachable_on_its_listed_ports_only() -> None:
    listed = frozenset({"127.0.0.1:8080", "localhost"})
    assert resolve("http://127.0.0.1:8080/hook", allowed_hosts=listed).port == 8080
    assert resolve("http://localhost/hook", allowed_hosts=listed).port == 80
    with pytest.raises(TargetRefused, match="port 8080 only"):
        resolve("http://127.0.0.1:6379/", allowed_hosts=listed)
    with pytest.raises(TargetRefused, match="port 80, 443 only"):
        resolve("http://localhost:6379/", allowed_hosts=listed)


def test_resolution_is_pinned_and_the_name_kept() -> None:
    target = resolve("http://localhost:8080/hook?a=1", allowed_hosts=frozenset({"localhost:8080"}))

    assert target.address.is_loopback
    assert target.connect_url.endswith(":8080/hook?a=1") and "localhost" not in target.connect_url
    assert target.host_header == "localhost:8080"
    with pytest.raises(TargetRefused, match="not a public"):
        resolve("http://localhost:8080/hook", allowed_hosts=frozenset())


def test_retry_delays_follow_the_schedule_and_retry_after() -> None:
    schedule = parse_schedule("5,300,1800")

    assert next_delay(schedule, 0, RetryLater("busy")) == 5
    assert next_delay(schedule, 1, RetryLater("throttled", after=900.2)) == 901
    assert next_delay(schedule, 1, RetryLater("throttled", after=2)) == 300
    assert next_delay(schedule, 3, RetryLater("busy")) is None
    assert next_delay(schedule, 0, GiveUp("gone")) is None
    assert all(d <= j <= d * 1.1 for d, j in zip(schedule, with_jitter(schedule), strict=True))
