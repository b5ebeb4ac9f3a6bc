"""Which URLs may be fetched, and to which addresses a connection may go.

A crawler that follows links and redirects from pages it does not control must not become a
way into the machine's own network (SSRF): a page on a public site can redirect to
``http://127.0.0.1:8080/admin`` or to a cloud metadata address. So every host is resolved and
every address it resolves to must be public, checked twice:

- before each request, for every redirect hop (:meth:`AddressPolicy.check_url`), which gives
  a clear reason in the manifest;
- again when the connection is opened (:class:`GuardedBackend`), against the addresses that
  are actually dialled, so a name that resolves to a public address for the check and to a
  private one a moment later (DNS rebinding) is still refused.

``allow_private`` lifts the rule for tests and intranets; ``allow_hosts`` lifts it for
named hosts only.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio
import httpcore
from httpcore import AsyncNetworkStream

from pipeline.fetch.urls import UnsafeURLError, split_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

__all__ = ["AddressPolicy", "GuardedBackend", "UnsafeURLError", "is_public_address"]


def is_public_address(ip: IPAddress) -> bool:
    """True for a globally routable unicast address.

    >>> is_public_address(ipaddress.ip_address("93.184.216.34"))
    True
    >>> [is_public_address(ipaddress.ip_address(a)) for a in
    ...  ("127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:192.168.0.1", "0.0.0.0")]
    [False, False, False, False, False, False]
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local
        or ip.is_loopback or ip.is_private
    )


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    allow_private: bool = False
    allow_hosts: frozenset[str] = field(default_factory=frozenset)

    def trusts(self, host: str) -> bool:
        return self.allow_private or host.lower().strip("[]") in self.allow_hosts

    def vet(self, host: str, addresses: Iterable[str]) -> list[str]:
        """The addresses, if every one may be contacted; UnsafeURLError otherwise.

        All of them, not just the first: which one a connection ends up using is not ours
        to choose once the name is handed to the resolver.
        """
        found = list(dict.fromkeys(addresses))
        if not found:
            raise UnsafeURLError(f"{host} does not resolve to any address")
        if self.trusts(host):
            return found
        for addr in found:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            if not is_public_address(ip):
                raise UnsafeURLError(
                    f"{host} resolves to the non-public address {addr} "
                    "(use --allow-private or --allow-host to permit it)")
        return found

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, vetted."""
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise UnsafeURLError(f"cannot resolve {host}: {exc}") from exc
        return self.vet(host, (str(info[4][0]) for info in infos))

    async def check_url(self, url: str) -> None:
        """Refuse a URL that is not http(s) or whose host resolves to a non-public address."""
        host, port = split_url(url)
        await self.resolve(host, port)


class GuardedBackend(httpcore.AnyIOBackend):
    """httpcore's network backend, dialling only addresses the policy has vetted."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        addresses = await self.policy.resolve(host, port)
        error: Exception | None = None
        for address in addresses:
            try:
                return await super().connect_tcp(address, port, timeout, local_address,
                                                  socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error
