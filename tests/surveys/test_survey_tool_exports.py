"""Every export each survey tool writes for responses, imported through the CLI and through the
web's column-matching step, and each one's bad twin refused by row and column with nothing written.

The files are in fixtures/tools/, written by fixtures/tools/build.py from each tool's documented
layout: four of the demo's participants, of whom Brian Doyle did not finish (Forms keeps only
submitted responses, so its exports have three). The lead's choices are what a lead would make:
the columns a tool names by its own codes, the meaning of answer codes the suggestion gets wrong,
the key and the participant list when the export has no e-mail address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.surveys.forms import code_field_name
from tandem.surveys.models import Answer, Invitation, InvitationStatus, ResponseImportMapping

TOOLS = Path(__file__).parent / "fixtures" / "tools"
DOMAIN = "riverside-fells.example"
AMARA, ANNA, BEN, BRIAN = (
    f"{name}@{DOMAIN}" for name in ("amara.okafor", "anna.kowalski", "ben.hartley", "brian.doyle")
)
LIME_COLUMNS = {
    "comm[SQ001]": "comm1",
    "comm[SQ002]": "comm2",
    "comm[SQ003]": "comm3",
    "trust[SQ001]": "trust1",
    "worksWell": "works_well",
}
# The survey lists the trust array's options "Strongly agree" first: A1 is Strongly agree.
TRUST_REVERSED = {"A1": "5", "A2": "4", "A3": "3", "A4": "2", "A5": "1", "A6": "dont_know"}


@dataclass(frozen=True)
class Variant:
    file: str
    source: str
    bad: str
    bad_error: tuple[int, str, str]  # row, column, words of the message
    match_by: str | None = None
    participants: str | None = None
    bad_participants: str | None = None  # the twin is the list, not the export
    unmatched: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # the lead's choices
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    unfinished_row: int | None = None

    def __str__(self) -> str:
        return self.file


COMM1 = "Doctors and managers in my service talk about problems as soon as they come up."
COMM2 = "Managers in my service explain the reasons for their decisions to doctors."
LIME_COMM1 = f"Keeping each other informed [{COMM1}]"
LIME_COMM2 = f"Keeping each other informed [{COMM2}]"

VARIANTS = [
    Variant(
        "msforms.xlsx",
        "msforms",
        "msforms-bad.xlsx",
        (3, COMM2, "“Agreed” is not an answer to this question"),
    ),
    Variant(
        "msforms.csv",
        "msforms",
        "msforms-bad.csv",
        (4, "Email", f"{AMARA} has responded twice: also on row 2."),
    ),
    Variant(
        "qualtrics.csv",
        "qualtrics",
        "qualtrics-bad.csv",
        (5, "Q1_3", "“Sometimes” is not an answer to this question"),
        unfinished_row=7,
    ),
    Variant(
        "qualtrics-values.csv",
        "qualtrics",
        "qualtrics-values-bad.csv",
        (5, "Q1_2", "“9” is not an answer to this question"),
        unfinished_row=7,
    ),
    Variant(
        "qualtrics.tsv",
        "qualtrics",
        "qualtrics-bad.tsv",
        (6, "RecipientEmail", "a.stranger@elsewhere.example is not invited to this wave."),
        unfinished_row=7,
    ),
    Variant(
        "qualtrics.xlsx",
        "qualtrics",
        "qualtrics-bad.xlsx",
        (4, "RecipientEmail", "No e-mail address, so this response cannot be matched."),
        unfinished_row=7,
    ),
    Variant(
        "qualtrics-legacy.csv",
        "qualtrics",
        "qualtrics-legacy-bad.csv",
        (3, "Q1_3", "“Mostly” is not an answer to this question"),
        unfinished_row=6,
    ),
    Variant(
        "qualtrics-references.csv",
        "qualtrics",
        "qualtrics-references-bad.csv",
        (
            5,
            "ExternalReference",
            "Qualtrics external data reference “RF-999” is not in the participant list "
            "qualtrics-contacts.csv.",
        ),
        match_by="externalreference",
        participants="qualtrics-contacts.csv",
        unfinished_row=7,
    ),
    Variant(
        "qualtrics-references.csv",
        "qualtrics",
        "qualtrics-references.csv",
        (
            5,
            "ResponseId",
            "Qualtrics response ID “R_2aBcDeFgHiJkLmN2” is not in the participant list "
            "qualtrics-history-bad.csv.",
        ),
        match_by="responseid",
        participants="qualtrics-history.csv",
        bad_participants="qualtrics-history-bad.csv",
        unfinished_row=7,
    ),
    Variant(
        "qualtrics-anonymous.csv",
        "qualtrics",
        "qualtrics-anonymous-bad.csv",
        (5, "RecipientEmail", f"This response has an e-mail address ({ANNA})"),
        unmatched=True,
        unfinished_row=7,
    ),
    Variant(
        "limesurvey-codes.csv",
        "limesurvey",
        "limesurvey-codes-bad.csv",
        (3, "comm[SQ002]", "“A9” is not an answer to this question"),
        match_by="token",
        participants="limesurvey-participants.csv",
        columns=LIME_COLUMNS,
        codes={"trust": TRUST_REVERSED},
        unfinished_row=5,
    ),
    Variant(
        "limesurvey-codes.xlsx",
        "limesurvey",
        "limesurvey-codes-bad.xlsx",
        (
            4,
            "token",
            "LimeSurvey token (access code) “tkUNKNOWN” is not in the participant list "
            "limesurvey-participants.csv.",
        ),
        match_by="token",
        participants="limesurvey-participants.csv",
        columns=LIME_COLUMNS,
        codes={"trust": TRUST_REVERSED},
        unfinished_row=5,
    ),
    Variant(
        "limesurvey-texts.csv",
        "limesurvey",
        "limesurvey-texts-bad.csv",
        (2, LIME_COMM2, "“Mostly agree” is not an answer to this question"),
        columns={
            "What works well in how doctors and managers work together in your service?": "works_well"
        },
        unfinished_row=5,
    ),
    Variant(
        "limesurvey-texts.xlsx",
        "limesurvey",
        "limesurvey-texts-bad.xlsx",
        (3, "Email address", "someone@elsewhere.example is not invited to this wave."),
        unfinished_row=5,
    ),
]


def _answers(invitation: Invitation) -> dict[str, object]:
    found: dict[str, object] = {}
    for answer in Answer.objects.filter(invitation=invitation):
        found[answer.item_id] = (
            "dont_know"
            if answer.dont_know
            else (answer.value if answer.value is not None else answer.text)
        )
    return found


def assert_imported(wave, variant: Variant, *, in_progress: bool = False) -> None:
    """What every export of the same four people must give: the same answers, whatever the tool."""
    if variant.unmatched:
        imported = list(wave.invitations.unmatched_responses())
        assert len(imported) == 3
        assert all(inv.status == InvitationStatus.SUBMITTED for inv in imported)
        assert sorted(_answers(inv)["comm1"] for inv in imported) == [2, 4, 5]
        return
    invitation = {
        inv.participant.person.email: inv
        for inv in wave.invitations.matched().select_related("participant__person")
    }
    amara = _answers(invitation[AMARA])
    assert {k: amara.get(k) for k in ("comm1", "comm2", "comm3", "trust1")} == {
        "comm1": 5,
        "comm2": 4,
        "comm3": "dont_know",
        "trust1": 4,
    }
    if "works_well" in amara:
        assert amara["works_well"] == "Our weekly huddle works."
    assert _answers(invitation[ANNA])["comm2"] == 2
    assert _answers(invitation[BEN])["comm1"] == 2
    assert all(invitation[e].status == InvitationStatus.SUBMITTED for e in (AMARA, ANNA, BEN))
    brian = invitation[BRIAN]
    if in_progress:
        assert brian.status == InvitationStatus.IN_PROGRESS
        assert brian.submitted_at is None
        assert _answers(brian) == {"comm1": 4}
    else:
        assert brian.status == InvitationStatus.NOT_STARTED
        assert _answers(brian) == {}


def assert_nothing_written(wave) -> None:
    assert not Answer.objects.filter(invitation__wave=wave).exists()
    assert not wave.invitations.unmatched_responses().exists()
    assert not wave.invitations.filter(status=InvitationStatus.SUBMITTED).exists()


# The command line ----------------------------------------------------------------------------


def _cli_args(
    variant: Variant, file: str, wave, tmp_path, *, participants: str | None = None
) -> list[str]:
    args = [
        "import",
        "responses",
        str(TOOLS / file),
        "--source",
        variant.source,
        "--wave",
        str(wave.pk),
        "--json",
    ]
    if variant.unmatched:
        args.append("--unmatched")
    if variant.match_by:
        args += ["--match-by", variant.match_by]
    if participants or variant.participants:
        args += ["--participants", str(TOOLS / (participants or variant.participants))]
    if variant.columns or variant.codes:
        mapping = tmp_path / "mapping.yaml"
        mapping.write_text(
            yaml.safe_dump(
                {"columns": variant.columns, "codes": variant.codes}, allow_unicode=True
            ),
            encoding="utf-8",
        )
        args += ["--mapping", str(mapping)]
    return args


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_the_cli_checks_then_imports_each_export(run, open_wave, tmp_path, variant) -> None:
    args = _cli_args(variant, variant.file, open_wave, tmp_path)
    if variant.columns:
        # The mapping file names only the lead's choices; the rest are suggested.
        pass
    code, out, err = run(*args, "--dry-run")
    assert code == 0, out + err
    report = json.loads(out)
    assert report["responses"] == 3 and report["in_progress"] == 0
    assert report["left_out"] == ([variant.unfinished_row] if variant.unfinished_row else [])
    assert report["imported"] is False
    assert_nothing_written(open_wave)
    code, out, err = run(*args)
    assert code == 0, out + err
    assert json.loads(out)["imported"] is True
    assert_imported(open_wave, variant)


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_the_cli_refuses_each_bad_twin_by_row_and_column(run, open_wave, tmp_path, variant) -> None:
    code, out, _ = run(
        *_cli_args(variant, variant.bad, open_wave, tmp_path, participants=variant.bad_participants)
    )
    assert code == 2
    errors = json.loads(out)["errors"]
    row, column, words = variant.bad_error
    assert any(
        e["row"] == row and e["column"] == column and words in e["message"] for e in errors
    ), errors
    assert_nothing_written(open_wave)


def test_unfinished_responses_can_be_imported_in_progress_from_the_cli(
    run, open_wave, tmp_path
) -> None:
    variant = VARIANTS[10]  # LimeSurvey codes, by token
    code, out, err = run(
        *_cli_args(variant, variant.file, open_wave, tmp_path), "--incomplete", "in-progress"
    )
    assert code == 0, out + err
    report = json.loads(out)
    assert (report["responses"], report["in_progress"], report["left_out"]) == (3, 1, [])
    assert_imported(open_wave, variant, in_progress=True)


def test_anonymous_responses_are_never_imported_in_progress(run, open_wave, tmp_path) -> None:
    variant = next(v for v in VARIANTS if v.unmatched)
    code, out, _ = run(
        *_cli_args(variant, variant.file, open_wave, tmp_path), "--incomplete", "in-progress"
    )
    assert code == 2
    assert "Anonymous responses cannot be imported in progress" in out
    assert_nothing_written(open_wave)


def test_matching_by_token_without_the_participant_list_says_what_to_add(
    run, open_wave, tmp_path
) -> None:
    variant = VARIANTS[10]
    args = _cli_args(variant, variant.file, open_wave, tmp_path)
    index = args.index("--participants")
    del args[index : index + 2]
    code, out, _ = run(*args)
    assert code == 2
    [error] = json.loads(out)["errors"]
    assert error["message"].startswith(
        "Matching by LimeSurvey token (access code) needs the participant list exported from LimeSurvey"
    )
    assert_nothing_written(open_wave)


def test_a_participant_list_without_the_identifier_is_refused_by_name(
    run, open_wave, tmp_path
) -> None:
    variant = VARIANTS[10]
    code, _, err = run(
        *_cli_args(
            variant, variant.file, open_wave, tmp_path, participants="qualtrics-contacts.csv"
        )
    )
    assert code == 2
    assert "qualtrics-contacts.csv: no token or accesscode column" in err
    assert_nothing_written(open_wave)


def test_the_answer_codes_suggested_are_shown_and_a_wrong_guess_is_the_leads_to_correct(
    run, open_wave, tmp_path
) -> None:
    """Without the lead's correction the trust array's codes would be read the wrong way round:
    the report says what each code is read as, so the lead can see it before importing."""
    variant = VARIANTS[10]
    uncorrected = Variant(**{**variant.__dict__, "codes": {}})
    code, out, _ = run(*_cli_args(uncorrected, variant.file, open_wave, tmp_path), "--dry-run")
    assert code == 0
    report = json.loads(out)
    assert report["codes"]["trust"] == {"A1": "1", "A2": "2"}
    assert report["codes"]["comm"] == {"A2": "2", "A4": "4", "A5": "5", "A6": "dont_know"}


# The web's column-matching step ----------------------------------------------------------------


class _FormDefaults(HTMLParser):
    """The fields a browser would send for the page's check form, as it stands (no script)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.form_is_check = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.values: dict[str, str] = {}
        self.forms: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form, self.values = True, {}
        elif not self.in_form:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "hidden" or (kind in {"radio", "checkbox"} and "checked" in a):
                self.values[a["name"]] = a.get("value", "on")
        elif tag == "select":
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.values.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.values[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            self.forms.append(self.values)


def form_defaults(html: str, action: str = "check") -> dict[str, str]:
    parser = _FormDefaults()
    parser.feed(html)
    return next(f for f in parser.forms if f.get("action") == action)


def column_field(html: str, column: str) -> str:
    """The select's name whose label is the column heading (with its text, if any)."""
    for name, label in re.findall(r'for="id_(col_\d+)"\s*>\s*(.*?)\s*</label>', html, re.S):
        if label.split(": ", 1)[0] == column.replace("'", "&#39;") or label == column:
            return name
    raise AssertionError(f"no select for column {column}")


def web_check(
    client,
    demo,
    wave,
    variant: Variant,
    file: str,
    *,
    participants: str | None = None,
    incomplete: str | None = None,
):
    base = f"/programmes/{demo.programme.slug}/questionnaires/{wave.pk}/import/"
    upload = {
        "source": variant.source,
        "file": SimpleUploadedFile(file, (TOOLS / file).read_bytes()),
    }
    if variant.unmatched:
        upload["unmatched"] = "on"
    page = client.post(base, upload, follow=True)
    assert page.status_code == 200, page.content.decode()[:2000]
    html = page.content.decode()
    map_url = page.redirect_chain[-1][0]
    data: dict[str, object] = form_defaults(html)
    for column, item in variant.columns.items():
        data[column_field(html, column)] = item
    if variant.match_by:
        data["match_by"] = variant.match_by
    listed = participants or variant.participants
    if listed:
        data["participant_list"] = SimpleUploadedFile(listed, (TOOLS / listed).read_bytes())
    if incomplete:
        data["incomplete"] = incomplete
    for key, meanings in variant.codes.items():
        for code, meaning in meanings.items():
            data[code_field_name(key, code)] = meaning
    return map_url, client.post(map_url, data)


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_the_web_checks_then_imports_each_export(lead_client, demo, open_wave, variant) -> None:
    map_url, checked = web_check(lead_client, demo, open_wave, variant, variant.file)
    html = checked.content.decode()
    assert checked.status_code == 200, re.findall(r"<li>\s*(Row.*?)</li>", html, re.S)[:5]
    assert "Ready to import" in html
    assert "3 responses will be added to this wave as submitted" in html
    if variant.unfinished_row and not variant.unmatched:
        assert f'<td class="nhsuk-table__cell">{variant.unfinished_row}</td>' in html
        assert "Not finished" in html and "Left out" in html
    assert_nothing_written(open_wave)
    done = lead_client.post(map_url, {"action": "confirm"}, follow=True)
    assert "Imported 3 responses" in done.content.decode()
    assert_imported(open_wave, variant)


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_the_web_refuses_each_bad_twin_by_row_and_column(
    lead_client, demo, open_wave, variant
) -> None:
    map_url, checked = web_check(
        lead_client, demo, open_wave, variant, variant.bad, participants=variant.bad_participants
    )
    html = checked.content.decode().replace("&#39;", "'").replace("&amp;", "&")
    row, column, words = variant.bad_error
    assert checked.status_code == 400
    assert f"Row {row}, {column}: {words}" in html
    assert "Ready to import" not in html
    lead_client.post(map_url, {"action": "confirm"})
    assert_nothing_written(open_wave)


def test_the_web_imports_unfinished_responses_in_progress_when_the_lead_chooses(
    lead_client, demo, open_wave
) -> None:
    variant = VARIANTS[2]  # Qualtrics CSV, choice text
    map_url, checked = web_check(
        lead_client, demo, open_wave, variant, variant.file, incomplete="in_progress"
    )
    html = checked.content.decode()
    assert "1 not finished in Qualtrics will be added as in progress" in html
    done = lead_client.post(map_url, {"action": "confirm"}, follow=True)
    assert "and 1 unfinished as in progress" in done.content.decode()
    assert_imported(open_wave, variant, in_progress=True)


def test_the_key_and_the_codes_confirmed_are_remembered_for_the_next_export(
    lead_client, demo, open_wave
) -> None:
    variant = VARIANTS[10]
    map_url, _ = web_check(lead_client, demo, open_wave, variant, variant.file)
    lead_client.post(map_url, {"action": "confirm"})
    remembered = ResponseImportMapping.objects.get(programme=demo.programme, source="limesurvey")
    assert remembered.match_by == "token"
    assert remembered.codes["trust"]["A1"] == "5"
    # The next export from LimeSurvey: the page offers what was chosen, without being told.
    base = f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/import/"
    page = lead_client.post(
        base,
        {
            "source": "limesurvey",
            "file": SimpleUploadedFile("again.csv", (TOOLS / variant.file).read_bytes()),
        },
        follow=True,
    )
    defaults = form_defaults(page.content.decode())
    assert defaults["match_by"] == "token"
    assert defaults[code_field_name("trust", "A1")] == "5"
    assert defaults[code_field_name("comm", "A6")] == "dont_know"
    assert defaults[column_field(page.content.decode(), "trust[SQ001]")] == "trust1"


def test_the_dry_run_previews_each_response_with_whose_it_is_and_what_happens(
    run, open_wave, tmp_path
) -> None:
    variant = VARIANTS[10]
    code, out, _ = run(*_cli_args(variant, variant.file, open_wave, tmp_path), "--dry-run")
    assert code == 0
    assert json.loads(out)["preview"] == [
        {"row": 2, "who": AMARA, "finished": "Finished", "outcome": "Submitted"},
        {"row": 3, "who": ANNA, "finished": "Finished", "outcome": "Submitted"},
        {"row": 4, "who": BEN, "finished": "Finished", "outcome": "Submitted"},
        {
            "row": 5,
            "who": "tk4q7ZmXw",
            "finished": "Not finished (no submit date)",
            "outcome": "Left out",
        },
    ]


def test_the_readme_mapping_file_example_reads_as_it_says() -> None:
    from tandem.surveys.response_import import mapping_from_yaml

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\ncolumns:", 1)[1].split("```", 1)[0]
    read = mapping_from_yaml("columns:" + block)
    assert read.columns == {
        "comm[SQ001]": "comm1",
        "trust[SQ001]": "trust1",
        "worksWell": "works_well",
        "Q7": "",
    }
    assert read.codes == {"trust": TRUST_REVERSED}
    assert read.match_by == "token"


def test_an_anonymous_link_export_not_marked_unmatched_says_to_import_it_unmatched(
    lead_client, demo, open_wave
) -> None:
    variant = Variant(**{**VARIANTS[9].__dict__, "unmatched": False})
    _, checked = web_check(lead_client, demo, open_wave, variant, variant.file)
    html = checked.content.decode().replace("&#39;", "'")
    assert checked.status_code == 400
    assert (
        "Matching by Qualtrics response ID needs the participant list exported from Qualtrics"
        in html
    )
    assert "If the responses were collected anonymously, import them unmatched instead." in html
    assert_nothing_written(open_wave)
