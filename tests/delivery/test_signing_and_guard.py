"""Standard Webhooks signing against the specification's own example, and the address guard."""

from __future__ import annotations

import ipaddress

import pytest

from app.delivery.guard import TargetRefused, check_url, is_public, resolve
from app.delivery.signing import InvalidSecret, sign
from app.jobs.policy import GiveUp, RetryLater, next_delay, parse_schedule, with_jitter


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


def test_resolution_is_pinned_and_the_name_kept() -> None:
    target = resolve("http://localhost:8080/hook?a=1", allowed_hosts=frozenset({"localhost"}))

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
