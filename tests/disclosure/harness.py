"""The temporal differencing harness (issue 13, item 6): its scenario, readers and events.

A reader reads every aggregate surface (page, PDF view, API answer) as each role that can; an
*event* adds one person's data — a submission, a roster answer, a pulse answer, an away-day
evaluation, a coaching session, an import, a type-indicator result — or erases a person; the
reader reads again. Any figure that moved could be tied to the person just added by anyone who
saw who it was (the lead sees who has responded), so every figure must stay as it was.

What a surface may legitimately change is marked where it is shown: HTML elements with a
`data-volatile` attribute (response counts, session counts — who took part, never what they
said) and, in the API, the `VOLATILE_KEYS`. Everything else on the page counts, including the
figures inside charts (their Vega-Lite spec, hashed) and network maps (SVG coordinates and the
map's JSON data). An erasure may remove a person's free text by law, so after an erasure only
the numbers must stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.programmes.models import Participant, Role
from tandem.surveys import services as survey_services
from tandem.surveys.models import Invitation, InvitationStatus, Wave, WaveKind

LEAD, SPONSOR, COACH, PARTICIPANT = "lead", "sponsor", "coach", "participant"
ROLE_PEOPLE = {
    LEAD: "Priya Sandhu",
    SPONSOR: "Dr Miriam Achebe",
    COACH: "Nadia Foster",
    PARTICIPANT: "Dr Amara Okafor",
}
RESPONDENTS = 6  # people who have answered each open scope when the harness starts reading

# API keys that count who took part, never what anyone said.
VOLATILE_KEYS = frozenset(
    {
        "invited",
        "responded",
        "response_rate",
        "low",
        "submitted",
        "in_progress",
        "not_started",
        "response",  # a report's response counts by profession (and their suppression)
        "response_total",
        "matched",  # a comparison's counts of who answered which wave
        "before_only",
        "after_only",
    }
)


# ---------------------------------------------------------------------------------------------
# Reading a page
# ---------------------------------------------------------------------------------------------

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_SVG_SHAPES = {"line", "circle", "path", "rect", "polygon", "polyline", "ellipse", "text", "g"}


class _Tokens(HTMLParser):
    """The words a reader sees, plus the geometry of SVG shapes and JSON data scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        script = tag == "script" and found.get("type") != "application/json"
        skip = self.skipping or "data-volatile" in found or script or tag == "style"
        if not skip and tag in _SVG_SHAPES:
            self.tokens += [
                f"{name}={value}"
                for name, value in sorted(attrs)
                if name not in {"id", "class", "style"} and value is not None
            ]
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.tokens += data.split()


def html_tokens(html: str) -> list[str]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def _drop_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def json_tokens(content: bytes) -> list[str]:
    return json.dumps(
        _drop_volatile(json.loads(content)), sort_keys=True, ensure_ascii=False
    ).split()


NUMBER = re.compile(r"\d")
IDENTIFIER = re.compile(r"(?i)guid=")
ERASED_LABEL = re.compile(r"Erased person \d+|erased-\d+@erased\.invalid")


def numbers_only(tokens: Iterable[str]) -> list[str]:
    """The numbers on a page, in sorted order, less an erased person's pseudonym.

    After an erasure, names change (and with them the order of lists sorted by name); what must
    not change is any number, so the numbers are compared as a multiset.
    """
    text = ERASED_LABEL.sub(" ", " ".join(tokens))
    # Identifiers (an export's GUIDs) are not figures: a passage whose words were erased takes
    # its selection's GUID with it.
    return sorted(
        token for token in text.split() if NUMBER.search(token) and not IDENTIFIER.search(token)
    )


def chart_stub(chart: Any) -> str:
    """Stands in for drawing a chart: a short SVG whose text is the hash of its spec.

    Drawing every report's charts for every role before and after every event would take
    minutes; the spec holds every figure the chart shows, so its hash moves exactly when they do.
    """
    spec = json.dumps(chart.to_dict() if hasattr(chart, "to_dict") else chart, sort_keys=True)
    return f"<svg><desc>chart {hashlib.sha256(spec.encode()).hexdigest()[:16]}</desc></svg>"


def stubbed_drawn(stub: Any) -> Any:
    """A stand-in for `tandem.charts.drawn` (as the report charts import it) that builds each
    chart's specification from its figures, as the real one does, and hands it to `stub`
    instead of drawing it — and keeps nothing, so no stand-in reaches the shared chart cache."""

    def drawn(name: str, inputs: Any, chart: Any) -> str | None:
        spec = chart(inputs)
        return stub(spec) if spec is not None else None

    return drawn


# ---------------------------------------------------------------------------------------------
# The scenario: the demo, plus a scope of each kind still open with a few answers in it
# ---------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    demo: Any
    open_take: Wave  # a stock take (with its roster) open now
    check_in: Wave  # the demo's open pair check-in
    pulse: Wave  # a meeting pulse opened this month
    away_day: Any  # an away day whose feedback is still open
    baseline: Wave
    repeat: Wave
    values: dict[str, Any] = field(default_factory=dict)  # URL arguments by name

    @property
    def programme(self) -> Any:
        return self.demo.programme


def participant(programme: Any, name: str) -> Participant:
    return Participant.objects.select_related("person").get(programme=programme, person__name=name)


def not_yet_answered(wave: Wave) -> list[Invitation]:
    return list(
        wave.invitations.exclude(status=InvitationStatus.SUBMITTED)
        .exclude(participant__person__name__in=list(ROLE_PEOPLE.values()))
        .select_related("participant__person")
        .order_by("pk")
    )


def answer_wave(invitation: Invitation, value: int, *, roster: bool = True) -> None:
    """One whole response through the services, roster section included."""
    from tandem.networks.roster import relations, roster_sections
    from tandem.networks.selectors import roster_members
    from tandem.networks.services import field_name, roster_answers_save

    wave = invitation.wave
    for item in wave.instrument.likert_items:
        survey_services.answer_save(invitation=invitation, item_id=item.id, value=value)
    for item in wave.instrument.open_items:
        survey_services.answer_save(
            invitation=invitation, item_id=item.id, value=f"Harness answer {invitation.pk}."
        )
    for section in roster_sections(wave.instrument.sections) if roster else ():
        colleagues = [
            p.pk
            for p in roster_members(programme=wave.programme, exclude=invitation.participant_id)
        ][:4]
        data = {
            field_name(alter, relation.id): str(relation.tie_from + 1)
            for alter in colleagues
            for relation in relations(section)
        }
        roster_answers_save(
            invitation=invitation, section_id=section.id, shown=colleagues, data=data
        )
    assert survey_services.response_submit(invitation=invitation)


def build_scenario(demo: Any) -> Scenario:
    from tandem.workshops import services as workshop_services
    from tandem.workshops.models import RecurringMeeting

    programme = demo.programme
    today = timezone.localdate()
    open_take = survey_services.wave_create(
        programme=programme,
        title="Interim stock take",
        kind=WaveKind.REPEAT,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=14),
    )
    for index, invitation in enumerate(not_yet_answered(open_take)[:RESPONDENTS]):
        answer_wave(invitation, 2 + index % 3)
    check_in = Wave.objects.get(programme=programme, title="Pair check-in")
    pulse = survey_services.wave_create(
        programme=programme,
        title="Meeting check, this month",
        kind=WaveKind.PULSE,
        instrument_id="meeting-effectiveness",
        opens_on=today.replace(day=1) if today.day > 1 else today,
        closes_on=today + dt.timedelta(days=10),
    )
    for index, invitation in enumerate(not_yet_answered(pulse)[:RESPONDENTS]):
        answer_wave(invitation, 2 + index % 3)
    meeting = RecurringMeeting.objects.filter(programme=programme).order_by("pk").first()
    assert meeting is not None, "the demo has a recurring meeting"
    workshop_services.recurring_meeting_update(
        meeting=meeting,
        name=meeting.name,
        description=meeting.description,
        waves=[*meeting.waves.all(), pulse],
    )
    away_day = workshop_services.away_day_create(
        programme=programme, title="Interim away day", date=today, venue="Board room"
    )
    invitees = list(
        Participant.objects.filter(programme=programme, role=Role.PARTICIPANT).order_by("pk")
    )
    evaluators = [p for p in invitees if p.person.name not in ROLE_PEOPLE.values()]
    for person in evaluators[:RESPONDENTS]:
        workshop_services.evaluation_submit(
            away_day=away_day, participant=person, usefulness=3, keep="The pairs work.", change=""
        )
    baseline = Wave.objects.get(programme=programme, title="Baseline stock take")
    repeat = Wave.objects.get(programme=programme, title="Repeat stock take")
    scenario = Scenario(
        demo=demo,
        open_take=open_take,
        check_in=check_in,
        pulse=pulse,
        away_day=away_day,
        baseline=baseline,
        repeat=repeat,
    )
    own = participant(programme, ROLE_PEOPLE[PARTICIPANT])
    scenario.values = {
        "slug": programme.slug,
        "meeting_id": meeting.pk,
        "away_day_id": away_day.pk,
        "participant_id": own.pk,
    }
    return scenario


# ---------------------------------------------------------------------------------------------
# Events: one person's data added (or erased)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    name: str
    apply: Callable[[Scenario], None]
    numbers_only: bool = False  # an erasure removes free text by law; numbers must stay


def _submit_stock_take(s: Scenario) -> None:
    answer_wave(not_yet_answered(s.open_take)[0], 5)


def _roster_only(s: Scenario) -> None:
    # Someone who names colleagues but skips every rating: only the roster moves.
    invitation = not_yet_answered(s.open_take)[0]
    from tandem.networks.roster import relations, roster_sections
    from tandem.networks.selectors import roster_members
    from tandem.networks.services import field_name, roster_answers_save

    for section in roster_sections(s.open_take.instrument.sections):
        colleagues = [
            p.pk for p in roster_members(programme=s.programme, exclude=invitation.participant_id)
        ][-3:]
        roster_answers_save(
            invitation=invitation,
            section_id=section.id,
            shown=colleagues,
            data={
                field_name(alter, r.id): str(r.tie_from + 1)
                for alter in colleagues
                for r in relations(section)
            },
        )
    assert survey_services.response_submit(invitation=invitation)


def _check_in(s: Scenario) -> None:
    answer_wave(not_yet_answered(s.check_in)[0], 1, roster=False)


def _pulse(s: Scenario) -> None:
    answer_wave(not_yet_answered(s.pulse)[0], 1, roster=False)


def _away_day_feedback(s: Scenario) -> None:
    from tandem.workshops import services as workshop_services
    from tandem.workshops.models import Evaluation

    done = set(Evaluation.objects.filter(away_day=s.away_day).values_list("participant", flat=True))
    person = (
        s.away_day.invitations.exclude(participant__in=done)
        .exclude(participant__person__name__in=list(ROLE_PEOPLE.values()))
        .select_related("participant")
        .first()
        .participant
    )
    workshop_services.evaluation_submit(
        away_day=s.away_day, participant=person, usefulness=1, keep="", change="Everything."
    )


def _coaching_session(s: Scenario) -> None:
    from tandem.coaching import services as coaching_services
    from tandem.coaching.models import Attendance, CoachingPlan

    plan = CoachingPlan.objects.filter(programme=s.programme).order_by("pk").first()
    assert plan is not None
    session = coaching_services.session_schedule(
        plan=plan, starts_at=timezone.now() - dt.timedelta(hours=2), place="Room 1"
    )
    coaching_services.session_log(session=session, attendance=Attendance.ATTENDED)


def _import(s: Scenario) -> None:
    from tandem.surveys.response_import import ParsedResponses, SourceRow, plan_response_import

    invitation = not_yet_answered(s.open_take)[0]
    instrument = s.open_take.instrument
    items = instrument.likert_items
    parsed = ParsedResponses(
        source="msforms",
        questions=[item.id for item in items],
        question_texts={item.id: item.text for item in items},
        rows=[
            SourceRow(
                row=2,
                email=invitation.participant.person.email,
                submitted_at=None,
                finished=True,
                values={item.id: "4" for item in items},
            )
        ],
    )
    plan = plan_response_import(
        parsed=parsed,
        instrument=instrument,
        mapping={item.id: item.id for item in items},
        invited=survey_services_statuses(s.open_take),
    )
    assert plan.is_valid, plan.errors
    survey_services.responses_import_commit(wave=s.open_take, plan=plan, source="msforms")


def survey_services_statuses(wave: Wave) -> dict[str, str]:
    from tandem.surveys.selectors import invitation_statuses

    return invitation_statuses(wave=wave)


def _type_indicator(s: Scenario) -> None:
    from tandem.typology.indicator import get_indicator
    from tandem.typology.models import TypeProfile
    from tandem.typology.services import indicator_submit, type_best_fit_confirm

    have = set(
        TypeProfile.objects.filter(participant__programme=s.programme).values_list(
            "participant", flat=True
        )
    )
    person = (
        Participant.objects.filter(programme=s.programme, role=Role.PARTICIPANT)
        .exclude(pk__in=have)
        .exclude(person__name__in=list(ROLE_PEOPLE.values()))
        .order_by("pk")
        .first()
    )
    assert person is not None, "someone in the demo has not taken the indicator"
    indicator = get_indicator()
    profile = indicator_submit(
        participant=person, answers={item_id: 5 for item_id in indicator.item_ids}
    )
    type_best_fit_confirm(profile=profile, best_fit="INFP")


def _erasure(s: Scenario) -> None:
    from tandem.gdpr.services import person_erase

    both = set(
        s.repeat.invitations.filter(status=InvitationStatus.SUBMITTED).values_list(
            "participant", flat=True
        )
    )
    person = (
        Participant.objects.filter(pk__in=both)
        .exclude(person__name__in=list(ROLE_PEOPLE.values()))
        .order_by("pk")
        .first()
        .person
    )
    lead = get_user_model().objects.get(email=s.demo.lead_email)
    person_erase(person=person, actor=lead)


EVENTS: tuple[Event, ...] = (
    Event("a stock-take submission (answers and roster)", _submit_stock_take),
    Event("a roster answer with no ratings", _roster_only),
    Event("a pair check-in submission", _check_in),
    Event("a meeting pulse answer", _pulse),
    Event("an away-day evaluation", _away_day_feedback),
    Event("a coaching session recorded", _coaching_session),
    Event("a response imported from another tool", _import),
    Event("a type-indicator result and best fit", _type_indicator),
    Event("an erasure", _erasure, numbers_only=True),
)


# ---------------------------------------------------------------------------------------------
# Reading every surface as every role
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    status: int
    tokens: tuple[str, ...]


def clients(demo: Any) -> dict[str, Client]:
    from tandem.demo import email_for

    found = {}
    for role, name in ROLE_PEOPLE.items():
        client = Client()
        client.force_login(get_user_model().objects.get(email=email_for(name)))
        found[role] = client
    return found


def bearer_tokens() -> dict[str, str]:
    from tandem.api.services import api_token_create
    from tandem.demo import email_for

    return {
        role: api_token_create(
            user=get_user_model().objects.get(email=email_for(name)), name="Harness", days=30
        ).raw
        for role, name in ROLE_PEOPLE.items()
    }


def read(client: Client, url: str, *, token: str | None = None) -> Reading:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(url, headers=headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if response.status_code != 200:
        return Reading(response.status_code, ())
    if kind.startswith("application/json"):
        return Reading(200, tuple(json_tokens(content)))
    if kind.startswith("text/html") or content.lstrip().startswith(b"<"):
        # (A PDF is read as the HTML it is drawn from: the harness's fixture skips WeasyPrint.)
        return Reading(200, tuple(html_tokens(content.decode())))
    if content.startswith(b"PK"):
        return Reading(200, tuple(zip_tokens(content)))
    return Reading(200, (hashlib.sha256(content).hexdigest(),))


# The moment of export, and where a coded passage sits in its source text: the positions move
# only when text before them changes (an erasure removes words by law), never with a figure.
EXPORT_NOISE = re.compile(rb'(creationDateTime|startPosition|endPosition)="[^"]*"')


def zip_tokens(content: bytes) -> list[str]:
    """An archive (a .qdpx project) member by member, less the export time and text offsets."""
    import io
    import zipfile

    tokens = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(archive.namelist()):
            data = EXPORT_NOISE.sub(b"", archive.read(name))
            tokens += [name, *data.decode("utf-8", "replace").split()]
    return tokens


def url_for(name: str, args: dict[str, Any]) -> str:
    return reverse(name, kwargs=args)
