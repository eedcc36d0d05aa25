"""The house style every chart shares, and drawing a chart to SVG on the server.

Feature apps draw their own charts (reports, outcomes' SPC charts, workshops' meeting trends) with
Altair; the fonts, colours and width live here so that they look alike and so that no app imports
another's charts to borrow a colour (docs/style.md).
"""

from __future__ import annotations

import re
from typing import Any

import vl_convert

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


def to_svg(chart: Any) -> str:
    """The chart as an SVG fragment that can sit inside HTML (no XML prolog)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # A layer with nothing to draw (every bar suppressed below k, say) is still written as a
    # "graphics-symbol" group with no content and no name, which screen readers announce as an
    # unnamed image (axe: svg-img-alt). Nothing is there, so it is given no role.
    return _EMPTY_GROUP.sub(_without_role, svg)


_EMPTY_GROUP = re.compile(r"<g(\s[^>]*?)(?:\s*/>|>\s*</g>)")
_ROLE = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def _without_role(match: re.Match[str]) -> str:
    return f"<g{_ROLE.sub('', match.group(1))}></g>"
