"""`InstrumentError`, and the checks of single values that word it the same way everywhere: a
problem names the file, the place in it (item, section, scale, line) and what is wrong."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

# Item, scale, section and response-scale ids become column names in CSV and SPSS (.sav) exports:
# SPSS names must start with a letter, allow no hyphens and are at most 64 bytes.
ID_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")


class InstrumentError(Exception):
    """A definition that cannot be used, with the file, the place in it and the problem.

    The message reads like `stock-take-v1.yaml: item "trust3": reverse key on an open question`
    so that an OD lead editing YAML can find the line without reading a traceback.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        item: str | None = None,
        section: str | None = None,
        scale: str | None = None,
        response_scale: str | None = None,
        line: int | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.item = item
        self.section = section
        self.scale = scale
        self.response_scale = response_scale
        self.line = line
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(f"line {self.line}")
        # The item id is unique in the whole instrument, so it locates the problem on its own.
        if self.item is not None:
            parts.append(f'item "{self.item}"')
        elif self.section is not None:
            parts.append(f'section "{self.section}"')
        if self.scale is not None:
            parts.append(f'scale "{self.scale}"')
        if self.response_scale is not None:
            parts.append(f'response scale "{self.response_scale}"')
        parts.append(self.problem)
        return ": ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments do not survive the default Exception pickling (pytest-xdist and
        # multiprocessing pass errors between processes).
        rebuild = functools.partial(
            type(self),
            self.source,
            self.problem,
            item=self.item,
            section=self.section,
            scale=self.scale,
            response_scale=self.response_scale,
            line=self.line,
        )
        return (rebuild, ())


def known_names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "(none)"


def shown(value: Any) -> str:
    """A value from the file as an author would recognise it: names in double quotes."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def text_of(
    raw: Mapping[str, Any], key: str, *, required: bool, fail: Callable[[str], InstrumentError]
) -> str:
    if key not in raw or raw[key] is None:
        if required:
            raise fail(f'missing required key "{key}"')
        return ""
    value = raw[key]
    if not isinstance(value, str):
        # YAML reads an unquoted No, Yes, Off or 1 as a boolean or number, not as wording.
        raise fail(f'"{key}" must be text, not {shown(value)} (put it in quotes)')
    value = value.strip()
    if not value:
        raise fail(f'"{key}" is empty')
    return value


def prefixed(
    fail: Callable[[str], InstrumentError], prefix: str
) -> Callable[[str], InstrumentError]:
    """`fail`, with a position ("option 2", "section 3") put before the problem."""

    def prefixed_fail(problem: str) -> InstrumentError:
        return fail(f"{prefix}: {problem}")

    return prefixed_fail


def checked_id(value: Any, fail: Callable[[str], InstrumentError], what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise fail(
            f"{what} id {shown(value)} must be lower case letters, digits and underscores, "
            "starting with a letter (at most 64)"
        )
    return value


def mapping_of(value: Any, fail: Callable[[str], InstrumentError], what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(f"{what} must be a mapping of keys to values")
    return value
