"""Charts as SVG: an empty layer is not announced as an unnamed image (axe svg-img-alt)."""

from __future__ import annotations

from types import SimpleNamespace

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


def test_a_chart_is_drawn_once_and_any_change_in_its_figures_draws_it_again(monkeypatch) -> None:
    from tandem import charts

    drawn: list[object] = []
    real_draw = charts._draw

    def counting_draw(spec):  # type: ignore[no-untyped-def]
        drawn.append(spec)
        return real_draw(spec)

    monkeypatch.setattr(charts, "_draw", counting_draw)

    def bars(values: list[float]) -> alt.Chart:
        frame = pd.DataFrame({"scale": ["Trust", "Respect"], "mean": values})
        return alt.Chart(frame).mark_bar().encode(x="mean:Q", y="scale:N")

    first = to_svg(bars([3.25, 4.1]))
    again = to_svg(bars([3.25, 4.1]))
    assert again == first and len(drawn) == 1  # the same figures: the kept drawing
    changed = to_svg(bars([3.25, 4.2]))  # one figure moved by a tenth
    assert len(drawn) == 2 and changed != first


def test_the_worker_draws_a_report_s_charts_when_its_wave_closes(
    demo, lead_client, monkeypatch
) -> None:
    from tandem import charts
    from tandem.reports.tasks import draw_report_charts
    from tandem.surveys.models import Wave

    wave = Wave.objects.get(programme=demo.programme, title="Repeat stock take")
    draw_report_charts.call(wave.pk)  # what closing or releasing the wave queues
    drawn: list[object] = []
    monkeypatch.setattr(charts, "_draw", lambda spec: drawn.append(spec) or "<svg></svg>")
    page = lead_client.get(f"/programmes/{demo.programme.slug}/reports/waves/{wave.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count("<svg") >= 3  # the means, the heatmap, the items
    assert drawn == [], "the first reader after the worker ran waited for a drawing"


def test_closing_or_releasing_a_wave_queues_its_drawing_after_the_commit(
    demo, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from tandem.reports import tasks
    from tandem.surveys import services
    from tandem.surveys.models import Wave

    queued: list[int] = []
    stand_in = SimpleNamespace(enqueue=queued.append)
    monkeypatch.setattr(tasks, "draw_report_charts", stand_in)
    wave = Wave.objects.get(programme=demo.programme, title="Repeat stock take")
    with django_capture_on_commit_callbacks(execute=True):
        services.wave_withdraw(wave=wave)
        services.wave_release(wave=wave, actor=None)
        assert queued == []  # nothing before the commit: the worker must see the new state
    assert set(queued) == {wave.pk}


def test_a_report_s_kept_charts_are_the_charts_its_figures_draw(demo) -> None:
    from tandem.reports import charts as report_charts
    from tandem.reports.feedback import build_comparison, build_feedback
    from tandem.surveys.models import Wave

    baseline = Wave.objects.get(programme=demo.programme, title="Baseline stock take")
    repeat = Wave.objects.get(programme=demo.programme, title="Repeat stock take")
    report = build_feedback(baseline)
    for _ in range(2):  # drawn, then kept
        kept = report_charts.feedback_charts(report)
        assert kept["means"] == to_svg(report_charts.scale_means_spec(report))
        assert kept["heatmap"] == to_svg(report_charts.heatmap_spec(report))
        assert kept["items"] and all(
            svg == to_svg(report_charts.item_bars_spec(report, title))
            for title, svg in kept["items"].items()
        )
    comparison = build_comparison(baseline, repeat)
    assert report_charts.comparison_charts(comparison)["change"] == to_svg(
        report_charts.change_spec(comparison)
    )


def test_charts_with_different_figures_are_kept_apart(monkeypatch) -> None:
    from tandem import charts

    built: list[object] = []

    def chart(inputs):  # type: ignore[no-untyped-def]
        built.append(inputs)
        frame = pd.DataFrame(inputs["rows"])
        return alt.Chart(frame).mark_bar().encode(x="mean:Q", y="scale:N") if len(frame) else None

    one = {"rows": [{"scale": "Trust", "mean": 3.5}]}
    other = {"rows": [{"scale": "Trust", "mean": 3.6}]}
    first = charts.drawn("test.bars", one, chart)
    assert charts.drawn("test.bars", one, chart) == first and len(built) == 1
    assert charts.drawn("test.bars", other, chart) != first and len(built) == 2
    assert charts.drawn("test.bars", {"rows": []}, chart) is None  # nothing to draw
    assert charts.drawn("test.bars", {"rows": []}, chart) is None and len(built) == 3


def test_an_install_can_leave_the_drawing_to_the_first_reader(
    demo, monkeypatch, settings, django_capture_on_commit_callbacks
) -> None:
    from tandem.reports import tasks
    from tandem.surveys import services
    from tandem.surveys.models import Wave

    settings.TANDEM_DRAW_REPORTS_AHEAD = False
    queued: list[int] = []
    monkeypatch.setattr(tasks, "draw_report_charts", SimpleNamespace(enqueue=queued.append))
    wave = Wave.objects.get(programme=demo.programme, title="Repeat stock take")
    with django_capture_on_commit_callbacks(execute=True):
        services.wave_withdraw(wave=wave)
        services.wave_release(wave=wave, actor=None)
    assert queued == []
