"""The routers that make up /api/v1/: the core's here, each domain app's from the registry.

An app keeps its endpoints in its own `api.py` (`router = Router(tags=[...])`) and names that
module as `api_router` in its registration (tandem.registry; ARCHITECTURE.md, "The HTTP API").
"""

from __future__ import annotations

CORE_ROUTERS: tuple[str, ...] = ("tandem.api.endpoints", "tandem.programmes.api")


def routers() -> tuple[str, ...]:
    from tandem.registry import api_routers

    return (*CORE_ROUTERS, *api_routers())
