"""Charts as SVG: an empty layer is not announced as an unnamed image (axe svg-img-alt)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tandem.charts import to_svg


def test_an_empty_layer_has_no_role_and_a_drawn_one_keeps_its_own() -> None:
    drawn = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(x="x", y="y")
    empty = alt.Chart(pd.DataFrame({"x": [], "y": []})).mark_rule().encode(x="x:N")
    svg = to_svg(alt.layer(drawn, empty))
    groups = svg.split("<g")
    empty_groups = [g for g in groups if g.split(">", 1)[1].startswith("</g>")]
    assert empty_groups, "the empty layer is still drawn as a group"
    assert not any('role="graphics-symbol"' in g.split(">", 1)[0] for g in empty_groups)
    # The bars are still there, each with its own description for screen readers.
    assert svg.count('role="graphics-symbol"') >= 1
    assert 'aria-roledescription="bar"' in svg
