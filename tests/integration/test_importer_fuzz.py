"""Every importer, fed random bytes, CSV-ish text and damaged real files: a readable refusal or a
plan (with errors, or valid), never a crash, and nothing written before a commit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tandem.programmes.importer import ImportFileError, plan_participant_import
from tandem.programmes.models import Participant, Person
from tandem.surveys import selectors as survey_selectors
from tandem.surveys.instruments import get_instrument
from tandem.surveys.models import Answer
from tandem.surveys.response_import import plan_response_import, read_responses, suggest_mapping

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALID_CSV = (
    b"name,email,profession,level,locality,service,programme role,pair\n"
    b"Dr Ann Lee,ann.lee@fuzz.example,doctor,senior,North,Cardiology,participant,1\n"
    b"Bo Chan,bo.chan@fuzz.example,manager,service,North,Cardiology,participant,1\n"
)


def _valid_xlsx() -> bytes:
    workbook = Workbook()
    for line in VALID_CSV.decode().splitlines():
        workbook.active.append(line.split(","))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


VALID_XLSX = _valid_xlsx()

csv_text = st.lists(
    st.sampled_from([*'abcz019@.,;\t"\n\r é', "name", "email", "doctor", "level"]),
    max_size=200,
).map(lambda parts: "".join(parts).encode("utf-8"))


@st.composite
def mutated(draw: Any, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[position : position + draw(st.integers(1, 64))]
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


any_file = st.one_of(
    st.binary(max_size=2000),
    csv_text,
    mutated(VALID_CSV),
    mutated(VALID_XLSX),
)


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Participant.objects.count(), Answer.objects.count()


@pytest.mark.django_db
def test_participant_import_never_crashes_or_writes(demo) -> None:
    before = _counts()

    @FUZZ
    @given(data=any_file, name=st.sampled_from(["people.csv", "people.xlsx", "people.txt"]))
    def check(data: bytes, name: str) -> None:
        try:
            plan = plan_participant_import(programme=demo.programme, data=data, filename=name)
        except ImportFileError as exc:
            message = str(exc)
            assert message
        else:
            assert plan.is_valid or plan.errors
        assert _counts() == before

    check()


@pytest.mark.django_db
def test_response_import_never_crashes_or_writes(demo) -> None:
    instrument = get_instrument("stock-take")
    wave = demo.programme.waves.filter(instrument_id="stock-take").first()
    invited = survey_selectors.invitation_statuses(wave=wave)
    before = _counts()

    @FUZZ
    @given(
        data=any_file,
        source=st.sampled_from(["msforms", "qualtrics", "limesurvey"]),
        name=st.sampled_from(["export.csv", "export.xlsx"]),
    )
    def check(data: bytes, source: str, name: str) -> None:
        try:
            parsed = read_responses(data=data, filename=name, source=source)
        except ImportFileError as exc:
            message = str(exc)
            assert message
        else:
            plan = plan_response_import(
                parsed=parsed,
                instrument=instrument,
                mapping=suggest_mapping(parsed, instrument, {}),
                invited=invited,
            )
            assert plan.is_valid or plan.errors or not parsed.responses
        assert _counts() == before

    check()
