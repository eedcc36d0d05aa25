"""The type profiling pages for each role: what each may see and do, and what they are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.programmes.models import Participant, Role
from tandem.typology import services
from tandem.typology.models import TypeProfile

from ..conftest import client_for
from .conftest import answers_for_type


def base(demo) -> str:
    return f"/programmes/{demo.programme.slug}/types/"


def person_url(demo, participant, suffix: str = "") -> str:
    return f"{base(demo)}people/{participant.pk}/{suffix}"


def form_data(answers: dict[str, int]) -> dict[str, str]:
    return {item_id: str(value) for item_id, value in answers.items()}


@pytest.mark.parametrize(
    "who", ["lead_client", "sponsor_client", "coach_client", "participant_client"]
)
@pytest.mark.parametrize("page", ["", "team/", "pairs/"])
def test_every_member_reaches_the_group_pages(request, demo, who: str, page: str) -> None:
    client: Client = request.getfixturevalue(who)
    response = client.get(base(demo) + page)
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["", "team/", "pairs/", "indicator/", "evidence/"])
def test_people_outside_the_programme_are_told_nothing_exists(
    outsider_client: Client, demo, page: str
) -> None:
    assert outsider_client.get(base(demo) + page).status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(client: Client, demo) -> None:
    response = client.get(base(demo))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["lead_client", "sponsor_client", "coach_client"])
def test_only_participants_take_the_indicator(request, demo, who: str) -> None:
    client: Client = request.getfixturevalue(who)
    assert client.get(base(demo) + "indicator/").status_code == 403


def test_a_participant_takes_the_indicator_and_lands_on_their_profile(
    participant_client: Client, demo, amara, answers
) -> None:
    page = participant_client.get(base(demo) + "indicator/")
    assert "Question 1 of 32: which is more like you at work?" in page.content.decode()
    response = participant_client.post(base(demo) + "indicator/", form_data(answers("INFP")))
    assert response.status_code == 302
    assert response["Location"] == person_url(demo, amara)
    profile = participant_client.get(response["Location"]).content.decode()
    assert "Your type profile" in profile
    assert "INFP" in profile
    assert "Introversion (I)" in profile
    assert "Under stress" in profile


def test_unanswered_questions_are_listed_with_the_answers_kept(
    participant_client: Client, demo, answers
) -> None:
    data = form_data(answers("INFP"))
    del data["sn3"]
    response = participant_client.post(base(demo) + "indicator/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Question 10: choose the answer closer to how you work." in body
    # Dr Okafor's other answers are still chosen (INFP: "much more like" the I statement of ei1).
    assert data["ei1"] == "5"
    assert 'id="id_ei1-5" name="ei1" type="radio" value="5" checked' in body


def test_confirming_best_fit_changes_one_letter(
    participant_client: Client, demo, amara, answers
) -> None:
    services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    form = participant_client.get(person_url(demo, amara, "best-fit/")).content.decode()
    assert "Your result: Extraversion (E)." in form
    response = participant_client.post(
        person_url(demo, amara, "best-fit/"), {"ei": "I", "sn": "N", "tf": "T", "jp": "J"}
    )
    assert response.status_code == 302
    page = participant_client.get(person_url(demo, amara)).content.decode()
    assert "Introversion (I) – changed" in page
    assert TypeProfile.objects.get(participant=amara).best_fit_type == "INTJ"


def test_sharing_needs_a_confirmed_best_fit_and_can_be_undone(
    participant_client: Client, demo, amara, answers
) -> None:
    services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    url = person_url(demo, amara, "share/")
    refused = participant_client.post(url, {"shared": "yes"}, follow=True).content.decode()
    assert "Confirm your best-fit type before you share it" in refused
    services.type_best_fit_confirm(profile=amara.type_profile, best_fit="ENTJ")
    participant_client.post(url, {"shared": "yes"})
    assert TypeProfile.objects.get(participant=amara).shared
    page = participant_client.post(url, {"shared": "no"}, follow=True).content.decode()
    assert "only you and your coach can see it" in page
    assert not TypeProfile.objects.get(participant=amara).shared


@pytest.mark.parametrize("who", ["lead_client", "sponsor_client", "coach_client"])
def test_others_in_the_programme_cannot_see_a_persons_profile(
    request, demo, amara, who: str
) -> None:
    services.type_external_record(participant=amara, type_code="ENTJ", source="MBTI")
    client: Client = request.getfixturevalue(who)
    for suffix in ("", "best-fit/", "external/"):
        assert client.get(person_url(demo, amara, suffix)).status_code == 403
    assert client.post(person_url(demo, amara, "share/"), {"shared": "yes"}).status_code == 403


def test_another_participant_cannot_see_a_persons_profile(demo, amara) -> None:
    services.type_external_record(participant=amara, type_code="ENTJ", source="MBTI")
    partner = client_for("anna.kowalski@riverside-fells.example")
    assert partner.get(person_url(demo, amara)).status_code == 403


def test_a_coach_sees_a_coachees_profile_and_may_enter_an_external_result(
    coach_client: Client, demo, amara, nadia, coaching
) -> None:
    coaching[amara.pk] = nadia
    index = coach_client.get(base(demo)).content.decode()
    assert "Your coachees" in index
    assert "Dr Amara Okafor" in index
    response = coach_client.post(
        person_url(demo, amara, "external/"),
        {"type_code": "esfp", "source": "Licensed MBTI® Step I, 2021"},
    )
    assert response.status_code == 302
    page = coach_client.get(person_url(demo, amara)).content.decode()
    assert "ESFP" in page
    assert "Assessed elsewhere: Licensed MBTI® Step I, 2021" in page
    # Best fit and sharing are the person's own decisions.
    assert coach_client.get(person_url(demo, amara, "best-fit/")).status_code == 403


def test_an_external_type_with_a_bad_letter_is_refused_on_the_form(
    participant_client: Client, demo, amara
) -> None:
    response = participant_client.post(
        person_url(demo, amara, "external/"), {"type_code": "EXTJ", "source": "MBTI"}
    )
    assert response.status_code == 400
    assert "is not a four-letter type" in response.content.decode()


def test_best_fit_before_any_result_is_not_found(participant_client: Client, demo, amara) -> None:
    assert participant_client.get(person_url(demo, amara, "best-fit/")).status_code == 404


def test_team_page_shows_no_table_below_k(participant_client: Client, demo, amara) -> None:
    services.type_share_set(
        profile=services.type_external_record(participant=amara, type_code="ENTJ", source="X"),
        shared=True,
    )
    body = participant_client.get(base(demo) + "team/").content.decode()
    assert "No table yet: it appears once at least 5 people have shared their type" in body
    assert "Number of people of each type" not in body


def test_team_page_shows_the_table_of_the_seeded_demo(
    participant_client: Client, seeded, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        body = participant_client.get(base(seeded) + "team/").content.decode()
    assert "21 people have shared their type." in body
    assert "1 of these types were assessed elsewhere" in body
    assert "ISTJ: 3" in body  # Dr Raman, Dr McBride (best fit) and Gail Horsfield
    assert "Shared preferences and likely blind spots" in body


def test_pair_cards_show_only_pairs_where_both_share(
    sponsor_client: Client, seeded, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        body = sponsor_client.get(base(seeded) + "pairs/").content.decode()
    assert "North Community Mental Health Team" in body
    assert "Crisis Resolution and Home Treatment" not in body  # Dr Hartley has not shared
    assert "3 pairs have no card because both partners have not shared their type." in body
    assert "(assessed elsewhere: Licensed MBTI® Step I assessment" in body
    assert body.count("Three tips for your meetings") == 9


def test_the_lead_sees_the_evidence_page(lead_client: Client, seeded) -> None:
    body = lead_client.get(base(seeded) + "evidence/").content.decode()
    assert "Cronbach&#39;s alpha" in body or "Cronbach's alpha" in body
    assert "3 people changed at least one letter" in body
    assert "ENTJ" not in body


def test_the_evidence_page_says_when_its_figures_return(lead_client: Client, seeded) -> None:
    """Read, one more person answers the indicator, read again: the same figures, over the same
    people, until k more have answered."""
    first = lead_client.get(base(seeded) + "evidence/").content.decode()
    assert "people changed at least one letter" in first
    newcomer = (
        Participant.objects.filter(programme=seeded.programme, role=Role.PARTICIPANT)
        .exclude(indicator_response__isnull=False)
        .first()
    )
    assert newcomer is not None
    services.indicator_submit(participant=newcomer, answers=answers_for_type("ENTJ"))
    body = lead_client.get(base(seeded) + "evidence/").content.decode()
    assert "Worked out over 22 of the 23 people who have answered: updated when at least 5" in body
    assert "3 people changed at least one letter" in body


@pytest.mark.parametrize("who", ["sponsor_client", "coach_client", "participant_client"])
def test_only_the_lead_reaches_the_evidence_page(request, demo, who: str) -> None:
    client: Client = request.getfixturevalue(who)
    assert client.get(base(demo) + "evidence/").status_code == 403
