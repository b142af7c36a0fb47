"""CNAME delegation of ``_acme-challenge`` names: where the TXT record really has to go."""

from __future__ import annotations

from collections.abc import Callable

from certbot_dns_dnscale._internal.zones import normalize_name

MAX_CNAME_HOPS = 8


class DelegationError(Exception):
    """The CNAME chain loops or is too long to follow."""


def follow_cnames(
    name: str,
    cname_target: Callable[[str], str | None],
    *,
    lookup_error: type[Exception] = LookupError,
) -> list[str]:
    """The chain from ``name`` to its final target: ``[name]`` when it is no CNAME.

    ``cname_target`` answers one hop (None: not a CNAME). Loops and chains longer than
    MAX_CNAME_HOPS are refused rather than followed. A ``lookup_error`` at the first hop is
    raised; past it the target is known, and a resolver that cannot say whether it is delegated
    further most likely does not serve it at all: the chain ends there.
    """
    chain = [normalize_name(name)]
    while True:
        try:
            target = cname_target(chain[-1])
        except lookup_error:
            if len(chain) == 1:
                raise
            return chain
        if target is None:
            return chain
        target = normalize_name(target)
        if target in chain:
            raise DelegationError(f"CNAME loop: {describe([*chain, target])}")
        chain.append(target)
        if len(chain) > MAX_CNAME_HOPS + 1:
            raise DelegationError(f"more than {MAX_CNAME_HOPS} CNAMEs: {describe(chain)}")


def describe(chain: list[str]) -> str:
    return " -> ".join(chain)
