"""The house style every chart shares, and drawing a chart to SVG on the server.

Feature apps draw their own charts (reports, outcomes' SPC charts, workshops' meeting trends) with
Altair; the fonts, colours and width live here so that they look alike and so that no app imports
another's charts to borrow a colour (docs/style.md).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vl_convert
from django.core.cache import caches

FONT = "Arial, Liberation Sans, Helvetica, sans-serif"
NHS_BLUE = "#005eb8"
NHS_DARK_GREY = "#425563"
WIDTH = 560


def configure(chart: Any) -> Any:
    """The house font, axis label sizes and no frame round the plot."""
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=320)
        .configure_view(stroke=None)
    )


# Bump when `_draw` changes what it makes of the same specification (a new vl-convert is a new
# key by itself).
DRAWING_VERSION = "1"
_VL_CONVERT = importlib.metadata.version("vl-convert-python")


def to_svg(chart: Any) -> str:
    """The chart as an SVG fragment that can sit inside HTML (no XML prolog).

    Drawing is the slow part of a report page (vl-convert takes 0.1–0.5 s a chart), so each
    drawing is kept in the "charts" cache under a hash of the chart's full specification, data
    included: the same figures are drawn once, by whichever process asks first (the worker warms
    a report when its wave closes or is released), and a change in any figure is a new key, so a
    kept drawing can never be out of date. Altair's schema check is skipped: vl-convert refuses an
    invalid specification anyway, and the check cost more than drawing a small chart.
    """
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else chart
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    key = "svg:" + hashlib.sha256(f"{DRAWING_VERSION}|{_VL_CONVERT}|{text}".encode()).hexdigest()
    cache = caches["charts"]
    svg: str | None = cache.get(key)
    if svg is None:
        svg = _draw(spec)
        cache.set(key, svg)
    return svg


def drawn(name: str, inputs: Any, chart: Callable[[Any], Any]) -> str | None:
    """`to_svg(chart(inputs))`, or None when `chart` has nothing to draw — kept by `inputs`.

    Building the specification with Altair costs more than looking a drawing up (a report's
    dozen charts took 0.1–0.2 s), so a chart whose figures (`inputs`: plain JSON-able data,
    everything `chart` reads) were drawn before is not built again. The key also holds the
    source of this module and of `chart`'s module, so a change to how charts are drawn draws
    them again rather than serving the old look.
    """
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)
    code = _source_hash(chart.__module__)
    key = "chart:" + hashlib.sha256(f"{name}|{code}|{text}".encode()).hexdigest()
    cache = caches["charts"]
    svg: str | None = cache.get(key)
    if svg is None:
        spec = chart(inputs)
        svg = to_svg(spec) if spec is not None else ""
        cache.set(key, svg)
    return svg or None


@functools.cache
def _source_hash(module: str) -> str:
    digest = hashlib.sha256(_VL_CONVERT.encode())
    for name in (__name__, module):
        source = importlib.util.find_spec(name)
        origin = source.origin if source is not None else None
        digest.update(Path(origin).read_bytes() if origin else name.encode())
    return digest.hexdigest()[:16]


def _draw(spec: dict[str, Any]) -> str:
    svg = vl_convert.vegalite_to_svg(spec)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # A layer with nothing to draw (every bar suppressed below k, say) is still written as a
    # "graphics-symbol" group with no content and no name, which screen readers announce as an
    # unnamed image (axe: svg-img-alt). Nothing is there, so it is given no role.
    return _EMPTY_GROUP.sub(_without_role, svg)


_EMPTY_GROUP = re.compile(r"<g(\s[^>]*?)(?:\s*/>|>\s*</g>)")
_ROLE = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def _without_role(match: re.Match[str]) -> str:
    return f"<g{_ROLE.sub('', match.group(1))}></g>"
