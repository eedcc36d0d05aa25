"""API: who the caller is. The programme endpoints live in each app's own `api.py`."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema

from tandem.api.schemas import AUTH_ERRORS, ApiRequest

router = Router(tags=["you"])


class TokenOut(Schema):
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime


class MeOut(Schema):
    email: str
    name: str
    authenticated_by: str = Field(description='"token" or "session".')
    token: TokenOut | None = Field(description="The token this request used, if any.")


@router.get("/me", response={200: MeOut, **AUTH_ERRORS}, summary="Who you are", url_name="me")
def me(request: ApiRequest) -> Any:
    token = getattr(request, "api_token", None)
    user: Any = request.auth
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "authenticated_by": "token" if token is not None else "session",
        "token": None
        if token is None
        else {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        },
    }
