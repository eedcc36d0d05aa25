from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.coding import selectors, services
from tandem.coding.models import Code, Codebook, Excerpt, ReviewStatus, ThemeSuggestion
from tandem.surveys import services as survey_services
from tandem.surveys.models import Answer, InvitationStatus

from ..factories import ProgrammeFactory
from .conftest import AGENDA_ANSWER, UNSUBMITTED_ANSWER, code_answer, submitted_answers


def test_the_codebook_is_created_with_the_first_code(demo) -> None:
    assert not Codebook.objects.filter(programme=demo.programme).exists()
    code = services.code_create(programme=demo.programme, name="Trust")
    assert code.codebook.programme == demo.programme
    services.code_create(programme=demo.programme, name="Time")
    assert Codebook.objects.filter(programme=demo.programme).count() == 1


def test_the_same_name_may_be_used_under_different_parents(demo, codes) -> None:
    services.code_create(programme=demo.programme, name="Agenda", parent=codes["money"])
    assert Code.objects.filter(name="Agenda").count() == 2


@pytest.mark.parametrize("parent_key", [None, "meetings"])
def test_names_are_unique_within_their_parent_whatever_the_case(demo, codes, parent_key):
    parent = codes[parent_key] if parent_key else None
    taken = "MONEY" if parent is None else "agenda"
    with pytest.raises(ValidationError) as caught:
        services.code_create(programme=demo.programme, name=taken, parent=parent)
    assert "There is already a code called" in caught.value.message_dict["name"][0]


def test_the_database_also_refuses_a_duplicate_top_level_name(demo, codes) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(codebook=codes["money"].codebook, name="money")


def test_a_code_cannot_move_under_its_own_descendant(codes) -> None:
    with pytest.raises(ValidationError) as caught:
        services.code_update(code=codes["meetings"], name="Meetings", parent=codes["agenda"])
    assert "cannot sit under itself" in caught.value.message_dict["parent"][0]


def test_a_parent_from_another_programme_is_refused(demo, codes) -> None:
    other = services.code_create(programme=ProgrammeFactory(), name="Elsewhere")
    with pytest.raises(ValidationError):
        services.code_create(programme=demo.programme, name="Child", parent=other)


def test_deleting_a_code_keeps_excerpts_that_have_other_codes(codes, agenda_answer) -> None:
    shared = code_answer(agenda_answer, [codes["agenda"], codes["money"]], quote="agenda")
    alone = code_answer(agenda_answer, [codes["money"]], quote="business meeting")
    assert services.code_delete(code=codes["money"]) == 1
    assert Excerpt.objects.filter(pk=shared.pk).exists()
    assert not Excerpt.objects.filter(pk=alone.pk).exists()


def test_coding_the_same_passage_twice_adds_codes_to_one_excerpt(codes, agenda_answer) -> None:
    first = code_answer(agenda_answer, [codes["agenda"]], quote="the agenda")
    second = code_answer(agenda_answer, [codes["agenda"], codes["decisions"]], quote="the agenda")
    assert first.pk == second.pk
    assert set(second.codes.values_list("name", flat=True)) == {"Agenda", "Decisions"}


def test_an_ambiguous_passage_asks_for_a_longer_one(codes, interview) -> None:
    with pytest.raises(ValidationError) as caught:
        services.excerpt_code(
            wave=interview.wave, source=interview, quote="the budget", codes=[codes["money"]]
        )
    assert caught.value.message_dict["quote"] == [
        "This passage appears 2 times in the text. Paste a longer passage, so that it points to one place."
    ]


def test_codes_of_another_programme_cannot_be_used(agenda_answer) -> None:
    stranger = services.code_create(programme=ProgrammeFactory(), name="Elsewhere")
    with pytest.raises(ValidationError) as caught:
        code_answer(agenda_answer, [stranger])
    assert "codes" in caught.value.message_dict


def test_an_answer_of_an_unsubmitted_response_cannot_be_coded(small_wave, codes) -> None:
    answer = Answer.objects.get(invitation__wave=small_wave, text=UNSUBMITTED_ANSWER)
    assert answer.invitation.status != InvitationStatus.SUBMITTED
    with pytest.raises(ValidationError, match="not a submitted answer"):
        services.excerpt_code(wave=small_wave, source=answer, quote="", codes=[codes["money"]])


def test_an_answer_of_another_wave_cannot_be_coded_in_this_one(
    small_wave, agenda_answer, codes
) -> None:
    with pytest.raises(ValidationError):
        services.excerpt_code(
            wave=small_wave, source=agenda_answer, quote="", codes=[codes["money"]]
        )


def test_approval_stores_the_redacted_text_with_names_removed(codes, agenda_answer, lead) -> None:
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    services.excerpt_approve(excerpt=excerpt, actor=lead)
    excerpt.refresh_from_db()
    assert excerpt.text == AGENDA_ANSWER
    assert excerpt.redacted_text == (
        "[name] and I now agree the agenda for the business meeting together."
    )
    assert (excerpt.status, excerpt.reviewed_by) == (ReviewStatus.APPROVED, lead)


def test_approval_redacts_full_names_possessives_and_first_names_in_interviews(
    codes, interview, lead
) -> None:
    excerpt = services.excerpt_code(
        wave=interview.wave,
        source=interview,
        quote="She said Anna Kowalski's team had no say in the budget, and that Dr Amara Okafor backed them.",
        codes=[codes["money"]],
    )
    services.excerpt_approve(excerpt=excerpt, actor=lead)
    assert excerpt.redacted_text == (
        "She said [name]'s team had no say in the budget, and that [name] backed them."
    )


def test_an_edited_release_text_is_redacted_again(codes, agenda_answer, lead) -> None:
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    services.excerpt_approve(
        excerpt=excerpt, actor=lead, release_text="Amara and I now agree the agenda."
    )
    assert excerpt.redacted_text == "[name] and I now agree the agenda."


def test_rejecting_an_approved_excerpt_withdraws_its_release_text(codes, agenda_answer, lead):
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    services.excerpt_approve(excerpt=excerpt, actor=lead)
    services.excerpt_reject(excerpt=excerpt, actor=lead)
    assert (excerpt.status, excerpt.redacted_text) == (ReviewStatus.REJECTED, "")


def test_theme_suggestions_are_reproducible(baseline) -> None:
    first = [(s.terms, s.answer_ids) for s in services.theme_suggestions_generate(wave=baseline)]
    second = [(s.terms, s.answer_ids) for s in services.theme_suggestions_generate(wave=baseline)]
    assert first == second and len(first) >= 2
    assert ThemeSuggestion.objects.filter(wave=baseline, status="pending").count() == len(first)


def test_theme_suggestions_never_offer_a_name_as_a_theme(baseline) -> None:
    terms = {t for s in services.theme_suggestions_generate(wave=baseline) for t in s.terms}
    assert "okafor" not in terms and "dr" not in terms


def test_theme_suggestions_group_only_uncoded_answers(baseline, codes, agenda_answer) -> None:
    coded = [
        code_answer(answer, [codes["agenda"]]).answer_id
        for answer in submitted_answers(baseline, "works_well").filter(text=AGENDA_ANSWER)
    ]
    suggested = {
        pk for s in services.theme_suggestions_generate(wave=baseline) for pk in s.answer_ids
    }
    assert suggested and not suggested & set(coded)


def test_a_rejected_suggestion_is_not_offered_again(baseline, lead) -> None:
    rejected = services.theme_suggestions_generate(wave=baseline)[0]
    services.theme_suggestion_reject(suggestion=rejected, actor=lead)
    again = services.theme_suggestions_generate(wave=baseline)
    assert sorted(rejected.answer_ids) not in [sorted(s.answer_ids) for s in again]


def test_accepting_a_suggestion_codes_each_whole_answer(baseline, lead) -> None:
    suggestion = services.theme_suggestions_generate(wave=baseline)[0]
    code = services.theme_suggestion_accept(suggestion=suggestion, name="Decisions", actor=lead)
    excerpts = list(code.excerpts.select_related("answer"))
    assert sorted(e.answer_id for e in excerpts) == sorted(suggestion.answer_ids)
    assert all(e.text == e.answer.text.strip() for e in excerpts)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.code) == ("accepted", code)


def test_nothing_is_coded_while_the_wave_is_open(open_wave, codes) -> None:
    answer = submitted_answers(open_wave).first()
    with pytest.raises(ValidationError, match="Coding opens when the questionnaire closes"):
        services.excerpt_code(wave=open_wave, source=answer, quote="", codes=[codes["money"]])
    with pytest.raises(ValidationError, match="Coding opens when the questionnaire closes"):
        services.theme_suggestions_generate(wave=open_wave)
    assert not Excerpt.objects.filter(wave=open_wave).exists()


def test_interview_notes_of_an_open_wave_wait_for_it_to_close(open_wave, codes, lead) -> None:
    note = survey_services.interview_note_add(
        wave=open_wave, title="Interview 2", text="We talked about the budget.", actor=lead
    )
    with pytest.raises(ValidationError, match="Coding opens"):
        services.excerpt_code(wave=open_wave, source=note, quote="", codes=[codes["money"]])
    survey_services.wave_close(wave=open_wave)
    assert services.excerpt_code(wave=open_wave, source=note, quote="", codes=[codes["money"]])


def test_accepting_a_suggestion_codes_the_answers_in_reference_order(baseline, lead) -> None:
    (suggestion, *_) = services.theme_suggestions_generate(wave=baseline)
    services.theme_suggestion_accept(suggestion=suggestion, name="Found", actor=lead)
    made = Excerpt.objects.filter(wave=baseline).order_by("pk").values_list("answer_id", flat=True)
    refs = [selectors.answer_ref(pk) for pk in made]
    assert len(refs) > 2 and refs == sorted(refs)


def test_approval_takes_out_names_tandem_does_not_know_phone_numbers_and_wards(
    codes, leaky_answer, lead
) -> None:
    excerpt = services.excerpt_approve(
        excerpt=code_answer(leaky_answer, [codes["agenda"]]), actor=lead
    )
    assert excerpt.redacted_text == (
        "[name] said to ring [phone]; [name] on [ward] agreed the agenda."
    )


def test_the_lead_can_take_out_more_before_approving_and_the_audit_keeps_no_words(
    codes, agenda_answer, lead
) -> None:
    from tandem.audit.models import AuditEvent

    excerpt = services.excerpt_approve(
        excerpt=code_answer(agenda_answer, [codes["agenda"]]),
        actor=lead,
        also_redact=["business meeting", "  "],
    )
    assert excerpt.redacted_text == "[name] and I now agree the agenda for the [redacted] together."
    event = AuditEvent.objects.filter(action="excerpt.approve").latest("pk")
    assert event.extra == {"edited": False, "redacted_automatically": 1, "redacted_by_lead": 1}
    assert "business" not in str(event.extra)


def test_theme_suggestions_are_never_labelled_with_numbers_or_names(baseline) -> None:
    for answer in submitted_answers(baseline):
        Answer.objects.filter(pk=answer.pk).update(
            text=f"{answer.text} Ring Dr Smith or Sarah on 07700 900123."
        )
    made = services.theme_suggestions_generate(wave=baseline)
    terms = {term for suggestion in made for term in suggestion.terms}
    assert made and terms
    assert not any(char.isdigit() for term in terms for char in term)
    assert not terms & {"smith", "sarah", "dr", "name", "phone"}
