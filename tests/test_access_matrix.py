"""Every URL × every role × own / another programme's objects, against docs/design.md's privacy model.

The rule table (`RULES`) maps each URL name to who may reach it. The test walks every URL pattern
the project has (admin and static files aside), so a URL added without a rule fails here until
someone decides who may see it. For each URL it checks:

- anonymous visitors are sent to log in, or reach the page if it is public; an API endpoint
  (`api=True`, called with each role's `Authorization: Bearer` token) answers them 401 in JSON;
- an outsider (the lead of another programme) gets 404: a programme's existence is not disclosed;
- a role not in the rule gets 403 (or the status the rule names, e.g. 404 where an object is
  hidden from that role);
- a role in the rule reaches the page (a status below 400, or the rule's `ok` statuses);
- the other programme's lead, using their own programme's slug with this programme's object ids,
  gets 404: objects are fetched within the programme, never by a bare id;
- an administrator of another organisation gets 404 on every page of this programme and of this
  organisation, also through their own organisation's address with this one's object ids.

Adding a URL: add `"app:name": Rule(...)` below. `roles` are those who may use it; `method` is how
the test calls it (POST endpoints are called with an empty form, which must not pass the
permission check for the wrong people); `args` names the objects in the URL, taken from the
`World` built below. New apps add their objects to `World` the same way. An /api/v1/ endpoint
takes `api=True`, so that it is called with a bearer token as scripts call it.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tandem.api.models import ApiToken
from tandem.api.services import api_token_create
from tandem.coaching import services as coaching_services
from tandem.coaching.models import Attendance, CoachingPlan, CoachingSession, ConcernFlag
from tandem.coding import selectors as coding_selectors
from tandem.coding.models import Code, Excerpt, SuggestionStatus, ThemeSuggestion
from tandem.demo import email_for
from tandem.outcomes.models import Kpi, KpiValue
from tandem.programmes.models import (
    Milestone,
    OrganisationAdministrator,
    Pair,
    Participant,
    Role,
)
from tandem.surveys import services as survey_services
from tandem.surveys.models import Answer, InterviewNote, Invitation, InvitationStatus, Wave
from tandem.workshops import services as workshop_services
from tandem.workshops.models import Action, AgreedPractice, AwayDay, Material, RecurringMeeting

from .factories import MilestoneFactory, PairFactory, ParticipantFactory, ProgrammeFactory

LEAD, SPONSOR, COACH, PARTICIPANT = "lead", "sponsor", "coach", "participant"
EVERY_ROLE = frozenset({LEAD, SPONSOR, COACH, PARTICIPANT})
MANAGERS = frozenset({LEAD})
CONFIDANTS = frozenset({COACH, PARTICIPANT})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    args: tuple[str, ...] = ()
    method: str = "GET"
    public: bool = False  # no log-in needed (anonymous visitors may use it)
    denied: int = 403  # the status a logged-in role outside `roles` gets
    ok: frozenset[int] = frozenset()  # extra statuses that count as "reached" (e.g. 404 token)
    # Roles refused with another status than `denied` (e.g. {PARTICIPANT: 404} where an object
    # belongs to someone else and is hidden rather than forbidden).
    denied_for: dict[str, int] = field(default_factory=dict)
    programme: bool = True  # under /programmes/<slug>/: the outsider check applies
    # An /api/v1/ endpoint: called as the API is, with `Authorization: Bearer <token>` (a token
    # of the role's user); anonymous callers get a JSON 401 rather than the log-in page.
    api: bool = False


def r(*roles: str, **kwargs: Any) -> Rule:
    return Rule(roles=frozenset(roles), **kwargs)


WAVE = ("slug", "wave_id")
PLAN = ("slug", "plan_id")
SESSION = ("slug", "plan_id", "session_id")
PERSON = ("slug", "participant_id")
RESPOND = ("token",)
DAY = ("slug", "away_day_id")
KPI = ("slug", "kpi_id")
OWN_PAIR = ("slug", "pair_id=own_pair_id")
OVERSEERS = frozenset({LEAD, SPONSOR})

RULES: dict[str, Rule] = {
    # Public: log-in, password reset, the health check, and answering by one's own link.
    "healthz": r(public=True, programme=False),
    # Readiness answers 503 while no worker runs (as in the suite): reached, not ready.
    "readyz": r(public=True, programme=False, ok=frozenset({503})),
    "accounts:login": r(public=True, programme=False),
    "accounts:logout": r(
        *EVERY_ROLE, method="POST", public=True, programme=False, ok=frozenset({302})
    ),
    # Single sign-on: not found until TANDEM_OIDC_ISSUER is set (tests/accounts/test_oidc.py).
    "accounts:oidc_login": r(public=True, programme=False, ok=frozenset({404})),
    "accounts:oidc_callback": r(public=True, programme=False, ok=frozenset({404})),
    "accounts:two_factor": r(*EVERY_ROLE, programme=False, ok=frozenset({302})),
    # The e-mailed set-up link: roles that owe no second factor are sent on; a bad link is 400.
    "accounts:two_factor_enrol": r(
        *EVERY_ROLE, programme=False, args=("token=enrol_token",), ok=frozenset({302, 400})
    ),
    "accounts:password_reset": r(public=True, programme=False),
    "accounts:password_reset_done": r(public=True, programme=False),
    "accounts:password_reset_confirm": r(
        public=True, programme=False, args=("uidb64", "token=reset_token")
    ),
    "accounts:password_reset_complete": r(public=True, programme=False),
    "surveys:respond_start": r(public=True, programme=False, args=RESPOND),
    "surveys:respond_section": r(public=True, programme=False, args=(*RESPOND, "section_id")),
    # The world's invitation is already submitted: autosave answers 409 (reached, refused).
    "surveys:respond_autosave": r(
        public=True, programme=False, args=RESPOND, method="POST", ok=frozenset({409})
    ),
    "surveys:respond_review": r(public=True, programme=False, args=RESPOND),
    "surveys:respond_submit": r(public=True, programme=False, args=RESPOND, method="POST"),
    # Programmes
    "programmes:list": r(*EVERY_ROLE, programme=False),
    "programmes:overview": r(*EVERY_ROLE, args=("slug",)),
    "programmes:people": r(*EVERY_ROLE, args=("slug",)),
    "programmes:person": r(*EVERY_ROLE, args=PERSON),
    "programmes:import": r(LEAD, args=("slug",)),
    "programmes:import_template": r(LEAD, args=("slug",)),
    "programmes:import_preview": r(LEAD, args=("slug", "token=uuid"), ok=frozenset({404})),
    # An organisation's set-up: its administrators and superusers only (tests/programmes/
    # test_services_import.py); no programme role administers it, so every role gets 404.
    "programmes:services_import": r(args=("org",), programme=False, denied=404),
    "programmes:services_import_template": r(args=("org",), programme=False, denied=404),
    "programmes:services_import_preview": r(
        args=("org", "token=uuid"), programme=False, denied=404
    ),
    "programmes:milestone_new": r(LEAD, args=("slug",)),
    "programmes:milestone_edit": r(LEAD, args=("slug", "milestone_id")),
    "programmes:milestone_delete": r(LEAD, args=("slug", "milestone_id"), method="POST"),
    "programmes:pair_new": r(LEAD, args=("slug",)),
    "programmes:pair_delete": r(LEAD, args=("slug", "pair_id"), method="POST"),
    # An organisation's administrators only (no programme role gives it): 404 for everyone here.
    "programmes:programme_start": r(args=("org",), denied=404, programme=False),
    "programmes:programme_copy": r(args=("org",), denied=404, programme=False),
    # The organisation pages (tests/programmes/test_organisations.py): the same rule.
    "programmes:organisations": r(programme=False, denied=404),
    "programmes:organisation": r(args=("org",), programme=False, denied=404),
    "programmes:locality_add": r(args=("org",), programme=False, denied=404, method="POST"),
    "programmes:service_add": r(args=("org",), programme=False, denied=404, method="POST"),
    "programmes:locality_edit": r(args=("org", "locality_id"), programme=False, denied=404),
    "programmes:service_edit": r(args=("org", "service_id"), programme=False, denied=404),
    **{
        f"programmes:{what}_{action}": r(
            args=("org", f"object_id={what}_id"), programme=False, denied=404, method="POST"
        )
        for what in ("locality", "service")
        for action in ("retire", "restore")
    },
    # Superusers only: adding an organisation (403 for anyone else), and granting who administers
    # one (404 for those who do not administer it, like every organisation page; 403 for its
    # own administrators, tests/programmes/test_organisations.py).
    "programmes:organisation_new": r(programme=False),
    "programmes:administrator_add": r(args=("org",), programme=False, denied=404),
    "programmes:administrator_remove": r(
        args=("org", "administrator_id"), programme=False, method="POST", denied=404
    ),
    # People, by the lead: add and invite, change a role, record a leaving, invite again.
    "programmes:person_new": r(LEAD, args=("slug",)),
    "programmes:person_role": r(LEAD, args=PERSON, method="POST"),
    "programmes:person_leave": r(LEAD, args=PERSON, method="POST"),
    "programmes:person_invite": r(LEAD, args=PERSON, method="POST"),
    # Questionnaires
    "surveys:waves": r(LEAD, args=("slug",)),
    "surveys:wave_new": r(LEAD, args=("slug",)),
    "surveys:wave": r(LEAD, args=WAVE),
    "surveys:wave_send": r(LEAD, args=WAVE, method="POST"),
    "surveys:wave_close": r(LEAD, args=WAVE, method="POST"),
    "surveys:responses_upload": r(LEAD, args=WAVE),
    "surveys:responses_map": r(LEAD, args=(*WAVE, "token=uuid"), ok=frozenset({404})),
    # An empty form is refused with 400 after the permission check: that is "reached".
    "surveys:interview_add": r(LEAD, args=WAVE, method="POST", ok=frozenset({400})),
    # Reports (the baseline is released: everyone in the programme reads it)
    "reports:index": r(*EVERY_ROLE, args=("slug",)),
    "reports:feedback": r(*EVERY_ROLE, args=WAVE),
    "reports:feedback_pdf": r(*EVERY_ROLE, args=WAVE),
    "reports:release": r(LEAD, args=WAVE, method="POST"),
    "reports:comparison": r(*EVERY_ROLE, args=("slug", "before_id", "after_id")),
    "reports:comparison_pdf": r(*EVERY_ROLE, args=("slug", "before_id", "after_id")),
    # Qualitative coding: the lead only
    "coding:codebook": r(LEAD, args=("slug",)),
    "coding:code_edit": r(LEAD, args=("slug", "code_id")),
    "coding:code_delete": r(LEAD, args=("slug", "code_id"), method="POST"),
    "coding:export_codebook": r(LEAD, args=("slug",)),
    "coding:export_project": r(LEAD, args=("slug",)),
    "coding:wave": r(LEAD, args=WAVE),
    "coding:answer": r(LEAD, args=(*WAVE, "ref")),
    "coding:note": r(LEAD, args=(*WAVE, "note_id")),
    "coding:excerpt_delete": r(LEAD, args=(*WAVE, "excerpt_id"), method="POST"),
    "coding:excerpt_review": r(LEAD, args=(*WAVE, "excerpt_id"), method="POST"),
    "coding:review": r(LEAD, args=WAVE),
    "coding:themes": r(LEAD, args=WAVE),
    "coding:theme_accept": r(
        LEAD, args=(*WAVE, "suggestion_id"), method="POST", ok=frozenset({400})
    ),
    "coding:theme_reject": r(LEAD, args=(*WAVE, "suggestion_id"), method="POST"),
    "coding:summary": r(LEAD, args=WAVE),
    # Coaching: notes for coach and coachee only; the sponsor sees attendance and ratings
    "coaching:home": r(*EVERY_ROLE, args=("slug",)),
    "coaching:overview": r(LEAD, SPONSOR, args=("slug",)),
    "coaching:settings": r(LEAD, args=("slug",)),
    "coaching:reminders": r(LEAD, args=("slug",), method="POST"),
    "coaching:dose_export": r(LEAD, SPONSOR, args=("slug",)),
    "coaching:coachees": r(COACH, args=("slug",)),
    "coaching:plan_new": r(LEAD, args=("slug",)),
    "coaching:plan": r(*CONFIDANTS, args=PLAN),
    "coaching:schedule": r(LEAD, COACH, PARTICIPANT, args=PLAN),
    "coaching:review": r(SPONSOR, args=PLAN),
    "coaching:goal_new": r(*CONFIDANTS, args=PLAN),
    "coaching:concern_new": r(COACH, args=PLAN),
    "coaching:concern_resolve": r(COACH, args=(*PLAN, "concern_id"), method="POST"),
    "coaching:session_new": r(COACH, args=PLAN),
    "coaching:session": r(*CONFIDANTS, args=SESSION),
    "coaching:session_edit": r(COACH, args=SESSION),
    "coaching:session_log": r(COACH, args=SESSION),
    "coaching:note": r(*CONFIDANTS, args=SESSION),
    "coaching:rate": r(*CONFIDANTS, args=SESSION),
    "coaching:themes_private": r(PARTICIPANT, args=SESSION, method="POST"),
    "coaching:ics": r(LEAD, *CONFIDANTS, args=SESSION),
    "coaching:send": r(COACH, args=SESSION, method="POST"),
    # Type profiles: a person's own type for them and their coach, never the lead
    "typology:index": r(*EVERY_ROLE, args=("slug",)),
    "typology:take": r(PARTICIPANT, args=("slug",)),
    "typology:team": r(*EVERY_ROLE, args=("slug",)),
    "typology:pairs": r(*EVERY_ROLE, args=("slug",)),
    "typology:evidence": r(LEAD, args=("slug",)),
    "typology:profile": r(*CONFIDANTS, args=PERSON),
    "typology:best_fit": r(PARTICIPANT, args=PERSON, method="POST"),
    "typology:external": r(PARTICIPANT, COACH, args=PERSON),
    "typology:share": r(PARTICIPANT, args=PERSON, method="POST"),
    # Data-protection rights: the lead downloads or erases a person of the programme
    "gdpr:export": r(LEAD, args=PERSON, method="POST"),
    "gdpr:erase": r(LEAD, args=PERSON),
    "operations:schedule": r(LEAD, args=("slug",)),
    "operations:job_edit": r(LEAD, args=("slug", "job_id")),
    "operations:emails": r(LEAD, args=("slug",)),
    "operations:email_send_again": r(LEAD, args=("slug", "email_id"), method="POST"),
    # Audit log
    "audit:programme": r(LEAD, args=("slug",)),
    "audit:all": r(programme=False, denied=404),
    # Working relationships (ARCHITECTURE.md): the lead and sponsors see pseudonymised analyses;
    # a participant sees only their own ties (sent there from the overview); coaches nothing.
    "networks:overview": r(*OVERSEERS, args=("slug",), denied_for={PARTICIPANT: 302}),
    "networks:pairs": r(*OVERSEERS, args=("slug",)),
    "networks:map": r(*OVERSEERS, args=("slug",)),
    "networks:map_json": r(*OVERSEERS, args=("slug",)),
    "networks:localities": r(*OVERSEERS, args=("slug",)),
    "networks:me": r(PARTICIPANT, args=("slug",)),
    # Service outcomes: lead and sponsors see every service, a participant their own services
    # (another service's page is 403: see test_a_participant_cannot_reach_another_services_kpis),
    # coaches none; only the lead changes KPIs or imports values.
    "outcomes:index": r(LEAD, SPONSOR, PARTICIPANT, args=("slug",)),
    "outcomes:service": r(LEAD, SPONSOR, PARTICIPANT, args=("slug", "service_id")),
    "outcomes:kpi_new": r(LEAD, args=("slug",)),
    "outcomes:kpi_edit": r(LEAD, args=KPI),
    "outcomes:kpi_values": r(LEAD, args=KPI),
    "outcomes:kpi_value_delete": r(LEAD, args=(*KPI, "value_id"), method="POST"),
    "outcomes:comparisons": r(LEAD, args=("slug",)),
    "outcomes:import": r(LEAD, args=("slug",)),
    "outcomes:import_template": r(LEAD, args=("slug",)),
    "outcomes:import_preview": r(LEAD, args=("slug", "token=uuid"), ok=frozenset({404})),
    # Away days: the table in ARCHITECTURE.md ("Away days"); the participant is Dr Okafor, whose
    # pair (own_pair_id) observes another pair and whose action (action_id) is their own.
    "workshops:home": r(*EVERY_ROLE, args=("slug",)),
    "workshops:away_day_new": r(LEAD, args=("slug",)),
    "workshops:away_day": r(LEAD, SPONSOR, PARTICIPANT, args=DAY),
    "workshops:away_day_edit": r(LEAD, args=DAY),
    "workshops:agenda_item_new": r(LEAD, args=DAY),
    "workshops:agenda_pdf": r(LEAD, SPONSOR, PARTICIPANT, args=DAY),
    "workshops:attendance": r(LEAD, args=DAY),
    "workshops:material_new": r(LEAD, args=DAY),
    "workshops:material": r(LEAD, SPONSOR, PARTICIPANT, args=(*DAY, "material_id")),
    "workshops:evaluation": r(PARTICIPANT, args=DAY),
    "workshops:evaluation_results": r(*OVERSEERS, args=DAY),
    "workshops:charter": r(*EVERY_ROLE, args=("slug",)),
    "workshops:practice_new": r(LEAD, args=("slug",)),
    "workshops:practice": r(*EVERY_ROLE, args=("slug", "practice_id")),
    "workshops:practice_revise": r(LEAD, args=("slug", "practice_id")),
    "workshops:charter_pdf": r(*EVERY_ROLE, args=("slug",)),
    "workshops:charter_xlsx": r(*EVERY_ROLE, args=("slug",)),
    "workshops:mission": r(*EVERY_ROLE, args=("slug",)),
    "workshops:mission_new": r(LEAD, args=("slug",)),
    "workshops:role_agreements": r(LEAD, SPONSOR, PARTICIPANT, args=("slug",)),
    "workshops:role_agreement": r(LEAD, SPONSOR, PARTICIPANT, args=OWN_PAIR),
    "workshops:role_agreement_new": r(LEAD, PARTICIPANT, args=OWN_PAIR),
    "workshops:role_agreement_confirm": r(PARTICIPANT, args=OWN_PAIR, method="POST"),
    "workshops:actions": r(*OVERSEERS, args=("slug",)),
    "workshops:my_actions": r(*EVERY_ROLE, args=("slug",)),
    "workshops:action_new": r(LEAD, args=("slug",)),
    "workshops:remind_overdue": r(LEAD, args=("slug",), method="POST"),
    "workshops:action": r(LEAD, SPONSOR, PARTICIPANT, args=("slug", "action_id")),
    "workshops:actions_pdf": r(*OVERSEERS, args=("slug",)),
    "workshops:actions_xlsx": r(*OVERSEERS, args=("slug",)),
    "workshops:observations": r(PARTICIPANT, args=("slug",)),
    "workshops:observation_new": r(PARTICIPANT, args=("slug",)),
    "workshops:meetings": r(*OVERSEERS, args=("slug",)),
    "workshops:meeting_new": r(LEAD, args=("slug",)),
    "workshops:meeting": r(*OVERSEERS, args=("slug", "meeting_id")),
    "workshops:meeting_edit": r(LEAD, args=("slug", "meeting_id")),
    # The programme evaluation report: its lead and sponsors
    "reports:evaluation": r(*OVERSEERS, args=("slug",)),
    "reports:evaluation_pdf": r(*OVERSEERS, args=("slug",)),
    "reports:evaluation_freeze": r(LEAD, args=("slug",), method="POST"),
    # The de-identified research dataset: the lead only
    "reports:research_export": r(LEAD, args=("slug",)),
    # Personal API tokens: anyone logged in, for their own tokens only. The world's token is the
    # participant's: anyone else gets 404 for it (another person's token is not disclosed).
    "tokens:list": r(*EVERY_ROLE, programme=False),
    "tokens:new": r(*EVERY_ROLE, programme=False),
    "tokens:revoke": r(PARTICIPANT, args=("token_id",), method="POST", programme=False, denied=404),
    # The API: the same rules as the pages (tests/api/test_permissions.py). Its description
    # (OpenAPI document and the documentation page) holds no data: it is public.
    # ninja's root only names the prefix (it is a 404 for everyone).
    # Anything else under /api/ is a JSON 404 for everyone, logged in or not.
    "api_not_found": r(
        *EVERY_ROLE,
        public=True,
        programme=False,
        args=("rest=unknown_api_path",),
        ok=frozenset({404}),
    ),
    "api-v1:api-root": r(*EVERY_ROLE, public=True, programme=False, ok=frozenset({404})),
    "api-v1:openapi-json": r(public=True, programme=False),
    "api-v1:openapi-view": r(public=True, programme=False),
    "api-v1:me": r(*EVERY_ROLE, api=True, programme=False),
    "api-v1:programme_list": r(*EVERY_ROLE, api=True, programme=False),
    "api-v1:programme_detail": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:participant_list": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:participant_detail": r(*EVERY_ROLE, api=True, args=PERSON),
    "api-v1:pair_list": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:wave_list": r(LEAD, api=True, args=("slug",)),
    "api-v1:wave_detail": r(LEAD, api=True, args=WAVE),
    "api-v1:report_index": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:feedback": r(*EVERY_ROLE, api=True, args=WAVE),
    "api-v1:comparison": r(*EVERY_ROLE, api=True, args=("slug", "before_id", "after_id")),
    "api-v1:team_table": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:dose": r(*OVERSEERS, api=True, args=("slug",)),
    "api-v1:network_waves": r(*OVERSEERS, api=True, args=("slug",)),
    "api-v1:network_indices": r(*OVERSEERS, api=True, args=("slug",)),
    "api-v1:network_me": r(PARTICIPANT, api=True, args=("slug",)),
    "api-v1:actions": r(*OVERSEERS, api=True, args=("slug",)),
    "api-v1:my_actions": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:charter": r(*EVERY_ROLE, api=True, args=("slug",)),
    "api-v1:away_days": r(LEAD, SPONSOR, PARTICIPANT, api=True, args=("slug",)),
    "api-v1:outcome_services": r(LEAD, SPONSOR, PARTICIPANT, api=True, args=("slug",)),
    "api-v1:service_kpis": r(LEAD, SPONSOR, PARTICIPANT, api=True, args=("slug", "service_id")),
}


@dataclass
class World:
    """The objects that fill URL arguments: the demo programme's (the participant's own)."""

    values: dict[str, Any]
    other_slug: str
    other_values: dict[str, Any]  # the second programme's own objects (same argument names)
    api_tokens: dict[str, str] = field(default_factory=dict)  # role → a live bearer token


def _demo_world(demo: Any) -> dict[str, Any]:
    programme = demo.programme
    me = Participant.objects.get(programme=programme, person__name="Dr Amara Okafor")
    coach = Participant.objects.get(programme=programme, person__name="Nadia Foster")
    plan = CoachingPlan.objects.filter(coachee=me).first() or coaching_services.plan_create(
        coachee=me, coach=coach
    )
    session = (
        CoachingSession.objects.filter(plan=plan, attendance=Attendance.ATTENDED).first()
        or CoachingSession.objects.filter(plan=plan).first()
    )
    assert session is not None, "the demo gives Dr Okafor's plan at least one session"
    concern = ConcernFlag.objects.filter(plan=plan).first() or coaching_services.concern_raise(
        plan=plan, reason="Access matrix"
    )
    waves = list(Wave.objects.filter(programme=programme).order_by("opens_on"))
    baseline = Wave.objects.get(programme=programme, title="Baseline stock take")
    repeat = Wave.objects.get(programme=programme, title="Repeat stock take")
    answer = (
        Answer.objects.filter(
            invitation__wave=baseline, invitation__status=InvitationStatus.SUBMITTED
        )
        .exclude(text="")
        .first()
    )
    invitation = Invitation.objects.filter(wave__in=waves, participant=me).order_by("-id").first()
    user = get_user_model().objects.get(email=email_for("Dr Amara Okafor"))
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    own_pair = Pair.objects.get(programme=programme, doctor=me)
    kpi = Kpi.objects.filter(service=own_pair.service).order_by("pk").first()
    assert kpi is not None, "the demo gives Dr Okafor's service KPIs"
    first_day = AwayDay.objects.get(programme=programme, title="First away day")
    action = Action.objects.filter(owner=me).first() or Action.objects.create(
        programme=programme, title="Matrix action", owner=me, due_on=first_day.date
    )
    material = Material.objects.filter(away_day=first_day).first() or (
        workshop_services.material_upload(
            away_day=first_day,
            title="Slides",
            upload=SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n% slides\n", "application/pdf"),
        )
    )
    note = InterviewNote.objects.filter(wave=baseline).first() or (
        survey_services.interview_note_add(wave=baseline, title="Matrix", text="Notes.")
    )
    excerpt = Excerpt.objects.filter(wave=baseline).first()
    suggestion = ThemeSuggestion.objects.filter(
        wave=baseline, status=SuggestionStatus.PENDING
    ).first() or ThemeSuggestion.objects.create(
        wave=baseline, terms=["agenda"], answer_ids=[answer.pk]
    )
    from tandem.operations.models import EmailStatus, JobKind, OutboundEmail, ScheduledJob
    from tandem.operations.scheduling import ensure_jobs

    ensure_jobs()
    failed_email = OutboundEmail.objects.create(
        programme=programme,
        recipients=[email_for("Dr Amara Okafor")],
        subject="Matrix",
        message_id=f"<{uuid.uuid4().hex}@tandem.localhost>",
        status=EmailStatus.FAILED,
        next_attempt_at=timezone.now(),
        message={
            "subject": "Matrix",
            "body": "b",
            "from_email": None,
            "to": ["x@example.org"],
            "cc": [],
            "bcc": [],
            "reply_to": [],
            "headers": {},
            "attachments": [],
            "alternatives": [],
        },
    )
    return {
        "job_id": ScheduledJob.objects.get(kind=JobKind.OVERDUE_ACTIONS, programme=programme).pk,
        "email_id": failed_email.pk,
        "slug": programme.slug,
        "org": programme.organisation.slug,
        "wave_id": baseline.pk,
        "before_id": baseline.pk,
        "after_id": repeat.pk,
        "participant_id": me.pk,
        "plan_id": plan.pk,
        "session_id": session.pk,
        "concern_id": concern.pk,
        "milestone_id": Milestone.objects.filter(programme=programme).first().pk,
        "pair_id": Pair.objects.filter(programme=programme).first().pk,
        "code_id": Code.objects.filter(codebook__programme=programme).first().pk,
        "ref": coding_selectors.answer_ref(answer.pk),
        "note_id": note.pk,
        "excerpt_id": excerpt.pk,
        "suggestion_id": suggestion.pk,
        "token": invitation.token,
        "section_id": invitation.wave.instrument.sections[0].id,
        "uuid": uuid.uuid4(),
        "unknown_api_path": "v0/no-such-endpoint",
        "enrol_token": "not-a-token",
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "reset_token": default_token_generator.make_token(user),
        "service_id": own_pair.service_id,
        "locality_id": own_pair.service.locality_id,
        "administrator_id": OrganisationAdministrator.objects.get_or_create(
            organisation=programme.organisation,
            # Someone with no role in the programme: the matrix's four roles administer nothing.
            user=get_user_model().objects.get_or_create(email="matrix-admin@example.org")[0],
        )[0].pk,
        "kpi_id": kpi.pk,
        "value_id": KpiValue.objects.filter(kpi=kpi).first().pk,
        "own_pair_id": own_pair.pk,
        "away_day_id": first_day.pk,
        "material_id": material.pk,
        "practice_id": AgreedPractice.objects.filter(programme=programme).first().pk,
        "action_id": action.pk,
        "meeting_id": RecurringMeeting.objects.filter(programme=programme).first().pk,
        "token_id": api_token_create(user=user, name="Matrix", days=30).token.pk,
    }


@pytest.fixture
def world(demo: Any) -> World:
    other_lead = ParticipantFactory(programme=ProgrammeFactory(), role=Role.PROGRAMME_LEAD)
    other = other_lead.programme
    milestone = MilestoneFactory(programme=other)
    pair = PairFactory(programme=other)
    member = ParticipantFactory(programme=other)
    people = {**{role: email_for(name) for role, name in CLIENT_EMAILS.items()}}
    people["outsider"] = other_lead.person.email
    other_admin, _ = get_user_model().objects.get_or_create(email="other-org-admin@example.org")
    OrganisationAdministrator.objects.get_or_create(
        organisation=other.organisation, user=other_admin
    )
    api_tokens = {
        role: api_token_create(
            user=get_user_model().objects.get(email=email), name="Matrix", days=30
        ).raw
        for role, email in people.items()
    }
    return World(
        values=_demo_world(demo),
        other_slug=other.slug,
        other_values={
            "lead_email": other_lead.person.email,
            "milestone_id": milestone.pk,
            "pair_id": pair.pk,
            "participant_id": member.pk,
            "org": other.organisation.slug,
            "org_admin_email": other_admin.email,
        },
        api_tokens=api_tokens,
    )


CLIENT_EMAILS = {
    LEAD: "Priya Sandhu",
    SPONSOR: "Dr Miriam Achebe",
    COACH: "Nadia Foster",
    PARTICIPANT: "Dr Amara Okafor",
}


def _client(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


def url_names() -> list[str]:
    """Every named URL of the project except the admin's (static files are not routes here)."""

    def walk(patterns: list[Any], namespace: str = "") -> list[str]:
        names = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin" or pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names += walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed URL pattern {pattern.pattern}: name it"
                names.append(namespace + pattern.name)
        return names

    return walk(get_resolver().url_patterns)


def test_every_url_has_an_access_rule() -> None:
    missing = sorted(set(url_names()) - set(RULES))
    assert missing == [], f"URLs without an access rule in tests/test_access_matrix.py: {missing}"
    stale = sorted(set(RULES) - set(url_names()))
    assert stale == [], f"rules for URLs that no longer exist: {stale}"


def _call(client: Client, rule: Rule, url: str) -> int:
    response = client.post(url, {}) if rule.method == "POST" else client.get(url)
    if response.streaming:
        # Reading a download to the end closes its file, as a WSGI server would. Calling close()
        # by hand would fire request_finished and close the database connection on PostgreSQL.
        b"".join(response.streaming_content)  # type: ignore[arg-type]
    if rule.api and not response.get("Content-Type", "").startswith("application/json"):
        return -1, f"not JSON: {response.get('Content-Type')}"  # type: ignore[return-value]
    return response.status_code, response.get("Location", "")  # type: ignore[return-value]


def _url(name: str, rule: Rule, values: dict[str, Any]) -> str:
    return reverse(name, kwargs=_kwargs(name, rule, values))


def _kwargs(name: str, rule: Rule, values: dict[str, Any]) -> dict[str, Any]:
    """`args` entries are world keys, or "route_name=world_key" where the two differ."""
    kwargs = {}
    for arg in rule.args:
        route_name, _, key = arg.partition("=")
        kwargs[route_name] = values[key or route_name]
    return kwargs


def _check(name: str, rule: Rule, world: World, clients: dict[str, Client]) -> list[str]:
    url = _url(name, rule, world.values)
    problems: list[str] = []
    if rule.api:
        clients = {
            who: Client(headers={"Authorization": f"Bearer {token}"})
            for who, token in world.api_tokens.items()
        }

    status, location = _call(Client(), rule, url)
    if rule.api and not rule.public:
        if status != 401:
            problems.append(f"anonymous: {status}, expected 401")
    elif rule.public:
        if not (status < 400 or status in rule.ok):
            problems.append(f"anonymous: {status}, expected to reach the page (it is public)")
    elif not (status == 302 and location.startswith("/accounts/login/")):
        problems.append(f"anonymous: {status} {location}, expected the log-in page")

    if rule.programme:
        status, _ = _call(clients["outsider"], rule, url)
        if status != 404:
            problems.append(f"outsider (another programme's lead): {status}, expected 404")
        # Their own programme's slug with this programme's object ids: still nothing.
        # (A random upload token is nobody's object: it is not part of this check.)
        if len(rule.args) > 1 and not any(a.endswith("uuid") for a in rule.args):
            crossed = dict(world.values, slug=world.other_slug)
            status, _ = _call(clients["outsider"], rule, _url(name, rule, crossed))
            if status not in {403, 404}:
                problems.append(f"another programme's object through own slug: {status}")

    bound_to = {arg.partition("=")[0] for arg in rule.args} & {"slug", "org"}
    if bound_to and not rule.public and not rule.api:
        status, _ = _call(clients["org_outsider"], rule, url)
        if status != 404:
            problems.append(f"another organisation's administrator: {status}, expected 404")
        if (
            "org" in bound_to
            and len(rule.args) > 1
            and not any(a.endswith("uuid") for a in rule.args)
        ):
            crossed = dict(world.values, org=world.other_values["org"])
            status, _ = _call(clients["org_outsider"], rule, _url(name, rule, crossed))
            if status != 404:
                problems.append(f"this organisation's object through their own: {status}")

    for role in (LEAD, SPONSOR, COACH, PARTICIPANT):
        if role in rule.roles or rule.public:
            continue
        status, _ = _call(clients[role], rule, url)
        expected = rule.denied_for.get(role, rule.denied)
        if status != expected:
            problems.append(f"{role}: {status}, expected {expected}")

    for role in sorted(rule.roles):
        status, location = _call(clients[role], rule, url)
        reached = status < 400 and not location.startswith("/accounts/login/")
        if not (reached or status in rule.ok):
            problems.append(f"{role}: {status}, expected to reach the page")
    return [f"{name} ({url}): {p}" for p in problems]


def test_access_matrix(world: World) -> None:
    """One pass over every rule; each URL's requests are rolled back before the next URL.

    Each role's request draws the same report charts; tandem.charts keeps each drawing, so
    they are drawn once."""
    clients = {role: _client(email_for(person)) for role, person in CLIENT_EMAILS.items()}
    clients["outsider"] = _client(world.other_values["lead_email"])
    clients["org_outsider"] = _client(world.other_values["org_admin_email"])
    problems: list[str] = []
    for name in sorted(RULES):
        # Log-out (and a timed-out session) replace a client's cookie: restore them with the data.
        cookies = {role: copy.deepcopy(client.cookies) for role, client in clients.items()}
        with transaction.atomic():
            problems += _check(name, RULES[name], world, clients)
            transaction.set_rollback(True)
        for role, client in clients.items():
            client.cookies = cookies[role]
    assert problems == [], "\n".join(problems)


def test_lead_cannot_reach_another_programmes_objects_through_own_programme(
    world: World,
) -> None:
    lead = _client(email_for(CLIENT_EMAILS[LEAD]))
    slug = world.values["slug"]
    other = world.other_values
    urls = [
        reverse("programmes:person", args=[slug, other["participant_id"]]),
        reverse("programmes:milestone_edit", args=[slug, other["milestone_id"]]),
        reverse("typology:profile", args=[slug, other["participant_id"]]),
    ]
    assert [lead.get(url).status_code for url in urls] == [404, 404, 404]
    assert (
        lead.post(reverse("programmes:pair_delete", args=[slug, other["pair_id"]])).status_code
        == 404
    )
    assert Pair.objects.filter(pk=other["pair_id"]).exists()


def test_a_participant_cannot_reach_a_peers_type_or_coaching_plan(world: World, demo: Any) -> None:
    me = _client(email_for(CLIENT_EMAILS[PARTICIPANT]))
    slug = world.values["slug"]
    peer = (
        Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT)
        .exclude(pk=world.values["participant_id"])
        .first()
    )
    assert me.get(reverse("typology:profile", args=[slug, peer.pk])).status_code == 403
    peer_plan = CoachingPlan.objects.filter(programme=demo.programme).exclude(
        pk=world.values["plan_id"]
    )
    for plan in peer_plan[:1]:
        assert me.get(reverse("coaching:plan", args=[slug, plan.pk])).status_code in {403, 404}


def test_a_participant_cannot_reach_another_services_or_pairs_objects(
    world: World, demo: Any
) -> None:
    """The rules above use the participant's own objects; here are the ones of other people."""
    me = _client(email_for(CLIENT_EMAILS[PARTICIPANT]))
    slug = world.values["slug"]
    far_pair = Pair.objects.get(programme=demo.programme, doctor__person__name="Dr Eleanor Voss")
    other_service = (
        Pair.objects.filter(programme=demo.programme)
        .exclude(service_id=world.values["service_id"])
        .exclude(doctor__person__user__email=email_for(CLIENT_EMAILS[PARTICIPANT]))
        .exclude(manager__person__user__email=email_for(CLIENT_EMAILS[PARTICIPANT]))
        .first()
        .service_id
    )
    others_action = (
        Action.objects.filter(programme=demo.programme)
        .exclude(pk=world.values["action_id"])
        .exclude(owner__person__name="Dr Amara Okafor")
        .first()
    )
    urls = [
        reverse("outcomes:service", args=[slug, other_service]),
        reverse("workshops:role_agreement", args=[slug, far_pair.pk]),
        reverse("workshops:role_agreement_new", args=[slug, far_pair.pk]),
        reverse("workshops:action", args=[slug, others_action.pk]),
    ]
    assert [me.get(url).status_code for url in urls] == [403, 403, 403, 403]
    confirm = reverse("workshops:role_agreement_confirm", args=[slug, far_pair.pk])
    assert me.post(confirm).status_code == 403


def test_a_sponsor_sees_no_network_of_a_wave_not_yet_released(world: World, demo: Any) -> None:
    slug = world.values["slug"]
    baseline, repeat = world.values["before_id"], world.values["after_id"]
    Wave.objects.filter(pk=repeat).update(released_at=None)
    sponsor = _client(email_for(CLIENT_EMAILS[SPONSOR]))
    lead = _client(email_for(CLIENT_EMAILS[LEAD]))
    urls = [
        reverse(f"networks:{name}", args=[slug]) + f"?wave={repeat}"
        for name in ("pairs", "map", "map_json", "localities")
    ]
    urls.append(reverse("networks:map_json", args=[slug]) + f"?wave={baseline}&compare={repeat}")
    assert [sponsor.get(url).status_code for url in urls] == [403] * 5
    assert [lead.get(url).status_code for url in urls] == [200] * 5


def test_nobody_revokes_another_persons_token(world: World) -> None:
    token = ApiToken.objects.get(pk=world.values["token_id"])
    url = reverse("tokens:revoke", args=[token.pk])
    for role in (LEAD, SPONSOR, COACH):
        client = _client(email_for(CLIENT_EMAILS[role]))
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    owner = _client(email_for(CLIENT_EMAILS[PARTICIPANT]))
    assert owner.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_api_answers_a_bearer_token_as_it_answers_the_session(
    world: World,
) -> None:
    """Bearer calls of the matrix answer as the session would: checked for one endpoint here."""
    slug = world.values["slug"]
    url = reverse("api-v1:dose", kwargs={"slug": slug})
    statuses = {
        who: Client(headers={"Authorization": f"Bearer {token}"}).get(url).status_code
        for who, token in world.api_tokens.items()
    }
    assert statuses == {LEAD: 200, SPONSOR: 200, COACH: 403, PARTICIPANT: 403, "outsider": 404}
    sessions = {
        role: _client(email_for(name)).get(url).status_code for role, name in CLIENT_EMAILS.items()
    }
    assert sessions == {LEAD: 200, SPONSOR: 200, COACH: 403, PARTICIPANT: 403}


def test_lead_cannot_reach_another_programmes_away_days_kpis_or_actions(
    world: World, demo: Any
) -> None:
    """Objects of the new apps are fetched within the programme too, never by a bare id."""
    other_pair = Pair.objects.get(pk=world.other_values["pair_id"])
    other = other_pair.programme
    day = workshop_services.away_day_create(
        programme=other, title="Elsewhere", date=other.start_date
    )
    action = Action.objects.create(
        programme=other, title="Elsewhere", owner=other_pair.doctor, due_on=other.start_date
    )
    practice = AgreedPractice.objects.create(programme=other)
    meeting = RecurringMeeting.objects.create(programme=other, name="Elsewhere")
    kpi = Kpi.objects.create(
        organisation=other.organisation,
        service=other_pair.service,
        name="Elsewhere",
        direction="up",
        category="quality",
    )
    value = KpiValue.objects.create(kpi=kpi, period=other.start_date, value=1)
    lead = _client(email_for(CLIENT_EMAILS[LEAD]))
    slug = world.values["slug"]
    urls = [
        reverse("workshops:away_day", args=[slug, day.pk]),
        reverse("workshops:away_day_edit", args=[slug, day.pk]),
        reverse("workshops:action", args=[slug, action.pk]),
        reverse("workshops:practice", args=[slug, practice.pk]),
        reverse("workshops:practice_revise", args=[slug, practice.pk]),
        reverse("workshops:meeting", args=[slug, meeting.pk]),
        reverse("workshops:role_agreement", args=[slug, other_pair.pk]),
        reverse("outcomes:service", args=[slug, other_pair.service_id]),
        reverse("outcomes:kpi_edit", args=[slug, kpi.pk]),
        reverse("outcomes:kpi_values", args=[slug, kpi.pk]),
    ]
    assert {url: lead.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    delete = reverse("outcomes:kpi_value_delete", args=[slug, kpi.pk, value.pk])
    assert lead.post(delete).status_code == 404
    assert KpiValue.objects.filter(pk=value.pk).exists()
