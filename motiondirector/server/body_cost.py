"""The rate-limit cost of a request's body, as a FastAPI dependency.

Admission (`ServerContext.caller`) takes a request's first token; this dependency reads the
body (FastAPI has read it already for the route and keeps it) and takes the tokens its size
costs beyond that (`Guard.cost`). It must not read anything but the body's size.
"""

# No `from __future__ import annotations`: FastAPI reads the dependency's annotations, which
# name a local (`caller`), at runtime.
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from motiondirector.server.guard import Guard


def body_cost(guard: Guard, caller: Callable[..., str]) -> Callable[..., Awaitable[None]]:
    """A dependency for routes that take a body: 429 when the caller's bucket does not hold
    what the body costs beyond the request's first token."""

    async def charge_body(request: Request, who: Annotated[str, Depends(caller)]) -> None:
        guard.throttle(who, guard.cost(len(await request.body())) - 1)

    return charge_body
