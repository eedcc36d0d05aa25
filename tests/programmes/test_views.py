from __future__ import annotations

import re

import pytest
from django.test import Client

from tandem.programmes.models import Milestone, Pair, Person, Role

from ..conftest import participant_named
from ..factories import ProgrammeFactory, ServiceFactory

NEW_PEOPLE_CSV = (
    "name,email,profession,level,locality,service,programme role,pair\r\n"
    "Dr Nia Roberts,nia.roberts@riverside-fells.example,doctor,service,Riverside East,Eating Disorders,,E1\r\n"
    "Sam Oliver,sam.oliver@riverside-fells.example,manager,service,Riverside East,Eating Disorders,,E1\r\n"
)


def overview_url(demo) -> str:
    return f"/programmes/{demo.programme.slug}/"


def upload(client: Client, demo, content: bytes, name: str = "people.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/programmes/{demo.programme.slug}/import/",
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_programme_list_shows_only_the_viewers_programmes(lead_client: Client, demo) -> None:
    other = ProgrammeFactory(name="Somebody Else's Programme")
    html = lead_client.get("/").content.decode()
    assert demo.programme.name in html
    assert other.name not in html


def test_overview_shows_the_twelve_pairs_by_locality_and_the_timeline(
    lead_client: Client, demo
) -> None:
    html = lead_client.get(overview_url(demo)).content.decode()
    assert "12 doctor–manager pairs" in html
    for locality in ("Riverside North", "Riverside South", "The Fells"):
        assert f"{locality} <span" in html
    assert html.count("(4 of 4 services paired)") == 3
    assert "Dr Amara Okafor" in html and "Anna Kowalski" in html
    timeline = html[html.index("<h2>Timeline</h2>") :]  # the plan above names the phase too
    assert (
        timeline.index("Baseline stock take")
        < timeline.index("Repeat stock take")
        < timeline.index("Final away day")
    )


def test_overview_counts_people_by_role(lead_client: Client) -> None:
    html = lead_client.get("/programmes/partnership-2025/").content.decode()
    cells = re.findall(
        r"<td class=\"nhsuk-table__cell\">([^<]+)</td><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">(\d+)</td>",
        html,
    )
    assert cells == [
        ("Programme lead", "1"),
        ("Sponsor", "2"),
        ("Coach", "2"),
        ("Participant", "24"),
        ("Comparison respondent", "12"),
    ]


def test_overview_query_count_does_not_grow_with_the_programme(
    lead_client: Client, demo, django_assert_max_num_queries
) -> None:
    # 13: the overdue-actions panel (workshops) is one query; the lead's plan adds a fixed 8
    # (milestones; participants and unpaired services; the waves with their counts; people
    # without a coach; whether an away day is planned), none per person or per wave.
    with django_assert_max_num_queries(21):
        lead_client.get(overview_url(demo))


def test_people_list_query_count_is_bounded(
    lead_client: Client, demo, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(10):
        response = lead_client.get(f"/programmes/{demo.programme.slug}/people/")
    assert response.content.decode().count("/people/") >= 29


@pytest.mark.parametrize("role", [Role.PROGRAMME_LEAD, Role.SPONSOR, Role.COACH, Role.PARTICIPANT])
def test_every_role_sees_the_overview_and_people(role_clients: dict, demo, role: str) -> None:
    client = role_clients[role]
    assert client.get(overview_url(demo)).status_code == 200
    assert client.get(f"/programmes/{demo.programme.slug}/people/").status_code == 200


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.COACH, Role.PARTICIPANT])
@pytest.mark.parametrize(
    "path", ["import/", "import/template.csv", "milestones/new/", "pairs/new/"]
)
def test_only_the_programme_lead_manages_the_programme(
    role_clients: dict, demo, role: str, path: str
) -> None:
    response = role_clients[role].get(f"/programmes/{demo.programme.slug}/{path}")
    assert response.status_code == 403
    assert "Only the programme lead can do this." in response.content.decode()


@pytest.mark.parametrize("path", ["", "people/", "import/", "milestones/new/"])
def test_someone_outside_the_programme_is_told_it_does_not_exist(
    outsider_client: Client, demo, path: str
) -> None:
    response = outsider_client.get(f"/programmes/{demo.programme.slug}/{path}")
    assert response.status_code == 404
    assert demo.programme.name not in response.content.decode()


def test_a_person_from_another_programme_is_not_found_through_this_one(
    lead_client: Client, demo
) -> None:
    from ..factories import ParticipantFactory

    stranger = ParticipantFactory()
    response = lead_client.get(f"/programmes/{demo.programme.slug}/people/{stranger.pk}/")
    assert response.status_code == 404
    assert stranger.person.name not in response.content.decode()


def test_emails_are_shown_to_the_lead_but_not_to_participants(
    lead_client: Client, participant_client: Client, demo
) -> None:
    anna = participant_named(demo, "Anna Kowalski")
    url = f"/programmes/{demo.programme.slug}/people/{anna.pk}/"
    assert "anna.kowalski@riverside-fells.example" in lead_client.get(url).content.decode()
    html = participant_client.get(url).content.decode()
    assert "Anna Kowalski" in html
    assert "anna.kowalski@riverside-fells.example" not in html


def test_person_page_names_their_pair_partner(participant_client: Client, demo) -> None:
    amara = participant_named(demo, "Dr Amara Okafor")
    html = participant_client.get(
        f"/programmes/{demo.programme.slug}/people/{amara.pk}/"
    ).content.decode()
    assert "Leads North Community Mental Health Team with" in html
    assert "Anna Kowalski" in html


def test_people_can_be_filtered_by_role_and_name(lead_client: Client, demo) -> None:
    html = lead_client.get(f"/programmes/{demo.programme.slug}/people/?role=coach").content.decode()
    assert "2 people" in html and "Nadia Foster" in html and "Dr Amara Okafor" not in html
    html = lead_client.get(f"/programmes/{demo.programme.slug}/people/?q=okafor").content.decode()
    assert "1 person" in html and "Dr Amara Okafor" in html


def test_web_import_previews_then_writes_only_on_confirmation(lead_client: Client, demo) -> None:
    response = upload(lead_client, demo, NEW_PEOPLE_CSV.encode())
    html = response.content.decode()
    assert "Check the import" in html and "Import 2 people" in html
    assert not Person.objects.filter(email="nia.roberts@riverside-fells.example").exists()
    confirm_url = response.redirect_chain[-1][0]
    token = confirm_url.rstrip("/").rsplit("/", 1)[-1]
    response = lead_client.post(confirm_url, {"token": token}, follow=True)
    assert "2 new, 0 updated, 0 unchanged; 1 pairs created" in response.content.decode()
    assert Pair.objects.filter(programme=demo.programme, service__name="Eating Disorders").exists()
    # The stored upload is gone: confirming twice cannot import twice.
    again = lead_client.post(confirm_url, {"token": token}, follow=True)
    assert "expired or was already imported" in again.content.decode()


def test_an_upload_is_found_only_from_the_session_that_made_it(lead_client: Client, demo) -> None:
    # Another lead's browser holding the preview link (its token) finds nothing to import.
    response = upload(lead_client, demo, NEW_PEOPLE_CSV.encode())
    confirm_url = response.redirect_chain[-1][0]
    other = Client()  # the same lead, logged in on another device
    other.force_login(demo_lead_user(demo))
    again = other.post(confirm_url, follow=True)
    assert "expired or was already imported" in again.content.decode()
    assert not Person.objects.filter(email="nia.roberts@riverside-fells.example").exists()
    # The first session still can.
    assert "Import 2 people" in lead_client.get(confirm_url).content.decode()


def demo_lead_user(demo):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from tandem.demo import email_for

    return get_user_model().objects.get(email=email_for("Priya Sandhu"))


def test_web_import_with_bad_rows_lists_each_and_offers_no_import_button(
    lead_client: Client, demo
) -> None:
    bad = NEW_PEOPLE_CSV.replace(",manager,", ",pilot,").encode()
    response = upload(lead_client, demo, bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" not in html  # the summary has its own title naming the file
    assert "problems in people.csv" in html
    assert "Row 3, profession: Unknown profession “pilot”" in html
    assert "Import 2 people" not in html
    assert not Person.objects.filter(email="nia.roberts@riverside-fells.example").exists()


def test_web_import_of_an_unreadable_file_says_why(lead_client: Client, demo) -> None:
    response = upload(lead_client, demo, b"\xd0\xcf\x11\xe0old excel", name="people.xls")
    assert response.status_code == 400
    assert "Old Excel (.xls) files are not supported" in response.content.decode()


def test_import_page_without_a_file_shows_the_error_summary(lead_client: Client, demo) -> None:
    response = lead_client.post(f"/programmes/{demo.programme.slug}/import/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#id_file"' in html


def test_import_template_has_the_expected_columns(lead_client: Client, demo) -> None:
    response = lead_client.get(f"/programmes/{demo.programme.slug}/import/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response.content.decode().splitlines()[0]
        == "name,email,profession,level,locality,service,programme role,pair"
    )


def test_lead_adds_a_milestone_and_it_appears_on_the_timeline(lead_client: Client, demo) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/milestones/new/",
        {
            "kind": "away_day",
            "title": "Extra away day",
            "start_date": "2026-06-04",
            "end_date": "",
            "description": "",
        },
        follow=True,
    )
    assert "Extra away day" in response.content.decode()
    assert Milestone.objects.filter(programme=demo.programme, title="Extra away day").exists()


def test_milestone_ending_before_it_starts_is_refused_on_the_end_date_field(
    lead_client: Client, demo
) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/milestones/new/",
        {
            "kind": "coaching",
            "title": "Coaching",
            "start_date": "2026-06-04",
            "end_date": "2026-05-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        'href="#id_end_date"' in html and "The end date must be on or after the start date." in html
    )


def test_lead_pairs_two_people_and_gets_a_clear_error_for_two_managers(
    lead_client: Client, demo
) -> None:
    service = ServiceFactory(
        name="Veterans Service", locality__organisation=demo.programme.organisation
    )
    pair = Pair.objects.get(programme=demo.programme, doctor__person__name="Dr Amara Okafor")
    Pair.objects.filter(pk=pair.pk).delete()
    url = f"/programmes/{demo.programme.slug}/pairs/new/"
    response = lead_client.post(
        url, {"service": service.pk, "doctor": pair.manager_id, "manager": pair.manager_id}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Anna Kowalski is recorded as manager, not a doctor" in html
    response = lead_client.post(
        url, {"service": service.pk, "doctor": pair.doctor_id, "manager": pair.manager_id}
    )
    assert response.status_code == 302
    assert Pair.objects.get(programme=demo.programme, service=service).doctor_id == pair.doctor_id


def test_unpairing_needs_a_post_and_the_lead(
    lead_client: Client, participant_client: Client, demo
) -> None:
    pair = demo.pairs[0]
    url = f"/programmes/{demo.programme.slug}/pairs/{pair.pk}/delete/"
    assert lead_client.get(url).status_code == 405
    assert participant_client.post(url).status_code == 403
    assert lead_client.post(url).status_code == 302
    assert not Pair.objects.filter(pk=pair.pk).exists()


def test_unknown_pages_get_the_tandem_404_page(lead_client: Client) -> None:
    response = lead_client.get("/programmes/no-such-programme/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_upload_the_file_store_refuses_is_said_plainly_and_nothing_is_imported(
    lead_client: Client, demo, settings
) -> None:
    moto = pytest.importorskip("moto")
    people_before = Person.objects.count()
    with moto.mock_aws():  # an S3 bucket that does not exist: every write is refused
        settings.TANDEM_S3_BUCKET = "tandem-missing-bucket"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": "tandem-missing-bucket", "region_name": "eu-west-2"},
            },
        }
        response = upload(lead_client, demo, NEW_PEOPLE_CSV.encode())
    html = response.content.decode()
    assert response.status_code == 503
    assert "<h1>Your file could not be kept</h1>" in html
    assert "nothing was uploaded or imported" in html
    assert "NoSuchBucket" not in html, "the store's own error is for the IT team, not the page"
    assert Person.objects.count() == people_before
