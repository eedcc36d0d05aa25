"""Responses collected through an anonymous link (no e-mail column), imported as unmatched
responses: counted in the wave's report, belonging to no one, and checked like any import."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tandem.programmes.importer import ImportFileError
from tandem.reports.feedback import build_feedback
from tandem.surveys import selectors, services
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer, Invitation, InvitationStatus
from tandem.surveys.response_import import plan_response_import, read_responses, suggest_mapping

STOCK_TAKE = get_instrument("stock-take")
ITEMS = [STOCK_TAKE.item(i) for i in ("comm1", "comm2", "comm3", "works_well")]
ANSWERS = ["Agree", "Strongly agree", "Disagree", "Neither agree nor disagree", "Agree", "Agree"]


def anonymous_forms_bytes(rows: list[list[object]] | None = None) -> bytes:
    """An anonymous Microsoft Forms workbook: "Open in Excel" with no Email and no Name column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["ID", "Start time", "Completion time", "Last modified time", *[i.text for i in ITEMS]]
    )
    for row in (
        rows
        if rows is not None
        else [
            [
                n + 1,
                dt.datetime(2025, 1, 21, 9, n),
                dt.datetime(2025, 1, 21, 9, n + 10),
                None,
                answer,
                "Agree",
                "Strongly agree",
                "Weekly huddles" if n % 2 else None,
            ]
            for n, answer in enumerate(ANSWERS)
        ]
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def qualtrics_anonymous_csv(*, with_text_iq: bool = True, email: str = "") -> bytes:
    """A Qualtrics anonymous-link export: RecipientEmail empty; Text iQ columns after Q9."""
    ids = ["StartDate", "RecordedDate", "ResponseId", "RecipientEmail", "Finished", "Q1_1", "Q9"]
    texts = ["Start Date", "Recorded Date", "Response ID", "Recipient Email", "Finished"]
    texts += [f"Keeping each other informed - {STOCK_TAKE.item('comm1').text}", "What works well?"]
    imports = [f'"{{""ImportId"":""{column}""}}"' for column in ids]
    if with_text_iq:
        iq = ["Q9 - Topics", "Q9 - Sentiment", "Q9 - Sentiment Polarity", "Q9 - Sentiment Score"]
        iq += ["Q9 - Topic Sentiment Label", "Q9 - Parent Topics", "Q9 - Topic Hierarchy Level 1"]
        ids += iq
        texts += iq
        imports += [f'"{{""ImportId"":""{column}""}}"' for column in iq]
    lines = [",".join(ids), ",".join(texts), ",".join(imports)]
    for n in range(3):
        cells = ["2025-01-21 09:00:00", "2025-01-21 09:10:00", f"R_anon{n}", email, "1", "4"]
        cells += ["Huddles"]
        if with_text_iq:
            cells += ["Meetings", "Positive", "1", "0.8", "Positive", "Ways of working", "Meetings"]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _plan(wave, data: bytes, *, source: str = "msforms", unmatched: bool = True):
    parsed = read_responses(data=data, filename="export", source=source, unmatched=unmatched)
    return plan_response_import(
        parsed=parsed,
        instrument=STOCK_TAKE,
        mapping=suggest_mapping(parsed, STOCK_TAKE, {}),
        invited=selectors.invitation_statuses(wave=wave),
        already_imported=selectors.imported_response_ids(wave=wave, source=source),
    )


def _upload(client, demo, wave, data: bytes, filename: str, **extra):
    base = f"/programmes/{demo.programme.slug}/questionnaires/{wave.pk}/import/"
    response = client.post(
        base,
        {"source": "msforms", "file": SimpleUploadedFile(filename, data), **extra},
        follow=True,
    )
    return response.redirect_chain[-1][0], response.content.decode()


def test_an_anonymous_forms_export_imported_unmatched_counts_in_the_report_and_is_marked(
    lead_client, demo, open_wave
) -> None:
    map_url, html = _upload(
        lead_client, demo, open_wave, anonymous_forms_bytes(), "anon.xlsx", unmatched="on"
    )
    assert "These responses will be imported" in html and "unmatched" in html
    fields = {f"col_{i}": item.id for i, item in enumerate(ITEMS)}
    checked = lead_client.post(map_url, {"action": "check", **fields}).content.decode()
    assert "6 responses will be added to this wave as submitted, unmatched." in checked
    done = lead_client.post(map_url, {"action": "confirm"}, follow=True).content.decode()
    assert "Imported 6 responses (21 answers) from anon.xlsx as unmatched responses." in done
    # The wave page: invitees' response rate untouched, the unmatched responses said apart.
    assert "0 of 24 submitted" in done
    assert "6 responses imported unmatched" in done
    unmatched = open_wave.invitations.filter(unmatched=True)
    assert unmatched.count() == 6
    assert not unmatched.exclude(participant=None).exists()
    assert set(unmatched.values_list("status", flat=True)) == {InvitationStatus.SUBMITTED}

    services.wave_close(wave=open_wave)
    report = build_feedback(open_wave)
    communication = next(s for s in report.scales if s.id == "communication")
    assert communication.overall.shown and communication.overall.n == 6
    assert report.unmatched == 6
    assert report.response_total.invited == 24
    page = lead_client.get(
        f"/programmes/{demo.programme.slug}/reports/waves/{open_wave.pk}/"
    ).content.decode()
    assert "Also 6 responses imported unmatched" in page
    assert "Unmatched responses" in page


def test_unmatched_responses_are_nobodys_invitation(run, demo, open_wave) -> None:
    services.responses_import_commit(
        wave=open_wave, plan=_plan(open_wave, anonymous_forms_bytes()), source="msforms"
    )
    services.invitations_send(wave=open_wave, base_url="https://tandem.example")
    assert len(mail.outbox) == 24, "one e-mail per invited person, none for an unmatched response"
    completion = selectors.wave_completion(viewer=demo_lead(demo), wave=open_wave)
    assert (completion.invited, completion.submitted, completion.unmatched) == (24, 0, 6)
    assert len(completion.rows) == 24
    token = open_wave.invitations.filter(unmatched=True).first().token
    with pytest.raises(selectors.InvitationNotFound):
        selectors.invitation_by_token(token=token)
    code, out, _ = run("invitations", "list", "--wave", str(open_wave.pk), "--json")
    assert code == 0 and len(json.loads(out)["invitations"]) == 24


def test_the_api_gives_unmatched_responses_apart_from_the_response_counts(
    lead_client, demo, open_wave
) -> None:
    services.responses_import_commit(
        wave=open_wave, plan=_plan(open_wave, anonymous_forms_bytes()), source="msforms"
    )
    body = lead_client.get(f"/api/v1/programmes/{demo.programme.slug}/waves/{open_wave.pk}").json()
    assert body["unmatched_responses"] == 6
    assert body["completion"]["submitted"] == 0 and body["completion"]["invited"] == 24


def demo_lead(demo):
    from tandem.accounts.models import User

    return User.objects.get(email=demo.lead_email)


def test_qualtrics_text_iq_columns_are_neither_questions_nor_problems() -> None:
    parsed = read_responses(
        data=qualtrics_anonymous_csv(), filename="q.csv", source="qualtrics", unmatched=True
    )
    assert parsed.questions == ["Q1_1", "Q9"]
    assert parsed.errors == []
    plan = plan_response_import(
        parsed=parsed,
        instrument=STOCK_TAKE,
        mapping={"Q1_1": "comm1", "Q9": "works_well"},
        invited={},
    )
    assert plan.errors == [] and plan.warnings == []
    assert len(plan.responses) == 3


def test_the_cli_imports_an_anonymous_qualtrics_export_once(run, open_wave, tmp_path) -> None:
    export = tmp_path / "anon.csv"
    export.write_bytes(qualtrics_anonymous_csv())
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Q1_1: comm1\nQ9: works_well\n", encoding="utf-8")
    args = ["import", "responses", str(export), "--source", "qualtrics"]
    args += ["--wave", str(open_wave.pk), "--mapping", str(mapping), "--unmatched"]
    code, out, err = run(*args)
    assert code == 0, err
    assert "Imported 3 unmatched responses" in out
    assert (
        Answer.objects.filter(invitation__wave=open_wave, invitation__unmatched=True).count() == 6
    )
    code, _, err = run(*args)
    assert code == 2
    assert "row 4: Response R_anon0 has already been imported into this wave" in err
    assert open_wave.invitations.filter(unmatched=True).count() == 3


def test_the_same_forms_export_twice_is_refused_but_another_forms_export_is_not(
    open_wave,
) -> None:
    services.responses_import_commit(
        wave=open_wave, plan=_plan(open_wave, anonymous_forms_bytes()), source="msforms"
    )
    again = _plan(open_wave, anonymous_forms_bytes())
    assert len(again.errors) == 6
    assert again.errors[0].row == 2
    assert again.errors[0].message == (
        "Response 1 (2025-01-21 09:10:00) has already been imported into this wave; importing "
        "it again would count it twice."
    )
    # Another form (say, a second site's) numbers its responses 1, 2, 3… too.
    other_site = [
        [1, None, dt.datetime(2025, 2, 3, 14, 5), None, "Agree", "Agree", "Agree", None],
        [2, None, dt.datetime(2025, 2, 3, 15, 0), None, "Disagree", "Agree", "Agree", None],
    ]
    assert _plan(open_wave, anonymous_forms_bytes(other_site)).is_valid


def test_a_response_twice_in_one_anonymous_file_is_refused_by_its_row(open_wave) -> None:
    row = [1, None, dt.datetime(2025, 2, 3, 14, 5), None, "Agree", "Agree", "Agree", None]
    plan = _plan(open_wave, anonymous_forms_bytes([row, row]))
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (3, "ID", "Response 1 (2025-02-03 14:05:00) appears twice: also on row 2.")
    ]


def test_an_anonymous_export_without_the_choice_says_how_to_import_it(open_wave) -> None:
    with pytest.raises(ImportFileError, match="import them unmatched"):
        read_responses(data=anonymous_forms_bytes(), filename="a.xlsx", source="msforms")


def test_a_file_with_e_mail_addresses_is_refused_as_unmatched_row_by_row(open_wave) -> None:
    plan = _plan(
        open_wave, qualtrics_anonymous_csv(email="amara.okafor@x.example"), source="qualtrics"
    )
    assert [(e.row, e.column) for e in plan.errors] == [
        (4, "RecipientEmail"),
        (5, "RecipientEmail"),
        (6, "RecipientEmail"),
    ]
    assert "has an e-mail address (amara.okafor@x.example)" in plan.errors[0].message
    assert "import this file without choosing “unmatched”" in plan.errors[0].message
    with pytest.raises(Exception, match="nothing was imported"):
        services.responses_import_commit(wave=open_wave, plan=plan, source="qualtrics")
    assert not Invitation.objects.filter(wave=open_wave, unmatched=True).exists()


def test_the_web_page_names_the_row_with_an_address_in_an_unmatched_import(
    lead_client, demo, open_wave
) -> None:
    rows = [
        [1, None, dt.datetime(2025, 1, 21, 9, 10), None, "Agree", "", "", ""],
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ID", "Start time", "Completion time", "Email", ITEMS[0].text, "x", "y", "z"])
    sheet.append([*rows[0][:3], "amara.okafor@riverside-fells.example", *rows[0][4:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    map_url, _ = _upload(lead_client, demo, open_wave, buffer.getvalue(), "f.xlsx", unmatched="on")
    checked = lead_client.post(map_url, {"action": "check", "col_0": "comm1"})
    html = checked.content.decode()
    assert checked.status_code == 400
    assert "Row 2, Email: This response has an e-mail address" in html
    assert "Ready to import" not in html


def test_an_unmatched_import_into_a_closed_wave_is_refused_and_writes_nothing(open_wave) -> None:
    plan = _plan(open_wave, anonymous_forms_bytes())
    assert plan.is_valid
    services.wave_close(wave=open_wave)
    with pytest.raises(services.WaveClosed, match="has closed, so no responses can be imported"):
        services.responses_import_commit(wave=open_wave, plan=plan, source="msforms")
    assert not open_wave.invitations.filter(unmatched=True).exists()
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()


def test_an_unmatched_row_with_no_answers_is_refused_by_its_row(open_wave) -> None:
    empty = [7, None, dt.datetime(2025, 1, 22, 9, 0), None, None, None, None, None]
    full = [1, None, dt.datetime(2025, 1, 21, 9, 0), None, "Agree", "Agree", "Agree", "Huddles"]
    plan = _plan(open_wave, anonymous_forms_bytes([full, empty]))
    assert [(e.row, e.message) for e in plan.errors] == [
        (
            3,
            "This response has no answer to any question matched to the questionnaire: remove "
            "the row, or check which columns are matched.",
        )
    ]
    with pytest.raises(Exception, match="nothing was imported"):
        services.responses_import_commit(wave=open_wave, plan=plan, source="msforms")
    assert not open_wave.invitations.filter(unmatched=True).exists()
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()
