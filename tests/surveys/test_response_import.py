"""Responses from Microsoft Forms, Qualtrics and LimeSurvey, in the layouts those tools export."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tandem.programmes.importer import ImportFileError
from tandem.surveys import selectors, services
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer, AnswerSource, Invitation, InvitationStatus
from tandem.surveys.response_import import plan_response_import, read_responses, suggest_mapping

FIXTURES = Path(__file__).parent / "fixtures"
STOCK_TAKE = get_instrument("stock-take")
AGREEMENT_WORDS = (
    "use one of “Strongly disagree”, “Disagree”, “Neither agree nor disagree”, “Agree”, "
    "“Strongly agree”, “Don't know”"
)


def msforms_bytes(rows: list[list[object]] | None = None) -> bytes:
    """A workbook laid out as Microsoft Forms' "Open results in Excel" writes it."""
    items = [STOCK_TAKE.item(i) for i in ("comm1", "comm2", "trust1", "works_well")]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            *[item.text for item in items],
        ]
    )
    for row in (
        rows
        if rows is not None
        else [
            [
                1,
                dt.datetime(2025, 1, 21, 9, 2),
                dt.datetime(2025, 1, 21, 9, 14),
                "amara.okafor@riverside-fells.example",
                "Amara Okafor",
                None,
                "Agree",
                "Strongly agree",
                "Don't know",
                "Weekly huddles",
            ],
            [
                2,
                dt.datetime(2025, 1, 22, 13, 0),
                dt.datetime(2025, 1, 22, 13, 9),
                "Anna.Kowalski@riverside-fells.example",
                "Anna Kowalski",
                None,
                "Disagree",
                "Agree",
                "Agree",
                None,
            ],
        ]
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_msforms_workbook_is_read_with_metadata_left_out() -> None:
    parsed = read_responses(data=msforms_bytes(), filename="Stock take.xlsx", source="msforms")
    assert len(parsed.rows) == 2
    assert parsed.questions == [
        STOCK_TAKE.item(i).text for i in ("comm1", "comm2", "trust1", "works_well")
    ]
    assert parsed.rows[1].email == "anna.kowalski@riverside-fells.example"
    assert parsed.rows[0].submitted_at == dt.datetime(2025, 1, 21, 9, 14)


def test_qualtrics_three_header_rows_give_respondents_not_header_rows() -> None:
    parsed = read_responses(
        data=(FIXTURES / "qualtrics-stock-take.csv").read_bytes(),
        filename="q.csv",
        source="qualtrics",
    )
    assert len(parsed.rows) == 4
    assert parsed.questions == ["Q1_1", "Q1_2", "Q1_3", "Q2_1", "Q2_2", "Q5_1", "Q9"]
    assert [row.row for row in parsed.rows] == [4, 5, 6, 7]
    assert [row.finished for row in parsed.rows] == [True, True, True, False]


def test_limesurvey_export_is_read_with_attributes_and_timings_left_out() -> None:
    parsed = read_responses(
        data=(FIXTURES / "limesurvey-stock-take.csv").read_bytes(),
        filename="l.csv",
        source="limesurvey",
    )
    assert len(parsed.rows) == 3
    assert parsed.questions == [
        "comm1",
        "comm2",
        "comm3",
        "trust1",
        "trust2",
        "SQbridge1",
        "works_well",
    ]


def test_suggested_mapping_uses_item_ids_question_texts_and_qualtrics_matrix_rows() -> None:
    qualtrics = read_responses(
        data=(FIXTURES / "qualtrics-stock-take.csv").read_bytes(),
        filename="q.csv",
        source="qualtrics",
    )
    assert suggest_mapping(qualtrics, STOCK_TAKE, {}) == {
        "Q1_1": "comm1",
        "Q1_2": "comm2",
        "Q1_3": "comm3",
        "Q2_1": "trust1",
        "Q2_2": "trust2",
        "Q5_1": "bridge1",
        "Q9": "works_well",
    }
    lime = read_responses(
        data=(FIXTURES / "limesurvey-stock-take.csv").read_bytes(),
        filename="l.csv",
        source="limesurvey",
    )
    assert "SQbridge1" not in suggest_mapping(lime, STOCK_TAKE, {})
    assert suggest_mapping(lime, STOCK_TAKE, {"SQbridge1": "bridge1"})["SQbridge1"] == "bridge1"
    forms = read_responses(data=msforms_bytes(), filename="f.xlsx", source="msforms")
    assert set(suggest_mapping(forms, STOCK_TAKE, {}).values()) == {
        "comm1",
        "comm2",
        "trust1",
        "works_well",
    }


def test_import_into_a_wave_writes_answers_as_submitted_and_remembers_the_mapping(
    open_wave,
) -> None:
    parsed = read_responses(
        data=(FIXTURES / "limesurvey-stock-take.csv").read_bytes(),
        filename="l.csv",
        source="limesurvey",
    )
    mapping = suggest_mapping(parsed, STOCK_TAKE, {}) | {"SQbridge1": "bridge1"}
    plan = plan_response_import(
        parsed=parsed,
        instrument=STOCK_TAKE,
        mapping=mapping,
        invited=selectors.invitation_statuses(wave=open_wave),
    )
    assert plan.errors == []
    result = services.responses_import_commit(wave=open_wave, plan=plan, source="limesurvey")
    assert (result.responses, result.answers) == (3, 20)  # 21 cells, one open answer left blank
    amara = Invitation.objects.get(wave=open_wave, participant__person__name="Dr Amara Okafor")
    assert amara.status == InvitationStatus.SUBMITTED
    stored = {
        a.item_id: (a.value, a.dont_know, a.text, a.source)
        for a in Answer.objects.filter(invitation=amara)
    }
    assert stored["comm1"] == (5, False, "", AnswerSource.IMPORT)
    assert stored["comm3"] == (None, True, "", AnswerSource.IMPORT)
    assert stored["works_well"][2] == "Our weekly huddle works."
    assert (
        selectors.remembered_mapping(wave=open_wave, source="limesurvey")["SQbridge1"] == "bridge1"
    )


def test_every_bad_cell_and_respondent_is_reported_by_row_and_column(open_wave, demo) -> None:
    rows = [
        [
            1,
            None,
            None,
            "amara.okafor@riverside-fells.example",
            "",
            None,
            "Sometimes",
            "5",
            "3",
            "",
        ],
        [2, None, None, "stranger@elsewhere.example", "", None, "Agree", "", "", ""],
        [3, None, None, "", "", None, "Agree", "", "", ""],
        [4, None, None, "AMARA.okafor@riverside-fells.example", "", None, "Agree", "", "", ""],
        [5, None, None, "ben.hartley@riverside-fells.example", "", None, "7", "", "", ""],
    ]
    parsed = read_responses(data=msforms_bytes(rows), filename="f.xlsx", source="msforms")
    plan = plan_response_import(
        parsed=parsed,
        instrument=STOCK_TAKE,
        mapping=suggest_mapping(parsed, STOCK_TAKE, {}),
        invited=selectors.invitation_statuses(wave=open_wave),
    )
    comm1 = STOCK_TAKE.item("comm1").text
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (
            2,
            comm1,
            f"“Sometimes” is not an answer to this question ({AGREEMENT_WORDS}), nor an answer code "
            "with a meaning: if it is a code, say what it means under “Answer codes”.",
        ),
        (3, "Email", "stranger@elsewhere.example is not invited to this wave."),
        (
            4,
            "Email",
            "No e-mail address, so this response cannot be matched. If the whole file was "
            "collected anonymously, import it unmatched instead.",
        ),
        (5, "Email", "amara.okafor@riverside-fells.example has responded twice: also on row 2."),
        (
            6,
            comm1,
            f"“7” is not an answer to this question ({AGREEMENT_WORDS}), nor an answer code "
            "with a meaning: if it is a code, say what it means under “Answer codes”.",
        ),
    ]
    with pytest.raises(Exception, match="nothing was imported"):
        services.responses_import_commit(wave=open_wave, plan=plan, source="msforms")
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()


def test_someone_who_already_answered_in_tandem_is_not_overwritten(open_wave, invitation) -> None:
    services.answer_save(invitation=invitation, item_id="comm1", value="2")
    services.response_submit(invitation=invitation)
    parsed = read_responses(data=msforms_bytes(), filename="f.xlsx", source="msforms")
    plan = plan_response_import(
        parsed=parsed,
        instrument=STOCK_TAKE,
        mapping=suggest_mapping(parsed, STOCK_TAKE, {}),
        invited=selectors.invitation_statuses(wave=open_wave),
    )
    assert [(e.row, e.message) for e in plan.errors] == [
        (
            2,
            "amara.okafor@riverside-fells.example has already submitted answers in Tandem for this wave.",
        )
    ]


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("msforms", b"ID,Name,Comm\n1,A,Agree\n", "No e-mail column"),
        ("limesurvey", b"id,email,comm1\n1,a@b.example,A1\n", "no submitdate"),
        ("qualtrics", b"V1,Q1\nResponseSet,Q\nR_1,1\n", "legacy format two"),
        (
            "qualtrics",
            b"StartDate,RecipientEmail,Q1\n2025-01-01,a@b.example,1\n",
            "three header rows",
        ),
        ("limesurvey", b"id,submitdate,comm1\n1,2025-01-01,4\n", "No e-mail column"),
        ("limesurvey", b"id,email,submitdate\n1,a@b.example,2025\n", "no question columns"),
        ("limesurvey", b"id,email,comm1\n", "no responses in it"),
        ("limesurvey", b"", "The file is empty."),
    ],
)
def test_unreadable_exports_get_a_clear_message(source, data, message) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_responses(data=data, filename="x.csv", source=source)


def test_cli_dry_run_json_reads_only_the_file(run, db) -> None:
    code, out, _ = run(
        "import",
        "responses",
        str(FIXTURES / "qualtrics-stock-take.csv"),
        "--source",
        "qualtrics",
        "--dry-run",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {
        "source": "qualtrics",
        "layout": "three header rows",
        "rows": 4,
        "incomplete_rows": [7],
        "match_keys": ["email", "responseid"],
        "questions": ["Q1_1", "Q1_2", "Q1_3", "Q2_1", "Q2_2", "Q5_1", "Q9"],
        "errors": [],
    }


def test_cli_unreadable_file_exits_2(run, db, tmp_path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_bytes(b"\x00\x01\x02")
    code, out, _ = run(
        "import", "responses", str(bad), "--source", "limesurvey", "--dry-run", "--json"
    )
    assert code == 2
    assert "not readable text" in json.loads(out)["errors"][0]["message"]


def test_cli_imports_into_a_wave_with_a_mapping_file(run, open_wave, tmp_path) -> None:
    mapping = tmp_path / "map.yaml"
    # Columns the file does not name are matched as suggested (comm1, comm2 by their codes); a
    # column named with nothing is left out.
    mapping.write_text(
        "SQbridge1: bridge1\ncomm3:\ntrust1:\ntrust2:\nworks_well:\n", encoding="utf-8"
    )
    code, out, _ = run(
        "import",
        "responses",
        str(FIXTURES / "limesurvey-stock-take.csv"),
        "--source",
        "limesurvey",
        "--wave",
        str(open_wave.pk),
        "--mapping",
        str(mapping),
        "--json",
    )
    report = json.loads(out)
    assert code == 0 and report["imported"] is True and report["responses"] == 3
    assert Answer.objects.filter(invitation__wave=open_wave).count() == 9


def test_cli_bad_values_exit_2_and_write_nothing(run, open_wave, tmp_path) -> None:
    export = tmp_path / "lime.csv"
    export.write_text(
        '"id","submitdate","email","comm1"\r\n"1","2025-01-21 09:00:00",'
        '"amara.okafor@riverside-fells.example","9"\r\n',
        encoding="utf-8",
    )
    code, _, err = run(
        "import", "responses", str(export), "--source", "limesurvey", "--wave", str(open_wave.pk)
    )
    assert code == 2
    assert "row 2, comm1: “9” is not an answer" in err
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()


def test_cli_lists_invitation_links_as_json(run, open_wave) -> None:
    code, out, _ = run(
        "invitations",
        "list",
        "--wave",
        str(open_wave.pk),
        "--json",
        "--base-url",
        "https://t.example",
    )
    listing = json.loads(out)
    assert code == 0 and len(listing["invitations"]) == 24
    first = listing["invitations"][0]
    token = Invitation.objects.get(wave=open_wave, participant__person__email=first["email"]).token
    assert first["link"] == f"https://t.example/s/{token}/"


def test_cli_unknown_wave_is_a_clear_error(run, db) -> None:
    code, _, err = run("invitations", "list", "--wave", "999999")
    assert code == 2 and "There is no wave 999999." in err


def test_web_import_matches_columns_checks_then_imports_on_confirmation(
    lead_client, demo, open_wave
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/import/"
    data = (FIXTURES / "limesurvey-stock-take.csv").read_bytes()
    response = lead_client.post(
        base, {"source": "limesurvey", "file": SimpleUploadedFile("lime.csv", data)}, follow=True
    )
    html = response.content.decode()
    assert "with 3 responses, and 7 question columns" in html
    map_url = response.redirect_chain[-1][0]
    # comm1 was recognised by its code; SQbridge1 needs choosing.
    assert '<option value="comm1" selected' in html
    fields = {
        f"col_{i}": item
        for i, item in enumerate(
            ["comm1", "comm2", "comm3", "trust1", "trust2", "bridge1", "works_well"]
        )
    }
    checked = lead_client.post(map_url, {"action": "check", **fields})
    assert "Ready to import" in checked.content.decode()
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()
    done = lead_client.post(map_url, {"action": "confirm"}, follow=True)
    assert "Imported 3 responses (20 answers) from lime.csv." in done.content.decode()
    assert open_wave.invitations.filter(status=InvitationStatus.SUBMITTED).count() == 3
    again = lead_client.post(
        base, {"source": "limesurvey", "file": SimpleUploadedFile("lime.csv", data)}, follow=True
    )
    assert '<option value="bridge1" selected' in again.content.decode(), "the mapping is remembered"


def test_web_import_lists_bad_cells_and_offers_no_import(lead_client, demo, open_wave) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}/import/"
    data = (
        b'"id","submitdate","email","comm1"\r\n'
        b'"1","2025-01-21 09:00:00","amara.okafor@riverside-fells.example","9"\r\n'
    )
    response = lead_client.post(
        base, {"source": "limesurvey", "file": SimpleUploadedFile("l.csv", data)}, follow=True
    )
    checked = lead_client.post(
        response.redirect_chain[-1][0], {"action": "check", "col_0": "comm1"}
    )
    html = checked.content.decode()
    assert checked.status_code == 400
    assert "Row 2, comm1: “9” is not an answer" in html
    assert "Ready to import" not in html


def _limesurvey_plan(wave):
    parsed = read_responses(
        data=(FIXTURES / "limesurvey-stock-take.csv").read_bytes(),
        filename="l.csv",
        source="limesurvey",
    )
    mapping = suggest_mapping(parsed, STOCK_TAKE, {}) | {"SQbridge1": "bridge1"}
    return plan_response_import(
        parsed=parsed,
        instrument=STOCK_TAKE,
        mapping=mapping,
        invited=selectors.invitation_statuses(wave=wave),
    )


def test_a_closed_wave_takes_no_import_and_nothing_is_written(open_wave) -> None:
    plan = _limesurvey_plan(open_wave)
    assert plan.is_valid
    services.wave_close(wave=open_wave)
    with pytest.raises(services.WaveClosed, match="has closed, so no responses can be imported"):
        services.responses_import_commit(wave=open_wave, plan=plan, source="limesurvey")
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()
    assert not open_wave.invitations.filter(status=InvitationStatus.SUBMITTED).exists()


def test_the_cli_refuses_an_import_into_a_closed_wave(run, open_wave, tmp_path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "\n".join(
            f"{column}: {item}" for column, item in _limesurvey_plan(open_wave).mapping.items()
        ),
        encoding="utf-8",
    )
    services.wave_close(wave=open_wave)
    code, _, err = run(
        "import",
        "responses",
        str(FIXTURES / "limesurvey-stock-take.csv"),
        "--source",
        "limesurvey",
        "--wave",
        str(open_wave.pk),
        "--mapping",
        str(mapping),
    )
    assert code == 2
    assert "has closed, so no responses can be imported" in err
    assert not Answer.objects.filter(invitation__wave=open_wave).exists()


def test_the_import_pages_send_the_lead_back_from_a_closed_wave(
    lead_client, demo, open_wave
) -> None:
    services.wave_close(wave=open_wave)
    base = f"/programmes/{demo.programme.slug}/questionnaires/{open_wave.pk}"
    wave_page = lead_client.get(f"{base}/").content.decode()
    assert "Import responses collected in" not in wave_page
    response = lead_client.get(f"{base}/import/", follow=True)
    assert "has closed, so no responses can be imported" in response.content.decode()
