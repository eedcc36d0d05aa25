from __future__ import annotations

import pytest

from tandem.analysis.anonymity import SuppressionReason
from tandem.coding import selectors, services
from tandem.coding.models import ThemeSuggestion
from tandem.disclosure.models import DisclosedPopulation
from tandem.gdpr.services import person_erase
from tandem.programmes.models import Participant, Profession
from tandem.programmes.selectors import ProgrammeAccessDenied, ProgrammeNotFound
from tandem.surveys import services as survey_services
from tandem.surveys.selectors import wave_scope

from ..conftest import participant_named
from ..factories import ParticipantFactory, ProgrammeFactory
from .conftest import (
    AGENDA_ANSWER,
    UNSUBMITTED_ANSWER,
    code_answer,
    code_before_the_rule,
    submitted_answers,
)

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
    items = selectors.open_answers_for_coding(viewer=lead, wave=small_wave)
    texts = [answer.text for item in items for answer in item.answers]
    assert len(texts) == 3 and UNSUBMITTED_ANSWER not in texts


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
        "previous_ref",
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
    # Counted over the people who wrote something: only they could raise a theme.
    assert table.respondents_total.count == len(groups["doctor"]) + len(groups["manager"])


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


# --- closed waves only ---------------------------------------------------------------------


def test_coding_an_open_wave_is_refused_with_the_day_it_opens(demo, pulse, lead) -> None:
    with pytest.raises(selectors.CodingNotOpenYet) as refused:
        selectors.coding_wave_for(viewer=lead, programme=demo.programme, wave_id=pulse.pk)
    assert str(refused.value) == (
        f"Coding opens when the questionnaire closes on {pulse.closes_on:%-d %B %Y} (or when the "
        "programme lead closes it earlier), so that a written answer that appears just after "
        "someone submits cannot be tied to them."
    )


@pytest.mark.parametrize(
    "read",
    [
        selectors.open_answers_for_coding,
        selectors.interview_notes_for_coding,
        selectors.uncoded_answer_count,
        selectors.theme_suggestions_for,
        selectors.review_counts,
        selectors.coding_summary,
    ],
)
def test_every_read_of_an_open_waves_answers_is_refused(open_wave, lead, read) -> None:
    with pytest.raises(selectors.CodingNotOpenYet):
        read(viewer=lead, wave=open_wave)
    with pytest.raises(selectors.CodingNotOpenYet):
        selectors.excerpts_for_review(viewer=lead, wave=open_wave, status="pending")
    assert selectors.ordered_open_answers(open_wave) == []
    assert selectors.uncoded_answers(wave=open_wave) == []


def test_the_role_is_checked_before_the_wave(demo, open_wave) -> None:
    sponsor = participant_named(demo, "Dr Miriam Achebe").person.user
    with pytest.raises(ProgrammeAccessDenied, match="Only the programme lead"):
        selectors.open_answers_for_coding(viewer=sponsor, wave=open_wave)


def test_coding_opens_once_the_wave_closes(demo, open_wave, lead) -> None:
    survey_services.wave_close(wave=open_wave)
    wave = selectors.coding_wave_for(viewer=lead, programme=demo.programme, wave_id=open_wave.pk)
    (works_well, *_) = selectors.open_answers_for_coding(viewer=lead, wave=wave)
    assert len(works_well.answers) == 3


# --- an order that says nothing about who answered when ------------------------------------


def test_answers_come_in_the_order_of_their_keyed_references(baseline) -> None:
    listed = selectors.ordered_open_answers(baseline)
    refs = [ref for _, ref in listed]
    assert len(refs) > 20 and refs == sorted(refs)
    by_id = [selectors.answer_ref(answer.pk) for answer in submitted_answers(baseline)]
    assert refs != by_id


def test_next_and_previous_follow_the_page_order(baseline, lead) -> None:
    items = selectors.open_answers_for_coding(viewer=lead, wave=baseline)
    sequence = [answer.ref for item in items for answer in item.answers]
    middle = sequence[len(sequence) // 2]
    answer = selectors.answer_to_code(viewer=lead, wave=baseline, ref=middle)
    source = selectors.coding_source(viewer=lead, wave=baseline, record=answer)
    position = sequence.index(middle)
    assert (source.previous_ref, source.next_ref) == (
        sequence[position - 1],
        sequence[position + 1],
    )
    first = selectors.answer_to_code(viewer=lead, wave=baseline, ref=sequence[0])
    assert selectors.coding_source(viewer=lead, wave=baseline, record=first).previous_ref is None


def test_theme_suggestions_list_their_answers_in_reference_order(baseline, lead) -> None:
    services.theme_suggestions_generate(wave=baseline)
    suggestions = selectors.theme_suggestions_for(viewer=lead, wave=baseline)
    assert suggestions
    texts = dict(submitted_answers(baseline).values_list("pk", "text"))
    stored = {s.pk: s.answer_ids for s in ThemeSuggestion.objects.filter(wave=baseline)}
    for suggestion in suggestions:
        ids = stored[suggestion.id]
        assert list(suggestion.answers) == [
            texts[pk] for pk in sorted(ids, key=selectors.answer_ref)
        ]
    largest = max(stored.values(), key=len)
    assert sorted(largest, key=selectors.answer_ref) != sorted(largest)


def test_uncoded_answers_come_in_reference_order(baseline) -> None:
    uncoded = selectors.uncoded_answers(wave=baseline)
    refs = [selectors.answer_ref(answer.pk) for answer in uncoded]
    assert refs == sorted(refs)
    assert [answer.pk for answer in uncoded] != sorted(answer.pk for answer in uncoded)


def test_the_review_list_follows_the_answers_not_the_order_of_coding(baseline, codes, lead) -> None:
    answers = list(submitted_answers(baseline, "works_well")[:8])
    made = {  # coded in the order of the answers' ids
        code_answer(answer, [codes["money"]]).pk: selectors.answer_ref(answer.pk)
        for answer in answers
    }
    listed = selectors.excerpts_for_review(viewer=lead, wave=baseline, status="pending")
    refs = [made[row.excerpt_id] for row in listed]
    assert refs == sorted(refs) and refs != list(made.values())


# --- figures of the written answers through the disclosure ledger --------------------------


def test_an_open_wave_shows_no_theme_figure_and_says_when(open_wave, codes) -> None:
    for answer in submitted_answers(open_wave):
        code_before_the_rule(answer, codes["money"])
    pending = wave_scope(open_wave).pending
    frequencies = selectors.code_frequencies(wave=open_wave)
    assert (frequencies.rows, frequencies.groups, frequencies.reason) == ((), (), pending)
    assert frequencies.respondents_total.count is None
    cooccurrence = selectors.code_cooccurrence(wave=open_wave)
    assert (cooccurrence.rows, cooccurrence.reason) == ((), pending)
    release = selectors.released_excerpts(wave=open_wave)
    assert (list(release), release.reason) == ([], pending)
    assert not DisclosedPopulation.objects.filter(scope=f"wave:{open_wave.pk}").exists()


def writers(wave) -> set[int]:
    return set(submitted_answers(wave).values_list("invitation__participant_id", flat=True))


def approve_everyone(wave, codes, lead) -> None:
    for answers in respondents_by_profession(wave).values():
        for answer in answers:
            approve(code_answer(answer, [codes["meetings"], codes["money"]]), lead)


def test_the_populations_are_the_people_who_wrote_without_interviews(
    demo, baseline, codes, interview, lead
) -> None:
    approve_everyone(baseline, codes, lead)
    note = services.excerpt_code(wave=baseline, source=interview, quote="", codes=[codes["money"]])
    approve(note, lead)
    table = selectors.code_frequencies(wave=baseline)
    money = next(row for row in table.rows if row.label == "Money")
    assert money.total.count == len(writers(baseline)) + 1  # the interview still counts
    shown = DisclosedPopulation.objects.filter(
        programme=demo.programme, scope=f"wave:{baseline.pk}", measure="open-answers"
    )
    assert max(shown, key=lambda row: row.size).members == sorted(writers(baseline))
    doctors = set(
        Participant.objects.filter(
            pk__in=writers(baseline), person__profession=Profession.DOCTOR
        ).values_list("pk", flat=True)
    )
    assert sorted(doctors) in [row.members for row in shown]


def test_a_population_one_person_away_from_one_already_shown_hides_the_figures(
    demo, baseline, codes, lead
) -> None:
    """Another page showed the written answers' figures over everyone but one person."""
    approve_everyone(baseline, codes, lead)
    everyone = sorted(writers(baseline))
    DisclosedPopulation.objects.create(
        programme=demo.programme,
        scope=f"wave:{baseline.pk}",
        measure="open-answers",
        digest="earlier reading",
        members=everyone[1:],
        size=len(everyone) - 1,
        surface="tests",
    )
    table = selectors.code_frequencies(wave=baseline)

    assert table.respondents_total.count is None
    assert "differs by fewer than 5 people" in (table.respondents_total.reason or "")
    for row in table.rows:
        assert row.total.count is None and "differs by fewer than" in (row.total.reason or "")
        # With the total hidden, the groups must not all be shown: they would add up to it.
        assert None in [cell.count for cell in row.cells]
    cooccurrence = selectors.code_cooccurrence(wave=baseline)
    assert cooccurrence.rows == () and "differs by fewer than" in cooccurrence.reason
    release = selectors.released_excerpts(wave=baseline)
    assert list(release) == [] and "differs by fewer than" in release.reason


def test_the_same_figures_read_twice_stay_shown(baseline, codes, lead) -> None:
    approve_everyone(baseline, codes, lead)
    first = selectors.code_frequencies(wave=baseline)
    again = selectors.code_frequencies(wave=baseline)
    assert first.rows == again.rows and first.respondents_total.count is not None


def test_an_erasure_moves_no_theme_figure_and_takes_the_words_out_of_the_quotations(
    demo, baseline, codes, lead
) -> None:
    """The erased person's words go; they stay among the people who wrote, with their codes, so
    no count falls by exactly their themes."""
    approve_everyone(baseline, codes, lead)
    before = selectors.code_frequencies(wave=baseline)
    pairs_before = selectors.code_cooccurrence(wave=baseline)
    doctor = respondents_by_profession(baseline)["doctor"][0]
    theirs = set(doctor.excerpts.values_list("pk", flat=True))
    assert theirs <= {excerpt.excerpt_id for excerpt in selectors.released_excerpts(wave=baseline)}
    person_erase(person=doctor.invitation.participant.person, actor=lead)

    after = selectors.code_frequencies(wave=baseline)
    assert (after.respondents, after.respondents_total, after.rows) == (
        before.respondents,
        before.respondents_total,
        before.rows,
    )
    assert selectors.code_cooccurrence(wave=baseline).rows == pairs_before.rows
    released = selectors.released_excerpts(wave=baseline)
    assert released.reason == "" and released
    assert not theirs & {excerpt.excerpt_id for excerpt in released}


def test_a_quotation_approved_under_older_rules_is_released_under_todays(
    baseline, codes, leaky_answer
) -> None:
    # Stored as it was before the rules knew "Dr Smith", phone numbers and wards.
    excerpt = code_before_the_rule(leaky_answer, codes["money"])
    assert excerpt.redacted_text == leaky_answer.text
    (quoted,) = [
        e for e in selectors.released_excerpts(wave=baseline) if e.excerpt_id == excerpt.pk
    ]
    assert quoted.text == "[name] said to ring [phone]; [name] on [ward] agreed the agenda."


def test_stored_suggestions_show_no_number_or_name_in_their_label(baseline, lead) -> None:
    ThemeSuggestion.objects.create(
        wave=baseline, terms=["07700", "900123", "smith", "rota", "gaps"], answer_ids=[]
    )
    (suggestion,) = selectors.theme_suggestions_for(viewer=lead, wave=baseline)
    assert suggestion.terms == ("rota", "gaps")
    assert suggestion.label == "rota, gaps"
