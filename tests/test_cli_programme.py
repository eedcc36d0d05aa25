"""`tandem programme templates` and `tandem programme create`."""

from __future__ import annotations

import json

import pytest

from tandem import cli
from tandem.programmes.models import Milestone, Programme
from tests.factories import OrganisationFactory, PersonFactory


@pytest.fixture
def run(capsys):
    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Fellside Trust", slug="fellside")


CREATE = (
    "programme", "create", "--org", "fellside", "--title", "Partnership 2027",
    "--template", "partnership-12m", "--start", "2027-01-04",
    "--lead", "jo@fellside.example", "--lead-name", "Jo Lead",
)  # fmt: skip


def test_templates_json_lists_the_partnership_template_with_its_milestones(run) -> None:
    code, out, _ = run("programme", "templates", "--json")
    assert code == 0
    [template] = [t for t in json.loads(out) if t["id"] == "partnership-12m"]
    assert template["milestones"][0] == {
        "kind": "stock_take",
        "title": "Baseline stock take",
        "offset_days": 7,
        "duration_days": 28,
    }


def test_templates_without_json_is_a_table(run) -> None:
    code, out, _ = run("programme", "templates")
    assert code == 0
    assert "partnership-12m  Doctor–manager partnership, 12 months" in out


def test_create_prints_the_slug_and_the_milestones_in_date_order(organisation, run) -> None:
    code, out, _ = run(*CREATE, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["slug"] == "partnership-2027"
    milestones = report["milestones"]
    assert milestones[0] == {
        "kind": "stock_take",
        "title": "Baseline stock take",
        "starts_on": "2027-01-11",
        "ends_on": "2027-02-07",
    }
    # A one-day event ends on the day it starts.
    assert milestones[1]["starts_on"] == milestones[1]["ends_on"] == "2027-03-01"
    starts = [m["starts_on"] for m in milestones]
    assert starts == sorted(starts) and len(starts) == 11
    assert Programme.objects.get(slug="partnership-2027").milestones.count() == 11


def test_dry_run_prints_the_same_and_writes_nothing(organisation, run) -> None:
    before = (Programme.objects.count(), Milestone.objects.count())
    code, out, _ = run(*CREATE, "--json", "--dry-run")
    assert code == 0
    assert json.loads(out)["slug"] == "partnership-2027"
    assert json.loads(out)["dry_run"] is True
    assert (Programme.objects.count(), Milestone.objects.count()) == before


@pytest.mark.parametrize(
    ("option", "value", "names"),
    [
        ("--org", "nowhere", "--org: no organisation “nowhere”"),
        ("--template", "nope", "--template: No programme template “nope”"),
        ("--start", "2027-13-01", "--start: “2027-13-01” is not a date"),
        ("--lead", "away@other.example", "--lead: away@other.example belongs to someone in"),
    ],
)
def test_bad_input_exits_2_naming_the_argument(organisation, run, option, value, names) -> None:
    PersonFactory(email="away@other.example")
    argv = list(CREATE)
    argv[argv.index(option) + 1] = value
    code, _out, err = run(*argv)
    assert code == 2
    assert err.startswith(f"tandem: {names}")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not Programme.objects.filter(slug="partnership-2027").exists()


def test_k_below_three_exits_2_naming_k(organisation, run) -> None:
    code, _, err = run(*CREATE, "--k", "2")
    assert code == 2
    assert err.startswith("tandem: --k: The smallest group shown must be at least 3 people")
