"""Which subscription URLs a webhook may be sent to: the rules against server-side request forgery (SSRF).

``check_url`` must run twice: when a subscription is created or its URL changed, and again right before every
delivery attempt, because the name's DNS answer can change in between (DNS rebinding). The delivery must then connect
to an address this check vetted, not resolve the name a second time: the deliverer's client,
``http11.EndpointPool(result, ...)``, opens its TCP connections to ``result.addresses`` while the ``Host`` header,
TLS SNI and the certificate check keep the subscriber's host name::

    result = await check_url(url, allowlist=settings.webhook_allowlist, allow_http_for_allowlisted=...)
    if not result.ok:
        ...  # record result.code, do not send
    answer = await EndpointPool(result, ssl_context=..., max_connections=4).post(url, headers, body)

Redirects are never followed (a 3xx is a failed attempt), so nothing but the vetted host is ever reached.

Rules: the scheme is ``https`` (``http`` only for an allowlisted host when ``allow_http_for_allowlisted``); no
user-info; a host is present and is a DNS name or a canonical IP literal (numeric tricks such as ``2130706433`` or
``0x7f.1`` that a resolver would read as 127.0.0.1 are refused, not guessed at); every address the host resolves to
is public. Private networks (RFC 1918, CGNAT 100.64/10, fc00::/7) and loopback may be opened by the ``allowlist``
(CIDRs, single addresses or exact host names, e.g. a department's server on the government network). Link-local
addresses, cloud metadata endpoints, unspecified, multicast and reserved addresses are refused even when allowlisted.
IPv6 forms that embed an IPv4 address (``::ffff:127.0.0.1``, NAT64 ``64:ff9b::/96``, 6to4) are judged by that address
too. An allowlisted host name may resolve to private or loopback addresses; over ``http`` only an allowlisted name or
an IP literal inside an allowlisted network qualifies, never a name that merely resolves into one.
"""

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Iterable[Sequence[Any]]]]
"""``resolve(host, port)`` returns ``getaddrinfo`` tuples; the address is ``item[4][0]``."""

RESOLVE_TIMEOUT_SECONDS = 5.0
MAX_URL_LENGTH = 2048

REFUSALS: dict[str, str] = {
    "url_invalid": "订阅地址格式不正确",
    "url_not_https": "订阅地址必须使用 HTTPS",
    "url_userinfo_forbidden": "订阅地址不得包含用户名或密码",
    "url_host_missing": "订阅地址缺少主机名",
    "url_host_invalid": "订阅地址的主机名不合法（含非标准写法的数字地址）",
    "url_host_unresolvable": "订阅地址的主机名无法解析",
    "url_address_private": "订阅地址指向内部网络地址，未在白名单内",
    "url_address_loopback": "订阅地址指向本机回环地址，未在白名单内",
    "url_address_link_local": "订阅地址指向链路本地地址，不允许",
    "url_address_metadata": "订阅地址指向云平台元数据服务，不允许",
    "url_address_unspecified": "订阅地址指向未指定地址，不允许",
    "url_address_multicast": "订阅地址指向组播地址，不允许",
    "url_address_reserved": "订阅地址指向保留或特殊用途地址，不允许",
}

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata", "instance-data"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Tencent Cloud and others
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer (a public address that reaches the platform)
    )
)


def _nets(*cidrs: str) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Checked in this order, first match wins. Only loopback and private can be opened by the allowlist.
_CATEGORIES: tuple[tuple[str, tuple[IPNetwork, ...]], ...] = (
    ("url_address_link_local", _nets("169.254.0.0/16", "fe80::/10")),
    ("url_address_unspecified", _nets("0.0.0.0/8", "::/128")),
    ("url_address_loopback", _nets("127.0.0.0/8", "::1/128")),
    ("url_address_multicast", _nets("224.0.0.0/4", "ff00::/8")),
    (
        "url_address_reserved",
        _nets(
            "240.0.0.0/4",  # future use and 255.255.255.255
            "192.0.0.0/24",  # IETF protocol assignments
            "192.0.2.0/24",  # documentation (TEST-NET-1..3)
            "198.51.100.0/24",
            "203.0.113.0/24",
            "198.18.0.0/15",  # benchmarking
            "::/96",  # deprecated IPv4-compatible IPv6
            "100::/64",  # discard
            "2001::/32",  # Teredo
            "2001:db8::/32",  # documentation
        ),
    ),
    (
        "url_address_private",
        _nets(
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",  # carrier-grade NAT
            "fc00::/7",  # unique local
            "fec0::/10",  # deprecated site-local
            "64:ff9b:1::/48",  # local-use NAT64
        ),
    ),
)
_ALLOWLISTABLE = frozenset({"url_address_loopback", "url_address_private"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_HOST_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on a URL; when ``ok``, ``addresses`` are the vetted addresses to connect to."""

    code: str | None = None
    scheme: str = ""
    host: str = ""
    port: int = 0
    addresses: tuple[IPAddress, ...] = ()
    detail: str = field(default="", compare=False)  # for logs only: the offending address or entry

    @property
    def ok(self) -> bool:
        return self.code is None

    @property
    def message(self) -> str | None:
        return None if self.code is None else REFUSALS[self.code]


@dataclass(frozen=True, slots=True)
class Allowlist:
    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "Allowlist":
        """CIDRs (``10.20.0.0/16``), single addresses or exact host names; ``ValueError`` on anything else."""
        networks, hosts = [], set()
        for entry in entries:
            text = entry.strip().lower()
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
                continue
            except ValueError:
                pass
            name = _normalise_name(text)
            if name is None or _looks_numeric(name):
                raise ValueError(f"not a CIDR, address or host name: {entry!r}")
            hosts.add(name)
        return cls(tuple(networks), frozenset(hosts))

    def covers(self, address: IPAddress) -> bool:
        return any(candidate in network for candidate in _with_embedded(address) for network in self.networks)


def _normalise_name(host: str) -> str | None:
    name = host.lower().removesuffix(".")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = name.split(".")
    if len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    return name


def _looks_numeric(name: str) -> bool:
    """The WHATWG URL rule: a host whose last label is a number is an IPv4 address, canonical or not."""
    return bool(_NUMERIC_LABEL.fullmatch(name.rsplit(".", 1)[-1]))


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = [address.ipv4_mapped, address.sixtofour]
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [item for item in found if item is not None]


def _with_embedded(address: IPAddress) -> list[IPAddress]:
    return [address, *_embedded_ipv4(address)]


def address_category(address: IPAddress) -> str | None:
    """The refusal code for ``address`` before any allowlist, or ``None`` for a public address."""
    for candidate in _with_embedded(address):
        if candidate in METADATA_ADDRESSES:
            return "url_address_metadata"
    for candidate in _with_embedded(address):
        for code, networks in _CATEGORIES:
            if any(candidate in network for network in networks):
                return code
    return None


def _judge(address: IPAddress, *, allowlist: Allowlist, host_allowlisted: bool) -> str | None:
    code = address_category(address)
    if code in _ALLOWLISTABLE and (host_allowlisted or allowlist.covers(address)):
        return None
    return code


def _parse_literal(host: str) -> IPAddress | None:
    """The address of an IP-literal host, ``None`` for a DNS name; ``ValueError`` for a non-canonical number."""
    if ":" in host:
        return ipaddress.IPv6Address(host)
    if not _looks_numeric(host.removesuffix(".")):
        return None
    address = ipaddress.IPv4Address(host)
    if str(address) != host:
        raise ValueError(f"non-canonical IPv4 literal: {host!r}")
    return address


async def _system_resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    return await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)


async def _resolve(host: str, port: int, resolve: Resolver) -> tuple[IPAddress, ...]:
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            answers = await resolve(host, port)
    except (OSError, TimeoutError, UnicodeError):
        return ()
    found: dict[IPAddress, None] = {}
    try:
        for answer in answers:
            text = str(answer[4][0]).split("%", 1)[0]  # drop an IPv6 scope; the address class decides
            found[ipaddress.ip_address(text)] = None
    except (ValueError, IndexError, TypeError):
        return ()  # an answer we cannot read is no answer
    return tuple(found)


def _parse(url: str) -> httpx.URL | None:
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH or _FORBIDDEN_CHARS.search(url):
        return None
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return None


def _refuse(code: str, parsed: httpx.URL | None = None, detail: str = "") -> CheckResult:
    return CheckResult(code=code, scheme=parsed.scheme if parsed else "", detail=detail)


async def check_url(
    url: str,
    *,
    allowlist: Sequence[str] = (),
    allow_http_for_allowlisted: bool = False,
    resolve: Resolver | None = None,
) -> CheckResult:
    """Vet a subscription URL (see the module docstring); call it at subscription time and before each delivery."""
    parsed = _parse(url)
    if parsed is None:
        return _refuse("url_invalid")
    if parsed.scheme not in ("https", "http"):
        return _refuse("url_not_https", parsed)
    if parsed.userinfo:
        return _refuse("url_userinfo_forbidden", parsed)
    raw_host = parsed.raw_host.decode("ascii")
    if not raw_host:
        return _refuse("url_host_missing", parsed)
    port = (443 if parsed.scheme == "https" else 80) if parsed.port is None else parsed.port
    if not 1 <= port <= 65535:
        return _refuse("url_invalid", parsed, str(port))
    rules = Allowlist.parse(allowlist)
    try:
        literal = None if "%" in raw_host else _parse_literal(raw_host)
    except ValueError:
        return _refuse("url_host_invalid", parsed, raw_host)
    if literal is None:
        return await _check_name(parsed, raw_host, port, rules, allow_http_for_allowlisted, resolve or _system_resolve)
    if parsed.scheme == "http" and not (allow_http_for_allowlisted and rules.covers(literal)):
        return _refuse("url_not_https", parsed)
    return _verdict(parsed, raw_host.lower(), port, (literal,), rules, host_allowlisted=False)


async def _check_name(
    parsed: httpx.URL, raw_host: str, port: int, rules: Allowlist, allow_http: bool, resolve: Resolver
) -> CheckResult:
    name = _normalise_name(raw_host)
    if name is None:
        return _refuse("url_host_invalid", parsed, raw_host)
    if name in METADATA_HOSTS:
        return _refuse("url_address_metadata", parsed, name)
    named = name in rules.hosts
    if parsed.scheme == "http" and not (allow_http and named):
        return _refuse("url_not_https", parsed)
    if not named and (name == "localhost" or name.endswith(".localhost")):
        return _refuse("url_address_loopback", parsed, name)
    addresses = await _resolve(name, port, resolve)
    if not addresses:
        return _refuse("url_host_unresolvable", parsed, name)
    return _verdict(parsed, name, port, addresses, rules, host_allowlisted=named)


def _verdict(
    parsed: httpx.URL,
    host: str,
    port: int,
    addresses: tuple[IPAddress, ...],
    rules: Allowlist,
    *,
    host_allowlisted: bool,
) -> CheckResult:
    for address in addresses:
        if code := _judge(address, allowlist=rules, host_allowlisted=host_allowlisted):
            return _refuse(code, parsed, str(address))
    return CheckResult(scheme=parsed.scheme, host=host, port=port, addresses=addresses)
