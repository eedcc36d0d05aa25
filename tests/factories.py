"""factory_boy factories for tests that need something the demo programme does not have."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from tandem.programmes.models import (
    Level,
    Locality,
    Milestone,
    MilestoneKind,
    Organisation,
    Pair,
    Participant,
    Person,
    Profession,
    Programme,
    Role,
    Service,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@tests.example")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Trust {n}")


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Locality {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    locality = factory.SubFactory(LocalityFactory)
    organisation = factory.SelfAttribute("locality.organisation")
    name = factory.Sequence(lambda n: f"Service {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    start_date = dt.date(2025, 1, 1)
    end_date = dt.date(2026, 12, 31)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@tests.example")
    profession = Profession.OTHER
    level = Level.SERVICE
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..programme.organisation")
    )
    role = Role.PARTICIPANT


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair

    programme = factory.SubFactory(ProgrammeFactory)
    service = factory.SubFactory(
        ServiceFactory, locality__organisation=factory.SelfAttribute("...programme.organisation")
    )
    doctor = factory.SubFactory(
        ParticipantFactory,
        programme=factory.SelfAttribute("..programme"),
        person__profession=Profession.DOCTOR,
    )
    manager = factory.SubFactory(
        ParticipantFactory,
        programme=factory.SelfAttribute("..programme"),
        person__profession=Profession.MANAGER,
    )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    kind = MilestoneKind.AWAY_DAY
    title = "Away day"
    start_date = dt.date(2025, 4, 1)
