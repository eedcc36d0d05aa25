"""Each app says what it holds about a person, and how to erase their part of it.

The subject-access export and erasure walk every registered hook, so an app added later (workshops,
networks, outcomes…) takes part by registering its own in its `AppConfig.ready()`:

    from tandem.gdpr.registry import register

    register(
        "workshops",
        export=lambda person, context: {"attendance": [...rows...]},
        erase=lambda person, context: {"observation notes blanked": n},
    )

`export(person, context)` returns {section name: list of dicts (a table) or a dict}; each section
becomes `<app>/<section>.json` (and `.csv` for a table) in the zip. `erase(person, context)`
removes the person's free text and anything else that identifies them beyond their name (which the
core pseudonymises), keeps what aggregates need, and returns {what: how many} for the report.
Both run inside the transaction of the export or erasure.

`purge(programme, context)`, optional, removes what the app keeps for a programme whose retention
period has ended beyond what erasing its people covers (e.g. uploaded files), and returns
{what: how many}; `tandem gdpr purge --apply` runs it inside the purge's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Section = list[dict[str, Any]] | dict[str, Any]
ExportHook = Callable[[Any, "GdprContext"], dict[str, Section]]
EraseHook = Callable[[Any, "GdprContext"], dict[str, int]]
PurgeHook = Callable[[Any, "GdprContext"], dict[str, int]]


@dataclass
class GdprContext:
    """What a hook may need to know: who asked, and whether confidential notes may be decrypted."""

    actor: Any = None
    # The person's own coaching notes are theirs to have; a lead's download leaves them out,
    # since the lead may never read notes (docs/design.md). The command line (run by the data
    # protection officer for the person) includes them.
    include_confidential_notes: bool = False
    notes: list[str] = field(default_factory=list)  # lines for the zip's README


@dataclass(frozen=True)
class GdprHooks:
    name: str
    export: ExportHook | None = None
    erase: EraseHook | None = None
    purge: PurgeHook | None = None


_HOOKS: dict[str, GdprHooks] = {}


def register(
    name: str,
    *,
    export: ExportHook | None = None,
    erase: EraseHook | None = None,
    purge: PurgeHook | None = None,
) -> None:
    _HOOKS[name] = GdprHooks(name=name, export=export, erase=erase, purge=purge)


def unregister(name: str) -> None:
    _HOOKS.pop(name, None)


def registered() -> list[GdprHooks]:
    return list(_HOOKS.values())
