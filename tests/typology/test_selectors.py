"""Who sees a type: the person and their coach, then the group only by consent and only above k."""

from __future__ import annotations

import pytest

from tandem.programmes.models import Participant, Role
from tandem.programmes.selectors import ProgrammeNotFound
from tandem.typology import selectors, services
from tandem.typology.models import TypeProfile

from ..conftest import participant_named
from ..factories import ParticipantFactory, ProgrammeFactory

# Taken before the autouse fixture replaces the hook with the tests' own coaching map.
REAL_COACH_OF = selectors.coach_of


def user_of(participant: Participant):
    return participant.person.user


def give_type(participant: Participant, code: str, *, shared: bool = True) -> TypeProfile:
    profile = services.type_external_record(participant=participant, type_code=code, source="MBTI")
    return services.type_share_set(profile=profile, shared=shared)


def test_a_person_sees_their_own_type(amara, answers) -> None:
    services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    view = selectors.personal_profile(viewer=user_of(amara), participant=amara)
    assert view is not None
    assert view.profile.reported_type == "ENTJ"
    assert [row.band for row in view.rows] == ["clear"] * 4


def test_their_coach_sees_it_before_it_is_shared(amara, nadia, coaching, answers) -> None:
    services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    coaching[amara.pk] = nadia
    person = selectors.person_for(
        viewer=user_of(nadia), programme=amara.programme, participant_id=amara.pk
    )
    view = selectors.personal_profile(viewer=user_of(nadia), participant=person)
    assert view is not None and view.profile.reported_type == "ENTJ"


@pytest.mark.parametrize(
    "name", ["Priya Sandhu", "Dr Miriam Achebe", "Nadia Foster", "Anna Kowalski"]
)
def test_nobody_else_in_the_programme_sees_a_type_even_when_shared(demo, amara, name) -> None:
    give_type(amara, "ENTJ", shared=True)
    viewer = user_of(participant_named(demo, name))
    with pytest.raises(selectors.TypeAccessDenied):
        selectors.person_for(viewer=viewer, programme=demo.programme, participant_id=amara.pk)


def test_a_coach_cannot_confirm_best_fit_or_share_for_a_coachee(amara, nadia, coaching) -> None:
    coaching[amara.pk] = nadia
    with pytest.raises(selectors.TypeAccessDenied):
        selectors.person_for(
            viewer=user_of(nadia),
            programme=amara.programme,
            participant_id=amara.pk,
            coach_allowed=False,
        )


def test_someone_outside_the_programme_is_told_it_does_not_exist(demo, amara) -> None:
    outsider = ParticipantFactory(programme=ProgrammeFactory(), role=Role.PROGRAMME_LEAD)
    with pytest.raises(ProgrammeNotFound):
        selectors.person_for(
            viewer=outsider.person.user, programme=demo.programme, participant_id=amara.pk
        )


def test_coach_of_is_nobody_without_a_coaching_plan(demo) -> None:
    stranger = ParticipantFactory(programme=ProgrammeFactory())
    assert REAL_COACH_OF(stranger) is None


def shared_in(demo, count: int) -> list[Participant]:
    people = list(
        Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT).order_by("pk")
    )[:count]
    for person in people:
        give_type(person, "ESTJ")
    return people


def test_team_table_is_absent_when_fewer_than_k_share(demo, amara) -> None:
    shared_in(demo, demo.programme.min_group_size - 1)
    view = selectors.team_table_for(viewer=user_of(amara), programme=demo.programme)
    assert view.k == 5
    assert view.table is None
    assert view.rows == []


def test_team_table_appears_at_k_and_counts_only_shared_types(demo, amara) -> None:
    sharers = shared_in(demo, 5)
    others = Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT).exclude(
        pk__in=[p.pk for p in sharers]
    )[:3]
    for person in others:
        give_type(person, "INFP", shared=False)
    view = selectors.team_table_for(viewer=user_of(amara), programme=demo.programme)
    assert view.table is not None
    assert view.table.n == 5
    assert view.table.by_preference["E"] == 5
    assert view.table.by_preference["I"] == 0
    cells = {cell.type_code: cell.count for row in view.rows for cell in row}
    assert cells["ESTJ"] == 5
    assert cells["INFP"] == 0


def test_withdrawing_consent_takes_a_type_out_of_the_table(demo, amara) -> None:
    sharers = shared_in(demo, 5)
    services.type_share_set(profile=sharers[0].type_profile, shared=False)
    view = selectors.team_table_for(viewer=user_of(amara), programme=demo.programme)
    assert view.table is None


def test_a_pair_card_needs_both_partners_to_share(demo, amara, anna) -> None:
    give_type(amara, "ENTJ", shared=True)
    give_type(anna, "ESFJ", shared=False)
    viewer = user_of(amara)
    assert selectors.pair_cards_for(viewer=viewer, programme=demo.programme).cards == []
    services.type_share_set(profile=anna.type_profile, shared=True)
    cards = selectors.pair_cards_for(viewer=viewer, programme=demo.programme)
    assert len(cards.cards) == 1
    card = cards.cards[0]
    assert (card.doctor.name, card.doctor.type_code) == ("Dr Amara Okafor", "ENTJ")
    assert card.differing == ["Sensing–Intuition", "Thinking–Feeling"]
    assert len(card.tips) == 3
    assert cards.pairs_without_card == 11


def test_an_external_result_is_labelled_on_the_pair_card(demo, amara, anna) -> None:
    give_type(amara, "ENTJ")
    give_type(anna, "ENTJ")
    card = selectors.pair_cards_for(viewer=user_of(amara), programme=demo.programme).cards[0]
    assert card.doctor.external_source == "MBTI"
    # No differences: all three tips speak to what the pair share.
    assert card.differing == []
    assert card.tips[0].startswith("You both think aloud")


def test_the_lead_sees_reliability_and_best_fit_changes_but_no_types(seeded) -> None:
    lead = Participant.objects.get(programme=seeded.programme, role=Role.PROGRAMME_LEAD)
    evidence = selectors.indicator_evidence(viewer=user_of(lead), programme=seeded.programme)
    assert evidence.participants == 24
    assert (evidence.indicator_results, evidence.external_results) == (22, 1)
    assert evidence.changed_any == 3
    assert evidence.changed_by_pair == {"ei": 1, "sn": 0, "tf": 1, "jp": 1}
    assert evidence.resolved == 1
    assert evidence.reliability is not None
    assert all(r.result is not None and r.result.alpha > 0.7 for r in evidence.reliability.values())


def test_reliability_is_withheld_below_k_respondents(demo, amara, answers) -> None:
    services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    lead = Participant.objects.get(programme=demo.programme, role=Role.PROGRAMME_LEAD)
    evidence = selectors.indicator_evidence(viewer=user_of(lead), programme=demo.programme)
    assert evidence.respondents == 1
    assert evidence.reliability is None
    assert evidence.changed_any is None


def test_only_the_lead_sees_the_indicator_evidence(demo, amara) -> None:
    with pytest.raises(selectors.TypeAccessDenied):
        selectors.indicator_evidence(viewer=user_of(amara), programme=demo.programme)


# --- the indicator evidence over time (the disclosure ledger) ------------------------------

TYPES = ["ENTJ", "INFP", "ESTP", "ISFJ", "ENFJ", "ISTP", "ESFP", "INTJ", "ENTP", "ISFP"]


def participants_in_order(demo) -> list[Participant]:
    return list(
        Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT).order_by("pk")
    )


def complete(people: list[Participant], answers, *, confirm: str | None = None) -> None:
    """Each person takes the indicator; with `confirm`, confirms that best fit to its result."""
    for index, person in enumerate(people):
        profile = services.indicator_submit(
            participant=person, answers=answers(TYPES[index % len(TYPES)])
        )
        if confirm is not None:
            services.type_best_fit_confirm(profile=profile, best_fit=confirm)


def evidence_for_lead(demo) -> selectors.IndicatorEvidence:
    lead = Participant.objects.get(programme=demo.programme, role=Role.PROGRAMME_LEAD)
    return selectors.indicator_evidence(viewer=user_of(lead), programme=demo.programme)


def test_indicator_evidence_does_not_move_for_one_more_person_only_for_k_more(
    demo, answers
) -> None:
    """Read, one more person answers and confirms, read again: the change would be theirs."""
    people = participants_in_order(demo)
    k = demo.programme.min_group_size
    complete(people[:k], answers, confirm="ENTJ")
    first = evidence_for_lead(demo)
    assert first.reliability is not None and first.changed_by_pair is not None
    assert first.reliability_note is None and first.changes_note is None

    complete(people[k : k + 1], answers, confirm="ISFP")
    after_one = evidence_for_lead(demo)
    assert after_one.respondents == k + 1  # counts of who has answered are status, still shown
    # The same reading as before, over the same people: nothing about the newcomer.
    assert after_one.reliability == first.reliability
    assert (after_one.changed_any, after_one.changed_by_pair, after_one.resolved) == (
        first.changed_any,
        first.changed_by_pair,
        first.resolved,
    )
    assert after_one.reliability_note == (
        f"Worked out over {k} of the {k + 1} people who have answered: updated when at least "
        f"{k} more have answered, so that no one's answers can be worked out from the change."
    )
    assert after_one.changes_note is not None

    # k people more than the reading shown: k − 1 more are still too few.
    complete(people[k + 1 : 2 * k - 1], answers, confirm="ISFP")
    assert evidence_for_lead(demo).changed_by_pair == first.changed_by_pair
    complete(people[2 * k - 1 : 2 * k], answers, confirm="ISFP")
    again = evidence_for_lead(demo)
    assert again.reliability_note is None and again.changes_note is None
    assert again.changed_any is not None and again.changed_any > first.changed_any
    assert again.reliability is not None
    assert {r.result.n for r in again.reliability.values() if r.result} == {2 * k}


def test_the_same_population_is_shown_again_unchanged(demo, answers) -> None:
    complete(participants_in_order(demo)[:6], answers, confirm="INTJ")
    first = evidence_for_lead(demo)
    second = evidence_for_lead(demo)
    assert first.changed_by_pair == second.changed_by_pair is not None
    assert second.reliability is not None


def test_a_retake_or_a_new_best_fit_hides_the_evidence_until_k_more(demo, answers) -> None:
    """Same people, one person's data changed: the figures would move by their change alone."""
    people = participants_in_order(demo)
    complete(people[:6], answers, confirm="INTJ")
    assert evidence_for_lead(demo).changed_any is not None

    profile = TypeProfile.objects.get(participant=people[0])
    services.type_best_fit_confirm(profile=profile, best_fit="ESFP")
    changed = evidence_for_lead(demo)
    assert changed.changed_any is None
    assert changed.changes_hidden == (
        "Shown again when at least 5 more people have confirmed a best fit than when it was "
        "last shown, so that no one's choice can be worked out from the change."
    )
    assert changed.reliability is not None  # the answers did not change

    services.indicator_submit(participant=people[1], answers=answers("ISTJ"))
    assert evidence_for_lead(demo).reliability is None


def test_confirming_the_same_best_fit_again_changes_nothing(demo, answers) -> None:
    people = participants_in_order(demo)
    complete(people[:6], answers, confirm="INTJ")
    assert evidence_for_lead(demo).changed_any is not None
    services.type_best_fit_confirm(
        profile=TypeProfile.objects.get(participant=people[0]), best_fit="intj"
    )
    assert evidence_for_lead(demo).changed_any is not None


def test_the_team_table_follows_each_new_sharer_by_design(demo) -> None:
    """No ledger here: one more sharer shows only what that person chose to share."""
    people = participants_in_order(demo)
    k = demo.programme.min_group_size
    for person in people[:k]:
        give_type(person, "ENTJ")
    before = selectors.team_table_for(viewer=user_of(people[0]), programme=demo.programme)
    give_type(people[k], "ISFP")
    after = selectors.team_table_for(viewer=user_of(people[0]), programme=demo.programme)
    assert before.table is not None and after.table is not None
    assert (before.table.n, after.table.n) == (k, k + 1)
