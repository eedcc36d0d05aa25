from __future__ import annotations

import re

from django.test import Client

from tandem.coding import services
from tandem.coding.models import Code, Excerpt, ReviewStatus, ThemeSuggestion
from tandem.programmes.models import Person
from tandem.surveys import services as survey_services

from .conftest import AGENDA_ANSWER, code_answer, ref, submitted_answers


def coding_url(demo, rest: str = "") -> str:
    return f"/programmes/{demo.programme.slug}/coding/{rest}"


def answer_url(demo, wave, answer) -> str:
    return coding_url(demo, f"waves/{wave.pk}/answers/{ref(answer)}/")


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_codebook_lists_nested_codes_under_their_parent(lead_client: Client, demo, codes):
    html = visible_text(lead_client.get(coding_url(demo)).content.decode())
    assert html.index("Meetings") < html.index("Agenda") < html.index("Decisions")
    assert "Budgets and finance" in html


def test_adding_a_code_under_a_parent_nests_it(lead_client: Client, demo, codes) -> None:
    response = lead_client.post(
        coding_url(demo), {"name": "Corridor decisions", "parent": codes["decisions"].pk}
    )
    assert response.status_code == 302
    added = Code.objects.get(name="Corridor decisions")
    assert added.parent == codes["decisions"]
    assert added.parent.parent == codes["meetings"]


def test_a_duplicate_name_under_the_same_parent_is_refused_with_a_message(
    lead_client: Client, demo, codes
) -> None:
    response = lead_client.post(
        coding_url(demo), {"name": "agenda", "parent": codes["meetings"].pk}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "There is already a code called “agenda” under “Meetings”." in html


def test_editing_a_code_cannot_put_it_under_its_own_sub_code(
    lead_client: Client, demo, codes
) -> None:
    url = coding_url(demo, f"codes/{codes['meetings'].pk}/")
    options = re.findall(r'<option value="(\d+)"', lead_client.get(url).content.decode())
    assert str(codes["agenda"].pk) not in options and str(codes["money"].pk) in options
    response = lead_client.post(url, {"name": "Meetings", "parent": codes["agenda"].pk})
    assert response.status_code == 400
    codes["meetings"].refresh_from_db()
    assert codes["meetings"].parent is None


def test_renaming_a_code(lead_client: Client, demo, codes) -> None:
    url = coding_url(demo, f"codes/{codes['money'].pk}/")
    response = lead_client.post(url, {"name": "Money and budgets", "colour": "#007F3B"})
    assert response.status_code == 302
    codes["money"].refresh_from_db()
    assert (codes["money"].name, codes["money"].colour) == ("Money and budgets", "#007F3B")


def test_deleting_a_code_with_sub_codes_is_refused(lead_client: Client, demo, codes) -> None:
    url = coding_url(demo, f"codes/{codes['meetings'].pk}/delete/")
    assert "This code has sub-codes" in lead_client.get(url).content.decode()
    assert lead_client.post(url).status_code == 400
    assert Code.objects.filter(pk=codes["meetings"].pk).exists()


def test_deleting_a_code_takes_it_off_its_excerpts(
    lead_client: Client, demo, codes, agenda_answer
) -> None:
    code_answer(agenda_answer, [codes["money"]], quote="business meeting")
    response = lead_client.post(coding_url(demo, f"codes/{codes['money'].pk}/delete/"))
    assert response.status_code == 302
    assert not Code.objects.filter(pk=codes["money"].pk).exists()
    assert not Excerpt.objects.filter(answer=agenda_answer).exists()


def test_the_lead_codes_a_passage_by_pasting_it(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    response = lead_client.post(
        answer_url(demo, baseline, agenda_answer),
        {"quote": "agree the agenda", "codes": [codes["agenda"].pk, codes["meetings"].pk]},
    )
    assert response.status_code == 302
    excerpt = Excerpt.objects.get(answer=agenda_answer)
    start = AGENDA_ANSWER.index("agree the agenda")
    assert (excerpt.start, excerpt.end) == (start, start + len("agree the agenda"))
    assert agenda_answer.text[excerpt.start : excerpt.end] == excerpt.text == "agree the agenda"
    assert set(excerpt.codes.values_list("name", flat=True)) == {"Agenda", "Meetings"}
    assert excerpt.status == ReviewStatus.PENDING


def test_a_pasted_passage_with_browser_line_breaks_and_other_case_is_found(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    lead_client.post(
        answer_url(demo, baseline, agenda_answer),
        {"quote": "  Agree the\r\nagenda  for the ", "codes": [codes["agenda"].pk]},
    )
    excerpt = Excerpt.objects.get(answer=agenda_answer)
    assert excerpt.text == "agree the agenda for the"


def test_a_passage_that_is_not_in_the_answer_gives_a_clear_error(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    response = lead_client.post(
        answer_url(demo, baseline, agenda_answer),
        {"quote": "we never meet", "codes": [codes["agenda"].pk]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "This passage is not in the text." in html
    assert 'href="#id_quote"' in html
    assert not Excerpt.objects.filter(answer=agenda_answer).exists()


def test_coding_without_choosing_a_code_is_refused(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    response = lead_client.post(answer_url(demo, baseline, agenda_answer), {"quote": "agenda"})
    assert response.status_code == 400
    assert "Choose at least one code for this passage." in response.content.decode()


def test_an_empty_passage_codes_the_whole_answer(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    lead_client.post(
        answer_url(demo, baseline, agenda_answer), {"quote": "", "codes": [codes["meetings"].pk]}
    )
    excerpt = Excerpt.objects.get(answer=agenda_answer)
    assert (excerpt.start, excerpt.end, excerpt.text) == (0, len(AGENDA_ANSWER), AGENDA_ANSWER)


def test_interview_notes_are_coded_the_same_way(
    lead_client: Client, demo, baseline, codes, interview
) -> None:
    url = coding_url(demo, f"waves/{baseline.pk}/notes/{interview.pk}/")
    response = lead_client.post(
        url, {"quote": "no say in the budget", "codes": [codes["money"].pk]}
    )
    assert response.status_code == 302
    excerpt = Excerpt.objects.get(interview_note=interview)
    assert interview.text[excerpt.start : excerpt.end] == "no say in the budget"
    assert excerpt.answer is None


def test_removing_a_coded_passage(lead_client: Client, demo, baseline, codes, agenda_answer):
    excerpt = code_answer(agenda_answer, [codes["agenda"]], quote="agenda")
    response = lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/excerpts/{excerpt.pk}/delete/")
    )
    assert response["Location"] == answer_url(demo, baseline, agenda_answer)
    assert not Excerpt.objects.filter(pk=excerpt.pk).exists()


def test_approving_on_the_review_page_stores_the_text_without_names(
    lead_client: Client, demo, baseline, codes, agenda_answer, lead
) -> None:
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    review = coding_url(demo, f"waves/{baseline.pk}/review/")
    html = lead_client.get(review).content.decode()
    assert "[name] and I now agree the agenda" in html  # what would be released
    response = lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/excerpts/{excerpt.pk}/review/"),
        {"decision": "approve"},
    )
    assert response.status_code == 302
    excerpt.refresh_from_db()
    assert excerpt.status == ReviewStatus.APPROVED
    assert excerpt.redacted_text == (
        "[name] and I now agree the agenda for the business meeting together."
    )
    assert "Okafor" not in excerpt.redacted_text
    assert excerpt.reviewed_by == lead and excerpt.reviewed_at is not None


def test_rejecting_on_the_review_page(lead_client: Client, demo, baseline, codes, agenda_answer):
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/excerpts/{excerpt.pk}/review/"),
        {"decision": "reject"},
    )
    excerpt.refresh_from_db()
    assert (excerpt.status, excerpt.redacted_text) == (ReviewStatus.REJECTED, "")


def test_theme_suggestions_can_be_made_accepted_and_rejected(
    lead_client: Client, demo, baseline
) -> None:
    themes = coding_url(demo, f"waves/{baseline.pk}/themes/")
    assert lead_client.post(themes).status_code == 302
    first, second = ThemeSuggestion.objects.filter(wave=baseline).order_by("pk")[:2]
    html = lead_client.get(themes).content.decode()
    assert ", ".join(first.terms[:3]) in html
    response = lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/themes/{first.pk}/accept/"),
        {f"s{first.pk}-name": "Shared decisions"},
    )
    assert response.status_code == 302
    code = Code.objects.get(name="Shared decisions")
    assert code.excerpts.count() == len(first.answer_ids)
    lead_client.post(coding_url(demo, f"waves/{baseline.pk}/themes/{second.pk}/reject/"))
    second.refresh_from_db()
    assert second.status == "rejected"


def test_accepting_a_suggestion_without_a_name_shows_the_error(
    lead_client: Client, demo, baseline
) -> None:
    lead_client.post(coding_url(demo, f"waves/{baseline.pk}/themes/"))
    suggestion = ThemeSuggestion.objects.filter(wave=baseline).first()
    response = lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/themes/{suggestion.pk}/accept/"),
        {f"s{suggestion.pk}-name": ""},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_summary_page_hides_small_counts(
    lead_client: Client, demo, baseline, codes, agenda_answer, lead
) -> None:
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    services.excerpt_approve(excerpt=excerpt, actor=lead)
    html = lead_client.get(coding_url(demo, f"waves/{baseline.pk}/summary/")).content.decode()
    assert "Meetings › Agenda" in html
    assert "hidden" in html and "fewer than k respondents" in html


def test_no_coding_page_shows_who_gave_an_answer(
    lead_client: Client, demo, baseline, codes, agenda_answer, interview
) -> None:
    """The lead reads open answers, but must not be able to tie one to a person."""
    code_answer(agenda_answer, [codes["agenda"]], quote="agenda")
    lead_client.post(coding_url(demo, f"waves/{baseline.pk}/themes/"))
    pages = [
        coding_url(demo),
        coding_url(demo, f"waves/{baseline.pk}/"),
        answer_url(demo, baseline, agenda_answer),
        coding_url(demo, f"waves/{baseline.pk}/review/"),
        coding_url(demo, f"waves/{baseline.pk}/themes/"),
        coding_url(demo, f"waves/{baseline.pk}/summary/"),
    ]
    respondents = Person.objects.filter(
        participations__invitations__wave=baseline,
        participations__invitations__status="submitted",
    )
    identities = [
        *respondents.values_list("name", flat=True),
        *respondents.values_list("email", flat=True),
    ]
    html = "\n".join(lead_client.get(page).content.decode() for page in pages)
    assert AGENDA_ANSWER in html  # the answers themselves are there to code
    assert [identity for identity in identities if identity in html] == []
    # Nor anything that follows the order invitations were made in (alphabetical by name).
    assert f"/{agenda_answer.pk}/" not in html
    assert f"invitation={agenda_answer.invitation_id}" not in html


def test_answers_are_listed_in_the_order_of_their_references(lead_client: Client, demo, baseline):
    """Not by id (invitations are made in alphabetical order of names), not by when people
    submitted: by the keyed hashes in their links."""
    html = lead_client.get(coding_url(demo, f"waves/{baseline.pk}/")).content.decode()
    section = html[html.index("What works well") : html.index("What gets in the way")]
    refs = re.findall(r'/coding/waves/\d+/answers/([0-9a-f]+)/"', section)
    answers = list(submitted_answers(baseline, "works_well"))
    assert len(refs) == len(answers) > 5
    assert refs == sorted(refs)
    by_id = [ref(answer) for answer in answers]
    by_submission = [
        ref(answer) for answer in sorted(answers, key=lambda a: (a.invitation.submitted_at, a.pk))
    ]
    assert refs != by_id and refs != by_submission


def test_exports_download_as_refi_qda_files(lead_client: Client, demo, codes) -> None:
    qdc = lead_client.get(coding_url(demo, "codebook.qdc"))
    qdpx = lead_client.get(coding_url(demo, "project.qdpx"))
    assert qdc["Content-Type"].startswith("application/xml")
    assert 'filename="partnership-2025-codebook.qdc"' in qdc["Content-Disposition"]
    assert qdpx["Content-Type"] == "application/zip"
    assert qdpx.content[:2] == b"PK"


def test_the_wave_page_links_to_coding(lead_client: Client, demo, baseline) -> None:
    html = lead_client.get(f"/programmes/{demo.programme.slug}/questionnaires/{baseline.pk}/")
    assert (
        f'href="/programmes/{demo.programme.slug}/coding/waves/{baseline.pk}/">Code open answers'
        in html.content.decode()
    )


def test_the_coding_pages_keep_to_a_query_budget(
    lead_client: Client, demo, baseline, codes, interview, lead, django_assert_max_num_queries
) -> None:
    """However many answers are coded: no query per answer, excerpt or code."""
    excerpts = [
        code_answer(answer, [codes["agenda"], codes["money"]])
        for answer in submitted_answers(baseline)
    ]
    excerpts.append(
        services.excerpt_code(wave=baseline, source=interview, quote="", codes=[codes["money"]])
    )
    for excerpt in excerpts:
        services.excerpt_approve(excerpt=excerpt, actor=lead)
    assert len(excerpts) > 30
    # The summary's first reading also records its populations in the disclosure ledger: a
    # handful of queries more, once, whatever the number of answers.
    budgets = {"": 20, "review/?status=approved": 20, "themes/": 20, "summary/": 25}
    for page, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            response = lead_client.get(coding_url(demo, f"waves/{baseline.pk}/{page}"))
        assert response.status_code == 200


# --- closed waves only ---------------------------------------------------------------------


def open_wave_urls(demo, wave, answer, note) -> list[str]:
    base = coding_url(demo, f"waves/{wave.pk}/")
    return [
        base,
        f"{base}answers/{ref(answer)}/",
        f"{base}notes/{note.pk}/",
        f"{base}review/",
        f"{base}themes/",
        f"{base}summary/",
    ]


def test_an_open_wave_is_refused_with_a_page_that_says_when_coding_opens(
    lead_client: Client, demo, open_wave, lead
) -> None:
    note = survey_services.interview_note_add(
        wave=open_wave, title="Interview 2", text="We talked about the budget.", actor=lead
    )
    answer = submitted_answers(open_wave).first()
    when = f"{open_wave.closes_on:%-d %B %Y}"
    for url in open_wave_urls(demo, open_wave, answer, note):
        response = lead_client.get(url)
        assert response.status_code == 403, url
        text = visible_text(response.content.decode())
        assert f"Coding opens when the questionnaire closes on {when}" in text
        assert "The budget meeting runs to time now." not in text
    posted = lead_client.post(coding_url(demo, f"waves/{open_wave.pk}/themes/"))
    assert posted.status_code == 403
    assert not ThemeSuggestion.objects.filter(wave=open_wave).exists()


def test_once_closed_the_wave_is_coded_as_usual(lead_client: Client, demo, open_wave, lead) -> None:
    note = survey_services.interview_note_add(
        wave=open_wave, title="Interview 2", text="We talked about the budget.", actor=lead
    )
    survey_services.wave_close(wave=open_wave)
    answer = submitted_answers(open_wave).first()
    for url in open_wave_urls(demo, open_wave, answer, note):
        assert lead_client.get(url).status_code == 200, url


def test_no_link_offers_coding_of_an_open_wave(lead_client: Client, demo, open_wave) -> None:
    coding_link = f'href="{coding_url(demo, f"waves/{open_wave.pk}/")}"'
    codebook = lead_client.get(coding_url(demo)).content.decode()
    assert open_wave.title in codebook and coding_link not in codebook
    assert "coding opens when it closes on" in codebook
    wave_page = lead_client.get(f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/")
    body = wave_page.content.decode()
    assert coding_link not in body
    assert "Coding of the written answers and interview notes opens when" in body
    assert "Add interview notes" in body  # notes can still be attached


def test_the_answer_page_links_to_the_answers_either_side(
    lead_client: Client, demo, baseline
) -> None:
    html = lead_client.get(coding_url(demo, f"waves/{baseline.pk}/")).content.decode()
    refs = re.findall(r'/coding/waves/\d+/answers/([0-9a-f]+)/"', html)
    page = lead_client.get(coding_url(demo, f"waves/{baseline.pk}/answers/{refs[1]}/"))
    body = page.content.decode()
    assert f'answers/{refs[0]}/">Previous answer' in body
    assert f'answers/{refs[2]}/">Next answer' in body


def test_the_review_page_marks_what_was_taken_out(
    lead_client: Client, demo, baseline, codes, leaky_answer
) -> None:
    code_answer(leaky_answer, [codes["agenda"]])
    html = lead_client.get(coding_url(demo, f"waves/{baseline.pk}/review/")).content.decode()
    # The passage, with each redacted piece marked and what replaces it said.
    assert "<mark>Dr Smith</mark>" in html
    assert "<mark>07700 900123</mark>" in html
    assert "<mark>Laurel Ward</mark>" in html
    assert "(taken out as [ward])" in html
    # What would be released, placeholders marked, and a count of what went.
    assert "<mark>[name]</mark> said to ring <mark>[phone]</mark>" in html
    assert "2 names, 1 phone number and 1 ward taken out" in html


def test_a_preview_shows_the_leads_own_redaction_without_approving(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    response = lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/excerpts/{excerpt.pk}/review/"),
        {"decision": "preview", f"e{excerpt.pk}-also_redact": "business meeting"},
    )
    assert response.status_code == 200
    html = visible_text(response.content.decode())
    assert "Preview with your changes" in html
    assert "[name] and I now agree the agenda for the [redacted] together." in html
    assert "(1 by you)" in html
    excerpt.refresh_from_db()
    assert (excerpt.status, excerpt.redacted_text) == (ReviewStatus.PENDING, "")


def test_approving_with_words_to_take_out(
    lead_client: Client, demo, baseline, codes, agenda_answer
) -> None:
    excerpt = code_answer(agenda_answer, [codes["agenda"]])
    lead_client.post(
        coding_url(demo, f"waves/{baseline.pk}/excerpts/{excerpt.pk}/review/"),
        {
            "decision": "approve",
            f"e{excerpt.pk}-release_text": "Dr Okafor and I agree the agenda for the business meeting.",
            f"e{excerpt.pk}-also_redact": "business meeting\nagenda",
        },
    )
    excerpt.refresh_from_db()
    assert excerpt.status == ReviewStatus.APPROVED
    assert excerpt.redacted_text == "[name] and I agree the [redacted] for the [redacted]."
