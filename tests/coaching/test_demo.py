"""The demo's coaching: what a visitor sees when logged in as each role."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tandem.coaching import selectors
from tandem.coaching.demo import NOTES, PRIVATE_THEME, seed_coaching
from tandem.coaching.models import CoachingNote, CoachingPlan, ProgressRating

from ..conftest import participant_named


@pytest.fixture
def seeded(demo):
    seed_coaching(programme=demo.programme)
    return demo


def lead_view(demo):
    return selectors.programme_coaching(
        viewer=participant_named(demo, "Priya Sandhu").person.user, programme=demo.programme
    )


def test_everyone_has_a_plan_doctors_with_nadia_and_managers_with_owen(seeded) -> None:
    coaches = {
        (p.coachee.person.profession, p.coach.person.name)
        for p in CoachingPlan.objects.filter(programme=seeded.programme)
    }
    assert CoachingPlan.objects.filter(programme=seeded.programme).count() == 24
    assert coaches == {("doctor", "Nadia Foster"), ("manager", "Owen Price")}


def test_one_plan_has_stalled_and_three_have_a_session_still_to_come(seeded) -> None:
    rows = [row for row in lead_view(seeded).rows if row.state]
    stalled = [r.participant.person.name for r in rows if r.state.is_stalled]
    upcoming = sorted(r.participant.person.name for r in rows if r.state.next_session)
    assert stalled == ["Gail Horsfield"]
    assert upcoming == ["Brian Doyle", "Dr Ben Hartley", "Dr Chloe Whitfield"]


def test_the_demo_has_a_few_notes_goals_and_ratings(seeded) -> None:
    assert CoachingNote.objects.filter(session__plan__programme=seeded.programme).count() == len(
        NOTES
    )
    assert ProgressRating.objects.filter(session__plan__programme=seeded.programme).count() > 100


def test_nadia_reads_amaras_note_and_the_sponsor_sees_progress_without_it(
    seeded, coach_client, sponsor_client
) -> None:
    plan = CoachingPlan.objects.get(coachee__person__name="Dr Amara Okafor")
    first = plan.sessions.filter(attendance="attended").first()
    base = f"/programmes/{seeded.programme.slug}/coaching/plans/{plan.pk}/"
    note_text = str(escape(NOTES[0][3]))  # as the page writes it, apostrophes escaped
    coach_page = coach_client.get(f"{base}sessions/{first.pk}/").content.decode()
    review = sponsor_client.get(f"{base}review/").content.decode()
    assert note_text in coach_page
    assert "Progress on each goal" in review
    assert note_text not in review and PRIVATE_THEME not in review


def test_the_demo_is_the_same_every_time_it_is_built(demo) -> None:
    def build() -> list[tuple[str, int, str]]:
        seed_coaching(programme=demo.programme)
        return sorted(
            ProgressRating.objects.filter(session__plan__programme=demo.programme).values_list(
                "session__plan__coachee__person__name", "rating", "rater"
            )
        )

    first = build()
    CoachingPlan.objects.filter(programme=demo.programme).delete()
    assert build() == first
