from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tandem import demo as demo_module
from tandem.programmes.models import Participant, Role

from .factories import PASSWORD, ParticipantFactory, ProgrammeFactory

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def chart_cache_dir(tmp_path_factory: Any) -> Any:
    """Drawn charts are kept by a hash of their specification, so sharing them between tests
    is exact (the same figures give the same drawing) and saves drawing them again."""
    return tmp_path_factory.mktemp("chart-cache")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any, chart_cache_dir: Any) -> None:
    # MD5 only in tests: the demo hashes ~30 passwords per test otherwise.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        **settings.CACHES,
        "charts": {**settings.CACHES["charts"], "LOCATION": str(chart_cache_dir)},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Background tasks run at once in tests; the database worker is exercised separately.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # `Client.login` authenticates without a request, which django-axes refuses; the lock-out
    # tests switch it back on. Two-factor log-in has its own tests (tests/accounts/).
    settings.AXES_ENABLED = False
    settings.TANDEM_REQUIRE_2FA = False
    # One key for every run: keyed values (network codes, the order of written answers, the
    # permutations that follow the codes) then come out the same on every machine, so a page
    # snapshot taken on one holds on another. Each checkout's own var/secret.key would not.
    settings.SECRET_KEY = "tandem-tests-fixed-key-not-a-secret-" + "x" * 20


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Build the demo programme once per test database; each test's transaction is rolled back.

    Seeding it for every test cost about a second a test.
    """
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo_module.seed_demo(password=PASSWORD)


@pytest.fixture
def demo(db: None) -> demo_module.DemoProgramme:
    """The same synthetic programme `tandem demo` builds: 12 pairs in 3 localities.

    Transactional tests (the browser journeys) empty the database when they finish, so the demo
    is rebuilt whenever it is missing.
    """
    return demo_module.load_demo(password=PASSWORD) or demo_module.seed_demo(password=PASSWORD)


def client_for(email: str) -> Client:
    client = Client()
    assert client.login(username=email, password=PASSWORD), f"could not log in as {email}"
    return client


@pytest.fixture
def lead_client(demo: demo_module.DemoProgramme) -> Client:
    return client_for(demo_module.email_for("Priya Sandhu"))


@pytest.fixture
def sponsor_client(demo: demo_module.DemoProgramme) -> Client:
    return client_for(demo_module.email_for("Dr Miriam Achebe"))


@pytest.fixture
def coach_client(demo: demo_module.DemoProgramme) -> Client:
    return client_for(demo_module.email_for("Nadia Foster"))


@pytest.fixture
def participant_client(demo: demo_module.DemoProgramme) -> Client:
    return client_for(demo_module.email_for("Dr Amara Okafor"))


@pytest.fixture
def outsider_client(db: None) -> Client:
    """Lead of another programme in another organisation: must see nothing of the demo."""
    other = ParticipantFactory(programme=ProgrammeFactory(), role=Role.PROGRAMME_LEAD)
    return client_for(other.person.email)


@pytest.fixture
def role_clients(
    lead_client: Client, sponsor_client: Client, coach_client: Client, participant_client: Client
) -> dict[str, Client]:
    return {
        Role.PROGRAMME_LEAD: lead_client,
        Role.SPONSOR: sponsor_client,
        Role.COACH: coach_client,
        Role.PARTICIPANT: participant_client,
    }


def participant_named(demo: demo_module.DemoProgramme, name: str) -> Participant:
    return Participant.objects.get(programme=demo.programme, person__name=name)


@pytest.fixture
def nothing_read_yet(demo: demo_module.DemoProgramme) -> None:
    """Empty the demo's disclosure ledger, for tests that change answers the demo has closed.

    The demo freezes its evaluation, which shows figures over its stock takes; a test that
    then changes who answered would (rightly) find those figures refused. Real data cannot
    change after close; such tests model a programme whose reports nobody has read yet.
    """
    from tandem.disclosure.models import DisclosedPopulation

    DisclosedPopulation.objects.filter(programme=demo.programme).delete()
