"""REFI-QDA exports: well-formed XML in the right namespaces, nested codes, valid selections."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from xml.etree import ElementTree as ET

import pytest

from tandem.coding import exports, services
from tandem.coding.refi import CODEBOOK_NAMESPACE, PROJECT_NAMESPACE
from tandem.programmes.models import Person
from tandem.programmes.selectors import ProgrammeAccessDenied
from tandem.surveys import services as survey_services

from ..conftest import participant_named
from .conftest import code_answer, submitted_answers

CB = {"c": CODEBOOK_NAMESPACE}


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - Tandem's own output, not untrusted input


PR = {"p": PROJECT_NAMESPACE}


def project(demo, lead) -> tuple[ET.Element, zipfile.ZipFile]:
    archive = zipfile.ZipFile(
        io.BytesIO(exports.project_export(viewer=lead, programme=demo.programme))
    )
    return parse(archive.read("project.qde")), archive


def test_codebook_is_refi_qda_xml_with_nested_codes(demo, codes, lead) -> None:
    data = exports.codebook_export(viewer=lead, programme=demo.programme)
    root = parse(data)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert root.tag == f"{{{CODEBOOK_NAMESPACE}}}CodeBook"
    assert root.get("origin") == "Tandem"
    top = root.findall("c:Codes/c:Code", CB)
    assert [code.get("name") for code in top] == ["Meetings", "Money"]
    meetings = top[0]
    assert [code.get("name") for code in meetings.findall("c:Code", CB)] == ["Agenda", "Decisions"]
    assert all(
        code.get("isCodable") == "true" for code in root.iter(f"{{{CODEBOOK_NAMESPACE}}}Code")
    )
    assert top[1].find("c:Description", CB).text == "Budgets and finance"
    assert all(uuid.UUID(code.get("guid")) for code in root.iter(f"{{{CODEBOOK_NAMESPACE}}}Code"))


def test_guids_are_stable_between_exports(demo, codes, lead) -> None:
    first = exports.codebook_export(viewer=lead, programme=demo.programme)
    second = exports.codebook_export(viewer=lead, programme=demo.programme)
    assert first == second


def test_project_holds_codebook_sources_and_selections(
    demo, baseline, codes, agenda_answer, interview, lead
) -> None:
    code_answer(agenda_answer, [codes["agenda"], codes["meetings"]], quote="agree the agenda")
    services.excerpt_code(
        wave=baseline, source=interview, quote="Dr Amara Okafor backed them", codes=[codes["money"]]
    )
    root, archive = project(demo, lead)

    assert root.tag == f"{{{PROJECT_NAMESPACE}}}Project"
    assert root.get("origin") == "Tandem" and root.get("name") == demo.programme.name
    # The schema's element order.
    assert [child.tag.split("}")[1] for child in root] == [
        "Users",
        "CodeBook",
        "Sources",
        "Description",
    ]
    code_guids = {c.get("guid"): c.get("name") for c in root.iter(f"{{{PROJECT_NAMESPACE}}}Code")}
    assert set(code_guids.values()) == {"Meetings", "Agenda", "Decisions", "Money"}
    nested = root.find("p:CodeBook/p:Codes/p:Code/p:Code", PR)
    assert nested.get("name") == "Agenda"

    selections = list(root.iter(f"{{{PROJECT_NAMESPACE}}}PlainTextSelection"))
    assert len(selections) == 2
    for source in root.iter(f"{{{PROJECT_NAMESPACE}}}TextSource"):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        for selection in source.findall("p:PlainTextSelection", PR):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            for ref in selection.iter(f"{{{PROJECT_NAMESPACE}}}CodeRef"):
                assert ref.get("targetGUID") in code_guids
    assert {sel.get("name") for sel in selections} == {"agree the agenda", "[name] backed them"}


def test_selections_point_at_the_coded_words_in_the_source_file(
    demo, baseline, codes, agenda_answer, lead
) -> None:
    code_answer(agenda_answer, [codes["agenda"]], quote="agree the agenda")
    root, archive = project(demo, lead)
    (selection,) = root.iter(f"{{{PROJECT_NAMESPACE}}}PlainTextSelection")
    source = next(
        s
        for s in root.iter(f"{{{PROJECT_NAMESPACE}}}TextSource")
        if s.find("p:PlainTextSelection", PR) is not None
    )
    text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == "agree the agenda"


def test_one_source_per_question_per_wave_with_no_names(demo, baseline, lead) -> None:
    root, archive = project(demo, lead)
    sources = root.findall("p:Sources/p:TextSource", PR)
    baseline_sources = [s for s in sources if s.get("name").startswith("Baseline stock take:")]
    assert sorted(s.get("name") for s in baseline_sources) == [
        "Baseline stock take: gets_in_way",
        "Baseline stock take: one_change",
        "Baseline stock take: works_well",
    ]
    works_well = next(s for s in baseline_sources if s.get("name").endswith("works_well"))
    text = archive.read(f"sources/{works_well.get('guid')}.txt").decode("utf-8")
    assert text.count("\n\n") == submitted_answers(baseline, "works_well").count() - 1
    assert "[name] and I now agree the agenda" in text and "Okafor" not in text
    everything = archive.read("project.qde").decode() + "".join(
        archive.read(name).decode() for name in archive.namelist() if name.startswith("sources/")
    )
    people = Person.objects.filter(organisation=demo.programme.organisation)
    assert [name for name in people.values_list("name", flat=True) if name in everything] == [
        # The exporting lead is named as the project's user, and nobody else.
        "Priya Sandhu"
    ]
    assert not re.search(r"@riverside-fells\.example", everything)


def test_the_selection_moves_with_redaction_before_it(demo, baseline, codes, interview, lead):
    services.excerpt_code(
        wave=baseline, source=interview, quote="had no say in the budget", codes=[codes["money"]]
    )
    root, archive = project(demo, lead)
    source = next(
        s
        for s in root.iter(f"{{{PROJECT_NAMESPACE}}}TextSource")
        if s.get("name").endswith("Interview 1, service manager")
    )
    text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
    (selection,) = source.findall("p:PlainTextSelection", PR)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert "[name]'s team" in text
    assert text[start:end] == "had no say in the budget"


def test_only_the_lead_may_export(demo) -> None:
    sponsor = participant_named(demo, "Dr Miriam Achebe").person.user
    with pytest.raises(ProgrammeAccessDenied):
        exports.project_export(viewer=sponsor, programme=demo.programme)
    with pytest.raises(ProgrammeAccessDenied):
        exports.codebook_export(viewer=sponsor, programme=demo.programme)


def test_an_open_waves_answers_are_not_exported(demo, open_wave, lead) -> None:
    root, archive = project(demo, lead)
    names = [s.get("name") for s in root.findall("p:Sources/p:TextSource", PR)]
    assert names and not [name for name in names if name.startswith(f"{open_wave.title}:")]
    everything = "".join(
        archive.read(name).decode() for name in archive.namelist() if name.startswith("sources/")
    )
    assert "The budget meeting runs to time now." not in everything


def test_exports_carry_only_redacted_text(demo, baseline, codes, leaky_answer, lead) -> None:
    code = services.code_create(
        programme=demo.programme,
        name="Dr Smith's clinic",
        description="Sarah Jenkins, 07700 900123, born 12/03/1971, M1 1AE",
    )
    code_answer(leaky_answer, [code], quote="Sarah Jenkins on Laurel Ward")
    note = survey_services.interview_note_add(
        wave=baseline,
        title="Interview with Sarah Jenkins",
        interviewee_profession="manager",
        text="Prof. Patel's NHS number is 943 476 5919.",
        actor=lead,
    )
    services.excerpt_code(wave=baseline, source=note, quote="", codes=[code])
    _, archive = project(demo, lead)
    everything = archive.read("project.qde").decode() + "".join(
        archive.read(name).decode() for name in archive.namelist() if name.startswith("sources/")
    )
    codebook = exports.codebook_export(viewer=lead, programme=demo.programme).decode()
    for leaked in (
        "Smith",
        "Sarah",
        "Jenkins",
        "Laurel",
        "Patel",
        "07700",
        "5919",
        "1971",
        "M1 1AE",
    ):
        assert leaked not in everything, leaked
        assert leaked not in codebook, leaked
    assert "[name]'s clinic" in codebook
    assert "[name] on [ward]" in everything
