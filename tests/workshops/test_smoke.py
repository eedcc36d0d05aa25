import pytest


@pytest.mark.parametrize(
    "path",
    [
        "",
        "charter/",
        "mission/",
        "roles/",
        "actions/",
        "actions/mine/",
        "meetings/",
        "charter.pdf",
        "charter.xlsx",
        "actions.pdf",
        "actions.xlsx",
        "away-days/new/",
        "charter/new/",
        "mission/new/",
        "actions/new/",
    ],
)
def test_lead_pages(lead_client, urls, path):
    r = lead_client.get(urls.base + path, follow=True)
    assert r.status_code == 200, r.content[:3000]


@pytest.mark.parametrize(
    "attr", ["first", "second", "pair", "other_pair", "own_action", "practice", "meeting"]
)
def test_lead_detail(lead_client, urls, attr):
    r = lead_client.get(getattr(urls, attr))
    assert r.status_code == 200, r.content[:3000]


@pytest.mark.parametrize(
    "path",
    ["agenda/new/", "attendance/", "materials/new/", "evaluation/results/", "agenda.pdf", "edit/"],
)
def test_lead_day(lead_client, urls, path):
    r = lead_client.get(urls.first + path)
    assert r.status_code == 200, r.content[:3000]


def test_participant(participant_client, urls):
    for p in [
        urls.base,
        urls.pair,
        urls.base + "observations/",
        urls.base + "observations/new/",
        urls.own_action,
        urls.first + "evaluation/",
        urls.pair + "new/",
    ]:
        r = participant_client.get(p)
        assert r.status_code == 200, (p, r.content[:3000])
