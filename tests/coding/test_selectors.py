from __future__ import annotations

import pytest

from tandem.analysis.anonymity import SuppressionReason
from tandem.coding import selectors, services
from tandem.programmes.models import Profession
from tandem.programmes.selectors import ProgrammeAccessDenied, ProgrammeNotFound
from tandem.surveys import services as survey_services
from tandem.surveys.models import InvitationStatus

from ..conftest import participant_named
from ..factories import ParticipantFactory, ProgrammeFactory
from .conftest import AGENDA_ANSWER, code_answer, submitted_answers

FEWER_THAN_K = str(SuppressionReason.FEWER_THAN_K)
SUBTRACTION = str(SuppressionReason.SUBTRACTION)


def approve(excerpt, lead):
    return services.excerpt_approve(excerpt=excerpt, actor=lead)


# --- who may read what ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Dr Amara Okafor", "Dr Miriam Achebe", "Nadia Foster"])
def test_only_the_lead_reads_open_answers(demo, baseline, name) -> None:
    viewer = participant_named(demo, name).person.user
    with pytest.raises(ProgrammeAccessDenied):
        selectors.open_answers_for_coding(viewer=viewer, wave=baseline)
    with pytest.raises(ProgrammeAccessDenied):
        selectors.excerpts_for_review(viewer=viewer, wave=baseline, status="pending")


def test_a_lead_of_another_programme_cannot_read_them(baseline) -> None:
    outsider = ParticipantFactory(programme=ProgrammeFactory(), role="programme_lead").person.user
    with pytest.raises(ProgrammeNotFound):
        selectors.open_answers_for_coding(viewer=outsider, wave=baseline)


def test_open_answers_come_from_submitted_responses_only(small_wave, lead) -> None:
    in_progress = small_wave.invitations.exclude(status=InvitationStatus.SUBMITTED).first()
    survey_services.answer_save(
        invitation=in_progress, item_id="works_well", value="Not finished, not submitted."
    )
    items = selectors.open_answers_for_coding(viewer=lead, wave=small_wave)
    texts = [answer.text for item in items for answer in item.answers]
    assert len(texts) == 3 and "Not finished, not submitted." not in texts


def test_answers_carry_no_identity(baseline, lead) -> None:
    answer = selectors.open_answers_for_coding(viewer=lead, wave=baseline)[0].answers[0]
    assert set(vars(answer)) == {
        "kind",
        "ref",
        "heading",
        "item_id",
        "text",
        "excerpts",
        "next_ref",
    }


# --- released_excerpts ---------------------------------------------------------------------


def test_no_quotations_when_the_wave_has_fewer_respondents_than_k_text(
    small_wave, codes, lead
) -> None:
    answer = submitted_answers(small_wave, "works_well").first()
    approve(code_answer(answer, [codes["meetings"]]), lead)
    release = selectors.released_excerpts(wave=small_wave)
    assert list(release) == []
    assert (release.respondents, release.k_text) == (3, 10)
    assert "at least 10 respondents" in release.reason


def test_only_approved_excerpts_are_released_and_only_as_redacted_text(
    baseline, codes, agenda_answer, lead
) -> None:
    approved = approve(code_answer(agenda_answer, [codes["agenda"]]), lead)
    code_answer(agenda_answer, [codes["decisions"]], quote="business meeting")  # pending
    rejected = code_answer(agenda_answer, [codes["money"]], quote="together")
    services.excerpt_reject(excerpt=rejected, actor=lead)

    release = selectors.released_excerpts(wave=baseline)

    assert release.reason == "" and release.respondents >= 10
    assert [e.excerpt_id for e in release] == [approved.pk]
    quoted = release[0]
    assert quoted.text == "[name] and I now agree the agenda for the business meeting together."
    assert quoted.codes == ("Meetings › Agenda",)
    assert quoted.question.startswith("What works well")
    assert (quoted.source, quoted.item_id) == ("answer", "works_well")


def test_a_small_subgroup_gets_no_quotations(baseline, codes, agenda_answer, lead) -> None:
    approve(code_answer(agenda_answer, [codes["agenda"]]), lead)
    assert len(selectors.released_excerpts(wave=baseline, group_size=10)) == 1
    smaller = selectors.released_excerpts(wave=baseline, group_size=9)
    assert list(smaller) == [] and smaller.reason


def test_k_text_is_the_programmes_own(demo, baseline, codes, agenda_answer, lead) -> None:
    approve(code_answer(agenda_answer, [codes["agenda"]]), lead)
    demo.programme.min_text_group_size = 40
    demo.programme.save()
    baseline.refresh_from_db()
    assert list(selectors.released_excerpts(wave=baseline)) == []


def test_approved_interview_excerpts_are_released_redacted(baseline, codes, interview, lead):
    excerpt = services.excerpt_code(
        wave=baseline, source=interview, quote="Anna Kowalski's team", codes=[codes["money"]]
    )
    approve(excerpt, lead)
    (quoted,) = selectors.released_excerpts(wave=baseline)
    assert (quoted.source, quoted.text, quoted.question) == (
        "interview",
        "[name]'s team",
        "Interviews",
    )


# --- frequencies and co-occurrence ---------------------------------------------------------


def respondents_by_profession(wave):
    """One submitted open answer per respondent, grouped by the respondent's profession."""
    seen: set[int] = set()
    groups: dict[str, list] = {Profession.DOCTOR: [], Profession.MANAGER: []}
    for answer in submitted_answers(wave).select_related("invitation__participant__person"):
        if answer.invitation_id not in seen:
            seen.add(answer.invitation_id)
            groups[answer.invitation.participant.person.profession].append(answer)
    return groups


def test_frequencies_count_respondents_by_profession(baseline, codes, lead) -> None:
    groups = respondents_by_profession(baseline)
    assert len(groups["doctor"]) >= 5 and len(groups["manager"]) >= 5
    for answer in groups["doctor"] + groups["manager"]:
        approve(code_answer(answer, [codes["meetings"]]), lead)

    table = selectors.code_frequencies(wave=baseline)

    assert [label for _, label in table.groups] == ["Doctors", "Managers"]
    (row,) = table.rows
    assert row.label == "Meetings"
    assert [cell.count for cell in row.cells] == [len(groups["doctor"]), len(groups["manager"])]
    assert row.total.count == len(groups["doctor"]) + len(groups["manager"])
    assert table.respondents_total.count == baseline.invitations.filter(status="submitted").count()


def test_a_small_group_is_hidden_and_so_is_the_cell_that_would_give_it_away(
    baseline, codes, lead
) -> None:
    groups = respondents_by_profession(baseline)
    for answer in [*groups["doctor"], groups["manager"][0]]:
        approve(code_answer(answer, [codes["money"]]), lead)

    (row,) = selectors.code_frequencies(wave=baseline).rows

    doctors, managers = row.cells
    assert (managers.count, managers.reason) == (None, FEWER_THAN_K)
    # The total is shown, so the doctors' count would reveal the one manager by subtraction.
    assert (doctors.count, doctors.reason) == (None, SUBTRACTION)
    assert row.total.count == len(groups["doctor"]) + 1


def test_a_code_few_people_mention_is_hidden_everywhere(baseline, codes, agenda_answer, lead):
    approve(code_answer(agenda_answer, [codes["agenda"]]), lead)
    (row,) = selectors.code_frequencies(wave=baseline).rows
    assert row.total.count is None and all(cell.count is None for cell in row.cells)


def test_frequencies_count_approved_excerpts_unless_asked(baseline, codes, agenda_answer):
    code_answer(agenda_answer, [codes["agenda"]])
    assert selectors.code_frequencies(wave=baseline).rows == ()
    assert len(selectors.code_frequencies(wave=baseline, approved_only=False).rows) == 1


def test_cooccurrence_counts_responses_with_both_codes_and_hides_small_ones(
    baseline, codes, lead
) -> None:
    groups = respondents_by_profession(baseline)
    for answer in groups["doctor"][:5]:
        approve(code_answer(answer, [codes["meetings"], codes["money"]]), lead)
    for answer in groups["manager"][:2]:
        approve(code_answer(answer, [codes["agenda"], codes["money"]]), lead)

    rows = {(r.first, r.second): r.cell for r in selectors.code_cooccurrence(wave=baseline).rows}

    assert rows[("Meetings", "Money")].count == 5
    assert rows[("Meetings › Agenda", "Money")].count is None
    assert rows[("Meetings › Agenda", "Money")].reason == FEWER_THAN_K


def test_one_response_counts_once_however_many_passages_carry_the_code(
    baseline, codes, lead
) -> None:
    doctors = respondents_by_profession(baseline)["doctor"][:5]
    for answer in doctors:
        approve(code_answer(answer, [codes["money"]]), lead)
        approve(code_answer(answer, [codes["money"]], quote=answer.text.split()[0]), lead)
    (row,) = selectors.code_frequencies(wave=baseline).rows
    assert row.total.count == 5


def test_review_shows_what_would_be_released(baseline, codes, agenda_answer, lead) -> None:
    code_answer(agenda_answer, [codes["agenda"]])
    (row,) = selectors.excerpts_for_review(viewer=lead, wave=baseline, status="pending")
    assert row.text == AGENDA_ANSWER
    assert row.release_text.startswith("[name] and I now agree")
