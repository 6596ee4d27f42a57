"""notify_svc.webhooks.addresses: subscription URL rules against SSRF, and the transport pinned to vetted addresses."""

import ipaddress
import socket

import pytest

from notify_svc.webhooks.addresses import (
    REFUSALS,
    Allowlist,
    CheckResult,
    address_category,
    check_url,
)

# A fake DNS: names under .test resolve as listed; anything else does not exist. Public addresses here are real
# public ranges (not documentation ranges, which are refused as reserved).
DNS: dict[str, list[str]] = {
    "hooks.partner.test": ["203.0.114.10"],
    "dual.partner.test": ["203.0.114.10", "2606:4700::1111"],
    "internal.gov.test": ["10.20.1.5"],
    "cgnat.gov.test": ["100.64.3.4"],
    "rebind.test": ["203.0.114.10", "127.0.0.1"],  # one public and one loopback answer
    "meta.test": ["169.254.169.254"],
    "alimeta.test": ["100.100.100.200"],
    "v6meta.test": ["fd00:ec2::254"],
    "mapped.test": ["::ffff:10.0.0.1"],
    "linklocal6.test": ["fe80::1%eth0"],
    "loop.localhost": ["127.0.0.1"],
    "xn--fsqu00a.xn--fiqs8s": ["203.0.114.11"],  # 例子.中国
}


class FakeResolver:
    def __init__(self, table: dict[str, list[str]] | None = None, error: BaseException | None = None) -> None:
        self.table, self.error, self.calls = DNS if table is None else table, error, []

    async def __call__(self, host: str, port: int) -> list[tuple]:
        self.calls.append((host, port))
        if self.error is not None:
            raise self.error
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, 1, 6, "", (a, port)) for a in self.table[host]]


async def check(url: str, **kwargs) -> CheckResult:
    kwargs.setdefault("resolve", FakeResolver())
    return await check_url(url, **kwargs)


# --- accepted ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host", "port", "addresses"),
    [
        ("https://hooks.partner.test/webhooks", "hooks.partner.test", 443, ["203.0.114.10"]),
        ("HTTPS://Hooks.Partner.TEST./x?y=1#z", "hooks.partner.test", 443, ["203.0.114.10"]),
        ("https://hooks.partner.test:8443/", "hooks.partner.test", 8443, ["203.0.114.10"]),
        ("https://dual.partner.test/", "dual.partner.test", 443, ["203.0.114.10", "2606:4700::1111"]),
        ("https://例子.中国/回调", "xn--fsqu00a.xn--fiqs8s", 443, ["203.0.114.11"]),
        ("https://1.1.1.1/", "1.1.1.1", 443, ["1.1.1.1"]),
        ("https://[2606:4700::1111]:9443/", "2606:4700::1111", 9443, ["2606:4700::1111"]),
    ],
)
async def test_public_https_urls_are_accepted(url: str, host: str, port: int, addresses: list[str]) -> None:
    result = await check(url)
    assert result.ok and result.code is None and result.message is None
    assert (result.scheme, result.host, result.port) == ("https", host, port)
    assert result.addresses == tuple(ipaddress.ip_address(a) for a in addresses)


async def test_resolver_is_asked_for_the_normalised_name_and_port() -> None:
    resolver = FakeResolver()
    await check_url("https://Hooks.Partner.test.:8443/", resolve=resolver)
    assert resolver.calls == [("hooks.partner.test", 8443)]


async def test_ip_literals_are_not_resolved() -> None:
    resolver = FakeResolver()
    assert (await check_url("https://1.1.1.1/", resolve=resolver)).ok
    assert resolver.calls == []


async def test_duplicate_answers_are_collapsed() -> None:
    resolver = FakeResolver({"dup.test": ["203.0.114.10", "203.0.114.10"]})
    assert (await check_url("https://dup.test/", resolve=resolver)).addresses == (ipaddress.ip_address("203.0.114.10"),)


async def test_default_resolver_is_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    calls = []

    async def fake_getaddrinfo(self, host, port, **kwargs):  # noqa: ANN001, ANN202 - loop method signature
        calls.append((host, port, kwargs))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.114.10", port))]

    monkeypatch.setattr(type(asyncio.get_running_loop()), "getaddrinfo", fake_getaddrinfo)
    assert (await check_url("https://hooks.partner.test/")).ok
    assert calls == [("hooks.partner.test", 443, {"type": socket.SOCK_STREAM})]


# --- refused before any DNS look-up ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.partner.test/", "url_not_https"),
        ("ftp://hooks.partner.test/", "url_not_https"),
        ("file:///etc/passwd", "url_not_https"),
        ("gopher://hooks.partner.test/", "url_not_https"),
        ("javascript:alert(1)", "url_not_https"),
        ("http://1.1.1.1/", "url_not_https"),
        ("https://user@hooks.partner.test/", "url_userinfo_forbidden"),
        ("https://user:secret@hooks.partner.test/", "url_userinfo_forbidden"),
        ("https://:@hooks.partner.test/", "url_userinfo_forbidden"),
        ("https://hooks.partner.test%2f@127.0.0.1/", "url_userinfo_forbidden"),
        ("https:///webhooks", "url_host_missing"),
        ("https://:443/", "url_host_missing"),
        ("https://", "url_host_missing"),
        ("", "url_invalid"),
        ("hooks.partner.test/webhooks", "url_not_https"),  # no scheme at all
        ("https://hooks.partner.test\\@127.0.0.1/", "url_invalid"),  # parsers disagree on backslashes
        ("https://hooks.partner.test /", "url_invalid"),
        ("https://hooks.partner.test/\r\nX-Injected: 1", "url_invalid"),
        ("https://hooks.partner.test\t/", "url_invalid"),
        ("https://hooks.partner.test:0/", "url_invalid"),
        ("https://hooks.partner.test:65536/", "url_invalid"),
        ("https://hooks.partner.test:99999/", "url_invalid"),
        ("https://hooks.partner.test:port/", "url_invalid"),
        ("https://[::1/", "url_invalid"),
        ("https://" + "a" * 2050 + ".test/", "url_invalid"),
        ("https://127.000.000.001/", "url_invalid"),  # leading zeros (octal in inet_aton) are rejected by httpx
        ("https://2130706433/", "url_host_invalid"),  # 127.0.0.1 as one decimal number
        ("http://2130706433/", "url_host_invalid"),
        ("https://0x7f.1/", "url_host_invalid"),  # hex and short forms
        ("https://0x7f000001/", "url_host_invalid"),
        ("https://017700000001/", "url_host_invalid"),  # octal
        ("https://127.1/", "url_host_invalid"),
        ("https://10.1/", "url_host_invalid"),
        ("https://1.2.3.4.5/", "url_host_invalid"),
        ("https://hooks.partner.123/", "url_host_invalid"),  # a last label that is a number makes it an IPv4 host
        ("https://%31%32%37.0.0.1/", "url_host_invalid"),
        ("https://[fe80::1%25eth0]/", "url_host_invalid"),  # zone identifiers
        ("https://under_score-.test/", "url_host_invalid"),
        ("https://-leading.test/", "url_host_invalid"),
        ("https://a..b.test/", "url_host_invalid"),
        ("https://" + "a" * 64 + ".test/", "url_host_invalid"),
        ("https://metadata.google.internal/computeMetadata/v1/", "url_address_metadata"),
        ("https://METADATA.GOOGLE.INTERNAL./", "url_address_metadata"),
        ("https://metadata.goog/", "url_address_metadata"),
        ("https://localhost/", "url_address_loopback"),
        ("https://loop.localhost/", "url_address_loopback"),
    ],
)
async def test_refused_without_resolving(url: str, code: str) -> None:
    resolver = FakeResolver()
    result = await check_url(url, resolve=resolver)
    assert (result.ok, result.code) == (False, code)
    assert result.message == REFUSALS[code]
    assert result.addresses == ()
    assert resolver.calls == []


def test_every_refusal_has_a_chinese_message() -> None:
    assert REFUSALS["url_not_https"] == "订阅地址必须使用 HTTPS"
    for code, message in REFUSALS.items():
        assert code.startswith("url_")
        assert any("\u4e00" <= char <= "\u9fff" for char in message), code


# --- refused by address ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "code"),
    [
        ("10.0.0.1", "url_address_private"),
        ("10.255.255.255", "url_address_private"),
        ("172.16.0.1", "url_address_private"),
        ("172.31.255.254", "url_address_private"),
        ("192.168.1.1", "url_address_private"),
        ("100.64.0.1", "url_address_private"),
        ("100.127.255.254", "url_address_private"),
        ("[fc00::1]", "url_address_private"),
        ("[fd12:3456::1]", "url_address_private"),
        ("[fec0::1]", "url_address_private"),
        ("127.0.0.1", "url_address_loopback"),
        ("127.255.255.254", "url_address_loopback"),
        ("[::1]", "url_address_loopback"),
        ("169.254.0.1", "url_address_link_local"),
        ("169.254.169.253", "url_address_link_local"),
        ("[fe80::1]", "url_address_link_local"),
        ("[febf::1]", "url_address_link_local"),
        ("169.254.169.254", "url_address_metadata"),
        ("169.254.170.2", "url_address_metadata"),
        ("[fd00:ec2::254]", "url_address_metadata"),
        ("100.100.100.200", "url_address_metadata"),
        ("168.63.129.16", "url_address_metadata"),
        ("0.0.0.0", "url_address_unspecified"),
        ("0.1.2.3", "url_address_unspecified"),
        ("[::]", "url_address_unspecified"),
        ("224.0.0.1", "url_address_multicast"),
        ("239.255.255.250", "url_address_multicast"),
        ("[ff02::1]", "url_address_multicast"),
        ("240.0.0.1", "url_address_reserved"),
        ("255.255.255.255", "url_address_reserved"),
        ("192.0.0.8", "url_address_reserved"),
        ("192.0.2.1", "url_address_reserved"),
        ("198.51.100.1", "url_address_reserved"),
        ("203.0.113.1", "url_address_reserved"),
        ("198.18.0.1", "url_address_reserved"),
        ("[2001:db8::1]", "url_address_reserved"),
        ("[100::1]", "url_address_reserved"),
        ("[2001::1]", "url_address_reserved"),
        ("[::127.0.0.1]", "url_address_reserved"),  # deprecated IPv4-compatible form
        # IPv6 forms that carry a refused IPv4 address are judged by it
        ("[::ffff:127.0.0.1]", "url_address_loopback"),
        ("[::ffff:7f00:1]", "url_address_loopback"),
        ("[::ffff:10.0.0.1]", "url_address_private"),
        ("[::ffff:169.254.169.254]", "url_address_metadata"),
        ("[::ffff:100.100.100.200]", "url_address_metadata"),
        ("[::ffff:0.0.0.0]", "url_address_unspecified"),
        ("[64:ff9b::127.0.0.1]", "url_address_loopback"),  # NAT64
        ("[64:ff9b::a9fe:a9fe]", "url_address_metadata"),
        ("[64:ff9b:1::1]", "url_address_private"),
        ("[2002:7f00:1::]", "url_address_loopback"),  # 6to4 of 127.0.0.1
        ("[2002:a00:1::]", "url_address_private"),  # 6to4 of 10.0.0.1
    ],
)
async def test_ip_literals_refused(host: str, code: str) -> None:
    result = await check(f"https://{host}/webhooks")
    assert (result.ok, result.code, result.message) == (False, code, REFUSALS[code])


@pytest.mark.parametrize(
    ("host", "code"),
    [
        ("internal.gov.test", "url_address_private"),
        ("cgnat.gov.test", "url_address_private"),
        ("rebind.test", "url_address_loopback"),  # one bad answer refuses the whole name
        ("meta.test", "url_address_metadata"),
        ("alimeta.test", "url_address_metadata"),
        ("v6meta.test", "url_address_metadata"),
        ("mapped.test", "url_address_private"),
        ("linklocal6.test", "url_address_link_local"),
        ("unknown.test", "url_host_unresolvable"),
    ],
)
async def test_resolved_addresses_refused(host: str, code: str) -> None:
    result = await check(f"https://{host}/")
    assert (result.ok, result.code) == (False, code)


@pytest.mark.parametrize("error", [socket.gaierror(socket.EAI_AGAIN, "again"), TimeoutError(), OSError("down")])
async def test_resolver_failures_are_unresolvable(error: BaseException) -> None:
    result = await check("https://hooks.partner.test/", resolve=FakeResolver(error=error))
    assert result.code == "url_host_unresolvable"


@pytest.mark.parametrize("answer", [["not-an-address"], ["203.0.114.10", "bogus"]])
async def test_unreadable_answer_is_unresolvable(answer: list[str]) -> None:
    result = await check("https://hooks.partner.test/", resolve=FakeResolver({"hooks.partner.test": answer}))
    assert result.code == "url_host_unresolvable"


async def test_empty_answer_is_unresolvable() -> None:
    result = await check("https://hooks.partner.test/", resolve=FakeResolver({"hooks.partner.test": []}))
    assert result.code == "url_host_unresolvable"


async def test_dns_rebinding_is_caught_at_delivery_time() -> None:
    at_subscription = await check("https://flip.test/", resolve=FakeResolver({"flip.test": ["203.0.114.10"]}))
    at_delivery = await check("https://flip.test/", resolve=FakeResolver({"flip.test": ["127.0.0.1"]}))
    assert at_subscription.ok
    assert at_delivery.code == "url_address_loopback"


# --- allowlist ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowlist"),
    [
        ("https://internal.gov.test/", ["10.20.0.0/16"]),
        ("https://internal.gov.test/", ["10.20.1.5"]),
        ("https://internal.gov.test/", ["internal.gov.test"]),
        ("https://internal.gov.test/", ["INTERNAL.GOV.TEST."]),
        ("https://cgnat.gov.test/", ["100.64.0.0/10"]),
        ("https://10.20.1.5/", ["10.0.0.0/8"]),
        ("https://127.0.0.1:9000/", ["127.0.0.1/32"]),
        ("https://[::1]/", ["::1"]),
        ("https://[fd12::5]/", ["fd12::/16"]),
        ("https://mapped.test/", ["10.0.0.0/8"]),  # ::ffff:10.0.0.1 falls in the IPv4 network
        ("https://[::ffff:10.0.0.1]/", ["10.0.0.0/8"]),
        ("https://loop.localhost/", ["loop.localhost"]),
        ("https://localhost/", ["localhost"]),
    ],
)
async def test_allowlist_opens_private_and_loopback(url: str, allowlist: list[str]) -> None:
    resolver = FakeResolver({**DNS, "localhost": ["127.0.0.1", "::1"]})
    assert (await check(url, resolve=resolver)).ok is False
    assert (await check(url, allowlist=allowlist, resolve=resolver)).ok is True


@pytest.mark.parametrize(
    ("url", "allowlist", "code"),
    [
        ("https://169.254.169.254/", ["169.254.0.0/16"], "url_address_metadata"),
        ("https://169.254.169.254/", ["0.0.0.0/0"], "url_address_metadata"),
        ("https://meta.test/", ["meta.test"], "url_address_metadata"),
        ("https://100.100.100.200/", ["100.64.0.0/10"], "url_address_metadata"),
        ("https://[fd00:ec2::254]/", ["fc00::/7"], "url_address_metadata"),
        ("https://[::ffff:169.254.169.254]/", ["::/0", "0.0.0.0/0"], "url_address_metadata"),
        ("https://metadata.google.internal/", ["metadata.google.internal"], "url_address_metadata"),
        ("https://169.254.1.1/", ["169.254.0.0/16"], "url_address_link_local"),
        ("https://[fe80::1]/", ["fe80::/10"], "url_address_link_local"),
        ("https://linklocal6.test/", ["linklocal6.test"], "url_address_link_local"),
        ("https://0.0.0.0/", ["0.0.0.0/0"], "url_address_unspecified"),
        ("https://224.0.0.1/", ["224.0.0.0/4"], "url_address_multicast"),
        ("https://240.0.0.1/", ["240.0.0.0/4"], "url_address_reserved"),
    ],
)
async def test_allowlist_never_opens_link_local_metadata_or_special(url: str, allowlist: list[str], code: str) -> None:
    assert (await check(url, allowlist=allowlist)).code == code


async def test_allowlisted_network_does_not_open_other_private_addresses() -> None:
    assert (await check("https://internal.gov.test/", allowlist=["10.30.0.0/16"])).code == "url_address_private"
    assert (await check("https://internal.gov.test/", allowlist=["other.gov.test"])).code == "url_address_private"


@pytest.mark.parametrize(
    ("url", "allowlist", "allow_http", "ok"),
    [
        ("http://internal.gov.test/cb", ["internal.gov.test"], True, True),
        ("http://internal.gov.test/cb", ["internal.gov.test"], False, False),
        ("http://10.20.1.5/cb", ["10.20.0.0/16"], True, True),
        ("http://10.20.1.5/cb", ["10.20.0.0/16"], False, False),
        ("http://internal.gov.test/cb", ["10.20.0.0/16"], True, False),  # a name is not vetted by where it points
        ("http://hooks.partner.test/", ["internal.gov.test"], True, False),
        ("http://1.1.1.1/", ["10.0.0.0/8"], True, False),
        ("https://internal.gov.test/cb", ["internal.gov.test"], False, True),
    ],
)
async def test_http_only_for_allowlisted_hosts(url: str, allowlist: list[str], allow_http: bool, ok: bool) -> None:
    result = await check(url, allowlist=allowlist, allow_http_for_allowlisted=allow_http)
    assert result.ok is ok
    if not ok:
        assert result.code == "url_not_https"


@pytest.mark.parametrize("entry", ["", "not a host", "0x7f.1", "10.0.0.0/33", "*.gov.test", "a..b"])
def test_allowlist_refuses_bad_entries(entry: str) -> None:
    with pytest.raises(ValueError):
        Allowlist.parse([entry])


def test_allowlist_parse() -> None:
    allowlist = Allowlist.parse(["10.0.0.0/8", "192.168.1.7", "Internal.Gov.Test.", "fd00::/8", "例子.中国"])
    assert allowlist.hosts == {"internal.gov.test", "xn--fsqu00a.xn--fiqs8s"}
    assert [str(n) for n in allowlist.networks] == ["10.0.0.0/8", "192.168.1.7/32", "fd00::/8"]


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("8.8.8.8", None),
        ("203.0.114.10", None),
        ("2606:4700::1111", None),
        ("172.15.255.255", None),  # just outside 172.16/12
        ("172.32.0.0", None),
        ("100.63.255.255", None),  # just outside CGNAT
        ("100.128.0.0", None),
        ("169.253.255.255", None),
        ("11.0.0.0", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),
        ("126.255.255.255", None),
        ("128.0.0.0", None),
    ],
)
def test_address_category_edges_are_public(address: str, category: str | None) -> None:
    assert address_category(ipaddress.ip_address(address)) == category


# --- the pinned transport ----------------------------------------------------------------------------------------
