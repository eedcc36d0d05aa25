"""`tandem api token create|list|revoke`: personal API tokens from the command line.

For an administrator setting up an integration (or a person without a browser at hand). The
token is printed once, like on the web page; creation and revocation are audited with
`via: "cli"` and no acting user.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from tandem.api.limits import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS
from tandem.cli.base import CommandError

if TYPE_CHECKING:
    from tandem.registry import CliGroups


def _user(email: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No account has the e-mail address “{email}”.")
    return user


def cmd_create(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tandem.api.services import api_token_create

    user = _user(args.email)
    try:
        created = api_token_create(user=user, name=args.name, days=args.days, via="cli")
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    token = created.token
    if args.json:
        print(
            json.dumps(
                {
                    "id": token.pk,
                    "email": user.email,
                    "name": token.name,
                    "prefix": token.prefix,
                    "expires_at": token.expires_at.isoformat(),
                    "token": created.raw,
                },
                indent=2,
            )
        )
    else:
        print(created.raw)
        print(
            f"Token “{token.name}” for {user.email}, expires {token.expires_at:%d %B %Y}. "
            "This is the only time it is shown.",
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from tandem.api.selectors import tokens_for

    user = _user(args.email)
    now = timezone.now()
    rows = [
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "status": token.status_label(now).lower(),
            "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        }
        for token in tokens_for(viewer=user)
    ]
    if args.json:
        print(json.dumps({"email": user.email, "tokens": rows}, indent=2))
    else:
        for row in rows:
            print(
                f"{row['id']}\t{row['prefix']}…\t{row['status']}\t{row['expires_at']}\t{row['name']}"
            )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from tandem.api.selectors import tokens_for
    from tandem.api.services import api_token_revoke

    user = _user(args.email)
    tokens = tokens_for(viewer=user)
    if args.id is not None:
        tokens = tokens.filter(pk=args.id)
    else:
        tokens = tokens.filter(prefix=args.prefix.rstrip("…"))
    found = list(tokens)
    if not found:
        raise CommandError(f"{user.email} has no such token (see `tandem api token list`).")
    if len(found) > 1:
        raise CommandError("More than one token starts like that: give its --id instead.")
    token = api_token_revoke(token=found[0], via="cli")
    print(f"Revoked “{token.name}” ({token.prefix}…) for {user.email}.")
    return 0


def add_parser(subparsers: Any) -> None:
    """Add `api token create|list|revoke` to the `tandem` command's subcommands."""
    api = subparsers.add_parser("api", help="the HTTP API").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    token = api.add_parser("token", help="personal API tokens").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    create = token.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--email", required=True, help="the account the token acts as")
    create.add_argument("--name", required=True, help="what the token is for")
    create.add_argument(
        "--days",
        type=int,
        default=DEFAULT_TOKEN_DAYS,
        help=f"days until it expires, 1 to {MAX_TOKEN_DAYS} (default {DEFAULT_TOKEN_DAYS})",
    )
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_create)
    listing = token.add_parser("list", help="a person's tokens (never the tokens themselves)")
    listing.add_argument("--email", required=True)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)
    revoke = token.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("--email", required=True)
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, help="the token's id (from `list`)")
    which.add_argument("--prefix", help="the token's first characters, e.g. tandem_AbC123")
    revoke.set_defaults(func=cmd_revoke)


def add_commands(groups: CliGroups) -> None:
    """Add `api token create|list|revoke` to the `tandem` command (registered as this app's `cli`)."""
    add_parser(groups.commands)
