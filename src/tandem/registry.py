"""What each domain app adds to the whole, declared in one place (docs/design.md, "Apps plug
into one registry").

A feature app (surveys, reports, coding, coaching, typology, networks, outcomes, workshops)
registers an `AppContribution` from its `AppConfig.ready()`:

    from tandem.registry import AppContribution, NavEntry, register

    register(AppContribution(
        name="outcomes",
        nav=(NavEntry("Service outcomes", "outcomes:index", visible=lambda a: a.has(LEAD, SPONSOR,
             PARTICIPANT), description="KPIs as SPC charts, with the programme's milestones"),),
        next_steps=outcomes_next_steps,          # Access -> list[NextStep]
        api_router="tandem.outcomes.api",        # a django-ninja Router in that module
        cli=add_outcomes_commands,               # CliGroups -> None
        demo=seed_outcomes, demo_order=50,       # Programme -> None, in order
        gdpr_export=..., gdpr_erase=..., gdpr_purge=...,
    ))

The core builds the programme's navigation, a person's "what to do next", the API, the `tandem`
command and the demo from what is registered, and so never imports a feature app. A link is
drawn only for a viewer its `visible` predicate admits: nobody is shown a page that would refuse
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    import argparse

    from tandem.programmes.access import Access


@dataclass(frozen=True)
class NavEntry:
    """One link of a programme's navigation: its label, its URL name (reversed with the slug)."""

    label: str
    url_name: str
    visible: Callable[[Access], bool]
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class NextStep:
    """Something the viewer should do now: answer a questionnaire, book a session, an action due.

    `group` heads a list of like steps on the programme page ("Questionnaires for you").
    """

    text: str
    url: str
    group: str
    due: dt.date | None = None
    urgent: bool = False
    # A step of the lead's plan ("Open the baseline stock take"): `rank` orders the plan by the
    # programme's stages (lower first); the first few are drawn as buttons.
    rank: int = 100


# The group the programme lead's plan steps are listed under on the programme page.
PLAN = "What to do next"


@dataclass(frozen=True)
class CliGroups:
    """The `tandem` command's groups an app may add sub-commands to."""

    commands: argparse._SubParsersAction[argparse.ArgumentParser]
    imports: argparse._SubParsersAction[argparse.ArgumentParser]
    analyse: argparse._SubParsersAction[argparse.ArgumentParser]
    report: argparse._SubParsersAction[argparse.ArgumentParser]


@dataclass(frozen=True)
class AppContribution:
    name: str
    nav: tuple[NavEntry, ...] = ()
    next_steps: Callable[[Access], list[NextStep]] | None = None
    api_router: str | None = None
    cli: Callable[[CliGroups], None] | None = None
    demo: Callable[..., Any] | None = None  # called as demo(programme=…)
    demo_order: int = 100
    gdpr_export: Callable[..., Any] | None = None
    gdpr_erase: Callable[..., Any] | None = None
    gdpr_purge: Callable[..., Any] | None = None
    # A new programme's share of what the app owns, inside the starting service's transaction:
    # `programme_plan(programme=…, plan=…, actor=…)` from a template's `ProgrammePlan`
    # (tandem.programmes.plans), `programme_copy(source=…, target=…, shift=…, actor=…)` from an
    # earlier programme, dates moved by `shift` (a timedelta). Structure only: nothing personal.
    programme_plan: Callable[..., Any] | None = None
    programme_copy: Callable[..., Any] | None = None
    # `participant_left(participant=…)`: someone left part-way through (their future invitations
    # go; what they gave stays).
    participant_left: Callable[..., Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def lazy(path: str) -> Callable[..., Any]:
    """`"package.module:function"` as a callable that imports it only when called.

    Registration runs in every process at start-up; a demo step or a command that pulls in
    pandas or scipy should cost nothing until it is used.
    """
    module_name, _, attribute = path.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        from importlib import import_module

        return getattr(import_module(module_name), attribute)(*args, **kwargs)

    call.__qualname__ = call.__name__ = attribute
    return call


_REGISTERED: dict[str, AppContribution] = {}


def register(contribution: AppContribution) -> None:
    """Add (or replace, on a reload) an app's contribution; its GDPR hooks join the GDPR registry."""
    _REGISTERED[contribution.name] = contribution
    if contribution.gdpr_export or contribution.gdpr_erase or contribution.gdpr_purge:
        from tandem.gdpr.registry import register as register_gdpr

        register_gdpr(
            contribution.name,
            export=contribution.gdpr_export,
            erase=contribution.gdpr_erase,
            purge=contribution.gdpr_purge,
        )


def unregister(name: str) -> None:
    """Take an app out again (tests that plug a throwaway app in)."""
    _REGISTERED.pop(name, None)
    from tandem.gdpr.registry import unregister as unregister_gdpr

    unregister_gdpr(name)


def contributions() -> list[AppContribution]:
    return list(_REGISTERED.values())


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    description: str


def navigation(access: Access, entries: Iterable[NavEntry] | None = None) -> list[NavLink]:
    """The programme's links this viewer may follow, in order."""
    if not access.is_member:
        return []
    found = sorted(
        entries
        if entries is not None
        else (entry for app in _REGISTERED.values() for entry in app.nav),
        key=lambda entry: (entry.order, entry.label),
    )
    return [
        NavLink(
            entry.label, reverse(entry.url_name, args=[access.programme.slug]), entry.description
        )
        for entry in found
        if entry.visible(access)
    ]


def next_steps(access: Access) -> list[NextStep]:
    """Everything every app asks of this viewer now, most urgent and soonest first."""
    if not access.is_member:
        return []
    steps = [
        step
        for app in _REGISTERED.values()
        if app.next_steps is not None
        for step in app.next_steps(access)
    ]
    return sorted(steps, key=lambda s: (not s.urgent, s.rank, s.due or dt.date.max, s.text))


def api_routers() -> list[str]:
    return [app.api_router for app in _REGISTERED.values() if app.api_router]


def add_cli_commands(groups: CliGroups) -> None:
    for app in _REGISTERED.values():
        if app.cli is not None:
            app.cli(groups)


def programme_plan_steps() -> list[Callable[..., Any]]:
    return [app.programme_plan for app in _REGISTERED.values() if app.programme_plan is not None]


def participant_left_steps() -> list[Callable[..., Any]]:
    return [
        app.participant_left for app in _REGISTERED.values() if app.participant_left is not None
    ]


def programme_copy_steps() -> list[Callable[..., Any]]:
    return [app.programme_copy for app in _REGISTERED.values() if app.programme_copy is not None]


def demo_steps() -> list[tuple[str, Callable[..., Any]]]:
    ordered = sorted(
        (app for app in _REGISTERED.values() if app.demo is not None),
        key=lambda app: (app.demo_order, app.name),
    )
    return [(app.name, app.demo) for app in ordered if app.demo is not None]
