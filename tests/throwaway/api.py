"""A throwaway app's API router, for tests/test_registry.py."""

from typing import Any

from ninja import Router

router = Router(tags=["throwaway"])


@router.get("/throwaway/ping", summary="A throwaway endpoint")
def ping(request: Any) -> Any:
    return {"pong": True}
