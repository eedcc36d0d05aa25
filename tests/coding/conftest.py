from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.coding import selectors, services
from tandem.coding.models import Code, CodeAssignment, Codebook, Excerpt, ReviewStatus
from tandem.programmes.models import Participant, Role
from tandem.surveys import services as survey_services
from tandem.surveys.models import Answer, InterviewNote, InvitationStatus, Wave, WaveKind

AGENDA_ANSWER = "Dr Okafor and I now agree the agenda for the business meeting together."
UNSUBMITTED_ANSWER = "Not finished, not submitted."


@pytest.fixture(autouse=True)
def _blank_codebook(demo) -> None:
    """The demo arrives with its baseline coded; these tests start from an empty codebook."""
    Excerpt.objects.filter(wave__programme=demo.programme).delete()
    codes = Code.objects.filter(codebook__programme=demo.programme)
    codes.filter(
        parent__isnull=False
    ).delete()  # children first: a parent with children is protected
    codes.delete()
    Codebook.objects.filter(programme=demo.programme).delete()


@pytest.fixture
def baseline(demo) -> Wave:
    """The demo's closed baseline stock take: 24 invited, about 22 submitted."""
    return Wave.objects.get(programme=demo.programme, title="Baseline stock take")


@pytest.fixture
def lead(demo):
    return Participant.objects.get(programme=demo.programme, role=Role.PROGRAMME_LEAD).person.user


@pytest.fixture
def codes(demo) -> dict[str, Code]:
    """A small nested codebook: Meetings › Agenda, Meetings › Decisions, and Money."""
    meetings = services.code_create(programme=demo.programme, name="Meetings")
    return {
        "meetings": meetings,
        "agenda": services.code_create(programme=demo.programme, name="Agenda", parent=meetings),
        "decisions": services.code_create(
            programme=demo.programme, name="Decisions", parent=meetings
        ),
        "money": services.code_create(
            programme=demo.programme, name="Money", description="Budgets and finance"
        ),
    }


def submitted_answers(wave: Wave, item_id: str | None = None):
    """The programme's submitted written answers (a comparison group's are never coded)."""
    answers = Answer.objects.filter(
        invitation__in=wave.invitations.programme_group(),
        invitation__status=InvitationStatus.SUBMITTED,
    ).exclude(text="")
    if item_id:
        answers = answers.filter(item_id=item_id)
    return answers.order_by("pk")


@pytest.fixture
def agenda_answer(baseline: Wave) -> Answer:
    """A submitted open answer naming the respondent's partner ("Dr Okafor")."""
    return submitted_answers(baseline, "works_well").filter(text=AGENDA_ANSWER).first()


@pytest.fixture
def small_wave(demo) -> Wave:
    """A closed pulse of the stock take that only three people submitted: fewer than k_text (10).

    A fourth person started and wrote an answer (`UNSUBMITTED_ANSWER`) but never submitted. The
    lead closed it early, as coding needs: a wave's answers are coded only once it closes.
    """
    today = timezone.localdate()
    wave = survey_services.wave_create(
        programme=demo.programme,
        title="Small stock take",
        kind=WaveKind.PULSE,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=7),
    )
    texts = [
        "Dr Okafor keeps our meetings short and clear.",
        "Meetings end with actions and an owner for each.",
        "The budget meeting is where we argue, and then agree.",
    ]
    invitations = list(wave.invitations.order_by("pk")[:4])
    for invitation, text in zip(invitations, texts, strict=False):
        survey_services.answer_save(invitation=invitation, item_id="works_well", value=text)
        survey_services.response_submit(invitation=invitation)
    survey_services.answer_save(
        invitation=invitations[3], item_id="works_well", value=UNSUBMITTED_ANSWER
    )
    return survey_services.wave_close(wave=wave)


@pytest.fixture
def open_wave(demo) -> Wave:
    """A stock-take pulse still open: three people have submitted a written answer so far."""
    today = timezone.localdate()
    wave = survey_services.wave_create(
        programme=demo.programme,
        title="Open stock take",
        kind=WaveKind.PULSE,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=7),
    )
    texts = [
        "The budget meeting runs to time now.",
        "We agree the agenda for the budget meeting together.",
        "Meetings end with a budget action and an owner.",
    ]
    for invitation, text in zip(wave.invitations.order_by("pk")[:3], texts, strict=True):
        survey_services.answer_save(invitation=invitation, item_id="works_well", value=text)
        survey_services.response_submit(invitation=invitation)
    return wave


def code_before_the_rule(answer: Answer, code: Code) -> Excerpt:
    """An approved excerpt made directly, as coding of an open wave could be before it closed."""
    excerpt = Excerpt.objects.create(
        wave=answer.invitation.wave,
        answer=answer,
        start=0,
        end=len(answer.text),
        text=answer.text,
        status=ReviewStatus.APPROVED,
        redacted_text=answer.text,
    )
    CodeAssignment.objects.create(excerpt=excerpt, code=code)
    return excerpt


@pytest.fixture
def pulse(demo) -> Wave:
    """The demo's open pair check-in: 6 of 24 have submitted, the rest still can."""
    wave = Wave.objects.get(programme=demo.programme, title="Pair check-in")
    assert wave.is_open()
    return wave


@pytest.fixture
def interview(baseline: Wave, lead) -> InterviewNote:
    return survey_services.interview_note_add(
        wave=baseline,
        title="Interview 1, service manager",
        interviewee_profession="manager",
        text=(
            "We talked about the budget.\n\nShe said Anna Kowalski's team had "
            "no say in the budget, and that Dr Amara Okafor backed them."
        ),
        actor=lead,
    )


def code_answer(answer: Answer, codes: list[Code], quote: str = "", actor=None):
    return services.excerpt_code(
        wave=answer.invitation.wave, source=answer, quote=quote, codes=codes, actor=actor
    )


def ref(answer: Answer) -> str:
    return selectors.answer_ref(answer.pk)


LEAKY_ANSWER = "Dr Smith said to ring 07700 900123; Sarah Jenkins on Laurel Ward agreed the agenda."


@pytest.fixture
def leaky_answer(baseline: Wave) -> Answer:
    """A submitted answer naming people Tandem does not know, a phone number and a ward.

    The demo's answers are written through the survey services while the wave is open; a closed
    wave's answers cannot be changed through them, so this one is rewritten in place.
    """
    answer = submitted_answers(baseline, "works_well").exclude(text=AGENDA_ANSWER).first()
    assert answer is not None
    Answer.objects.filter(pk=answer.pk).update(text=LEAKY_ANSWER)
    answer.refresh_from_db()
    return answer
