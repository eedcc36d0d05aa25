"""The demo programme: one realistic, synthetic trust that `tandem demo` builds and the tests share.

Every name, e-mail address and organisation here is invented; addresses use the reserved
`.example` domain so that nothing can ever be sent to a real person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from tandem.programmes import services
from tandem.programmes.models import (
    Level,
    MilestoneKind,
    Organisation,
    Pair,
    Participant,
    Profession,
    Programme,
    Role,
)
from tandem.registry import demo_steps

DEMO_SLUG = "partnership-2025"
DEMO_ORGANISATION = "Riverside and Fells NHS Foundation Trust"
DEMO_DOMAIN = "riverside-fells.example"
DEFAULT_PASSWORD = "tandem-demo-2026"  # noqa: S105 - the demo's published password

# (locality, service, lead consultant, service manager)
PAIRS: tuple[tuple[str, str, str, str], ...] = (
    ("Riverside North", "North Community Mental Health Team", "Dr Amara Okafor", "Anna Kowalski"),
    ("Riverside North", "Crisis Resolution and Home Treatment", "Dr Ben Hartley", "Brian Doyle"),
    ("Riverside North", "Early Intervention in Psychosis", "Dr Chloe Whitfield", "Carla Mendes"),
    ("Riverside North", "Memory Assessment Service", "Dr Dev Raman", "Dan Thornton"),
    ("Riverside South", "South Community Mental Health Team", "Dr Eleanor Voss", "Esther Lamb"),
    ("Riverside South", "Acute Inpatient Wards", "Dr Farid Haddad", "Femi Adeyemi"),
    ("Riverside South", "Liaison Psychiatry", "Dr Grace Llewellyn", "Gail Horsfield"),
    ("Riverside South", "Perinatal Mental Health", "Dr Hugo Brennan", "Harriet Quinn"),
    ("The Fells", "Fells Community Mental Health Team", "Dr Isla McBride", "Imran Qureshi"),
    ("The Fells", "Older Adults Inpatient Unit", "Dr James Okoro", "Jo Pritchard"),
    ("The Fells", "Child and Adolescent Mental Health", "Dr Kavita Shah", "Karen Ellis"),
    ("The Fells", "Rehabilitation and Recovery", "Dr Liam Fairbairn", "Leon Marsh"),
)

# (name, profession, level, role, job title)
OTHERS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Priya Sandhu",
        Profession.OTHER,
        Level.SENIOR,
        Role.PROGRAMME_LEAD,
        "Head of Organisational Development",
    ),
    (
        "Dr Miriam Achebe",
        Profession.DOCTOR,
        Level.EXECUTIVE,
        Role.SPONSOR,
        "Associate Medical Director",
    ),
    (
        "Richard Ashworth",
        Profession.MANAGER,
        Level.EXECUTIVE,
        Role.SPONSOR,
        "Executive Director of Operations",
    ),
    ("Nadia Foster", Profession.OTHER, Level.SENIOR, Role.COACH, "Leadership Coach"),
    ("Owen Price", Profession.OTHER, Level.SENIOR, Role.COACH, "Leadership Coach"),
)

MILESTONES: tuple[tuple[str, str, dt.date, dt.date | None, str], ...] = (
    (
        MilestoneKind.STOCK_TAKE,
        "Baseline stock take",
        dt.date(2025, 1, 20),
        dt.date(2025, 2, 14),
        "Questionnaire and interviews on how doctors and managers work together.",
    ),
    (
        MilestoneKind.FEEDBACK,
        "Feedback of results",
        dt.date(2025, 3, 10),
        None,
        "The anonymised stock-take report presented to the whole group.",
    ),
    (
        MilestoneKind.PROFILING,
        "Type profiling workshop",
        dt.date(2025, 3, 24),
        None,
        "A common language for differences in how people prefer to work.",
    ),
    (
        MilestoneKind.AWAY_DAY,
        "First away day",
        dt.date(2025, 4, 10),
        None,
        "Agreeing a common mission, roles and new ways of working.",
    ),
    (
        MilestoneKind.COACHING,
        "Individual coaching",
        dt.date(2025, 5, 1),
        dt.date(2025, 12, 19),
        "Four sessions each: influencing, communication, finance, strategic planning.",
    ),
    (
        MilestoneKind.AWAY_DAY,
        "Second away day",
        dt.date(2025, 10, 2),
        None,
        "Pairs observe each other and review the agreed practices.",
    ),
    (
        MilestoneKind.REPEAT_STOCK_TAKE,
        "Repeat stock take",
        dt.date(2026, 1, 19),
        dt.date(2026, 2, 13),
        "The same questionnaire a year on.",
    ),
    (
        MilestoneKind.FINAL_AWAY_DAY,
        "Final away day",
        dt.date(2026, 3, 19),
        None,
        "What changed, what did not, and what the group keeps doing.",
    ),
)


def email_for(name: str) -> str:
    local = name.removeprefix("Dr ").lower().replace(" ", ".").replace("'", "")
    return f"{local}@{DEMO_DOMAIN}"


@dataclass
class DemoProgramme:
    programme: Programme
    password: str
    lead_email: str = email_for("Priya Sandhu")
    superuser_email: str = f"admin@{DEMO_DOMAIN}"
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role description, e-mail)

    @property
    def pairs(self) -> list[Pair]:
        return list(
            self.programme.pairs.select_related("doctor__person", "manager__person", "service")
        )


@transaction.atomic
def seed_demo(*, password: str = DEFAULT_PASSWORD) -> DemoProgramme:
    """Build the demo programme from nothing (call on an empty database, or after `demo_reset`).

    No side door: every write is a service the pages and commands call — `organisation_create`
    (the organisation pages, `tandem org create`), `programme_create` (which `programme_start`
    and `programme_copy` save through), the participant import's `locality_get_or_create`,
    `service_get_or_create`, `person_upsert` and `participant_add`, the pair form's `pair_create`
    and the milestone form's `milestone_create`; each app's demo step uses its own services.
    The demo's dates are its own (a programme that began in January 2025), not a template's.
    """
    organisation = services.organisation_create(
        name=DEMO_ORGANISATION, short_name="Riverside and Fells"
    )
    programme = services.programme_create(
        organisation=organisation,
        name="Doctor–manager partnership programme 2025–26",
        slug=DEMO_SLUG,
        start_date=dt.date(2025, 1, 13),
        end_date=dt.date(2026, 12, 18),
        min_group_size=5,
        description=(
            "Twelve lead consultants and their service managers, developed together over two years: "
            "stock take, feedback, type profiling, away days, coaching and a repeat stock take."
        ),
    )
    for locality_name, service_name, doctor_name, manager_name in PAIRS:
        locality = services.locality_get_or_create(organisation=organisation, name=locality_name)
        service = services.service_get_or_create(locality=locality, name=service_name)
        members: dict[str, Participant] = {}
        for name, profession, title in (
            (doctor_name, Profession.DOCTOR, "Lead Consultant Psychiatrist"),
            (manager_name, Profession.MANAGER, "Service Manager"),
        ):
            person = services.person_upsert(
                organisation=organisation,
                name=name,
                email=email_for(name),
                profession=profession,
                level=Level.SERVICE,
                service=service,
                job_title=title,
            )
            members[profession] = services.participant_add(programme=programme, person=person)
        services.pair_create(
            programme=programme,
            service=service,
            doctor=members[Profession.DOCTOR],
            manager=members[Profession.MANAGER],
        )
    for name, other_profession, level, role, title in OTHERS:
        person = services.person_upsert(
            organisation=organisation,
            name=name,
            email=email_for(name),
            profession=other_profession,
            level=level,
            job_title=title,
        )
        services.participant_add(programme=programme, person=person, role=role)
    for kind, title, start, end, description in MILESTONES:
        services.milestone_create(
            programme=programme,
            kind=kind,
            title=title,
            start_date=start,
            end_date=end,
            description=description,
        )

    # Each app adds its part (questionnaires, coding, types, coaching, networks, KPIs, away days,
    # the frozen evaluation), in the order it registered (tandem.registry).
    for _name, step in demo_steps():
        step(programme=programme)

    User = get_user_model()
    # One password for every demo account, so that a visitor can try each role. It is hashed once
    # and the hash shared: hashing it thirty times would make the demo take a quarter of a minute.
    from django.contrib.auth.hashers import make_password

    # Comparison respondents have no account to sign in with: they answer by their link.
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exclude(
        person__participations__role=Role.COMPARISON
    ).update(password=make_password(password))
    User.objects.create_superuser(
        email=f"admin@{DEMO_DOMAIN}", password=password, full_name="Tandem Admin"
    )

    demo = DemoProgramme(programme=programme, password=password)
    demo.logins = demo_logins()
    return demo


def demo_logins() -> list[tuple[str, str]]:
    """(role, e-mail) of one demo account per role, for the demo's welcome message and the README."""
    return [
        ("Programme lead", email_for("Priya Sandhu")),
        ("Sponsor (associate medical director)", email_for("Dr Miriam Achebe")),
        ("Sponsor (executive director)", email_for("Richard Ashworth")),
        ("Coach", email_for("Nadia Foster")),
        ("Participant (lead consultant)", email_for("Dr Amara Okafor")),
        ("Participant (service manager)", email_for("Anna Kowalski")),
        ("Superuser (Django admin)", f"admin@{DEMO_DOMAIN}"),
    ]


def load_demo(*, password: str) -> DemoProgramme | None:
    """The demo programme already in the database, if there is one."""
    programme = Programme.objects.select_related("organisation").filter(slug=DEMO_SLUG).first()
    if programme is None:
        return None
    return DemoProgramme(programme=programme, password=password, logins=demo_logins())


def demo_exists() -> bool:
    return Programme.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_reset() -> None:
    """Remove the demo organisation and everyone in it (nothing else is touched)."""
    from tandem.coding.models import Code, Codebook, Excerpt

    User = get_user_model()
    # Codes protect themselves from accidental deletion; the demo's go deliberately, leaves first.
    Excerpt.objects.filter(wave__programme__slug=DEMO_SLUG).delete()
    codes = Code.objects.filter(codebook__programme__slug=DEMO_SLUG)
    while codes.exists():
        codes.filter(children__isnull=True).delete()
    Codebook.objects.filter(programme__slug=DEMO_SLUG).delete()
    Participant.objects.filter(programme__slug=DEMO_SLUG).delete()
    Programme.objects.filter(slug=DEMO_SLUG).delete()
    Organisation.objects.filter(name=DEMO_ORGANISATION).delete()
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
