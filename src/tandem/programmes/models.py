"""A programme and the organisation it runs in: who takes part, in which service, paired with whom."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from tandem.analysis.anonymity import KGate

# Below three, a "group" result is close to one person's answer (docs/design.md, privacy model).
MIN_REPORTING_GROUP_FLOOR = 3
DEFAULT_REPORTING_GROUP = 5
# A quotation identifies its author more easily than a number does (docs/methods.md, k_text).
DEFAULT_TEXT_GROUP = 10


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    # In URLs and on the command line (`tandem org import-services --org SLUG`).
    slug = models.SlugField(
        max_length=80, unique=True, blank=True, help_text="Made from the name when left blank."
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:  # the admin site and fixtures; services choose it themselves
            from django.utils.text import slugify

            base = (slugify(self.short_name or self.name) or "organisation")[:70]
            slug, n = base, 2
            while (
                slug == "new"  # organisations/new/ is the page that adds one
                or Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists()
            ):
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)


class OrganisationAdministrator(models.Model):
    """Someone who sets up one organisation: its localities, services and programmes.

    Granted by a superuser without making the person a superuser. It gives no role in any
    programme: an administrator reads no answers, notes or reports by being one.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="administrators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["organisation__name", "user__email"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="programmes_organisation_admin_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} (administrator, {self.organisation})"


class Locality(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="localities"
    )
    name = models.CharField(max_length=200)
    # Retired, not deleted: past programmes, pairs and KPIs still name it.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "localities"
        constraints: ClassVar = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="programmes_locality_name_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="services")
    # Denormalised from the locality so that "one service name per organisation" is a constraint.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    # Retired, not deleted: a service in use (pairs, people, KPIs) cannot vanish.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["locality__name", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="programmes_service_name_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.locality_id
            and self.organisation_id
            and self.locality.organisation_id != self.organisation_id
        ):
            raise ValidationError({"locality": "The locality belongs to a different organisation."})


class Profession(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    MANAGER = "manager", "Manager"
    OTHER_CLINICIAN = "other_clinician", "Other clinician"
    OTHER = "other", "Other"


class Level(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    SENIOR = "senior", "Senior"
    SERVICE = "service", "Service"


class Person(models.Model):
    """Someone in the organisation. Their log-in account, if they have one, is `user`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    email = models.EmailField("e-mail address", max_length=254)
    profession = models.CharField(max_length=20, choices=Profession.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    job_title = models.CharField(max_length=200, blank=True)
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    # Set by erasure (tandem.gdpr): the person is withdrawn from every programme — no invitation,
    # reminder, plan, action or pair, never offered in a picker — while the numbers of what they
    # answered stay in the aggregates.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "people"
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="programmes_person_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    min_group_size = models.PositiveSmallIntegerField(
        "minimum reporting group size (k)",
        default=DEFAULT_REPORTING_GROUP,
        validators=[MinValueValidator(MIN_REPORTING_GROUP_FLOOR)],
        help_text="No result is shown for a group of fewer people than this. Never below 3.",
    )
    min_text_group_size = models.PositiveSmallIntegerField(
        "minimum group size for open-text excerpts",
        default=DEFAULT_TEXT_GROUP,
        validators=[MinValueValidator(MIN_REPORTING_GROUP_FLOOR)],
        help_text="Quotations from open answers are shown only for groups at least this large.",
    )
    # Data protection: personal data is kept this long after the programme ends, then
    # `tandem gdpr purge` pseudonymises the people and removes their free text.
    retention_months = models.PositiveSmallIntegerField(
        "months to keep personal data after the programme ends",
        default=24,
        help_text="After this, people's names and free text are removed; aggregates stay.",
    )
    # The programme template it was started from (tandem.programmes.plans), if any.
    template_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-start_date", "name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=MIN_REPORTING_GROUP_FLOOR),
                name="programmes_programme_k_at_least_3",
            ),
            # The same floor for quotations as for every other figure (`clean` also asks k_text ≥ k).
            models.CheckConstraint(
                condition=models.Q(min_text_group_size__gte=MIN_REPORTING_GROUP_FLOOR),
                name="programmes_programme_k_text_at_least_3",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="programmes_programme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def k_gate(self) -> KGate:
        """The programme's "fewer than k" rule (tandem.analysis.anonymity.KGate)."""
        return KGate(self.min_group_size)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "The programme must end on or after its start date."}
            )
        if self.min_text_group_size < self.min_group_size:
            raise ValidationError(
                {
                    "min_text_group_size": "Quotations need a group at least as large as other results (k)."
                }
            )


class Role(models.TextChoices):
    PROGRAMME_LEAD = "programme_lead", "Programme lead"
    SPONSOR = "sponsor", "Sponsor"
    COACH = "coach", "Coach"
    PARTICIPANT = "participant", "Participant"
    # Someone of the organisation who is not in the programme and only answers its stock takes,
    # so that the change in the programme group can be set against theirs (difference in
    # differences). They have no account and see none of the programme's pages; their answers
    # count in no programme figure, only in the comparison group's.
    COMPARISON = "comparison", "Comparison respondent"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def active(self) -> ParticipantQuerySet:
        """Everyone who can still be asked, invited, paired or given work: not the erased, and
        not those who have left the programme."""
        return self.filter(person__erased_at__isnull=True, left_on__isnull=True)


class Participant(models.Model):
    """A person's place in one programme, with the role that decides what they may see there."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Left mid-programme: their answers and records stay; no future wave, nudge or pair.
    left_on = models.DateField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["person__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="programmes_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}, {self.programme})"

    @property
    def withdrawn(self) -> bool:
        return self.person.erased_at is not None

    @property
    def has_left(self) -> bool:
        return self.left_on is not None


class Pair(models.Model):
    """One doctor and one manager who lead a service together."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairs")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="pairs")
    doctor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pairs_as_doctor"
    )
    manager = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pairs_as_manager"
    )

    class Meta:
        ordering: ClassVar = ["service__locality__name", "service__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["programme", "service"], name="programmes_pair_one_per_service"
            ),
            models.CheckConstraint(
                condition=~models.Q(doctor=models.F("manager")), name="programmes_pair_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.doctor.person} and {self.manager.person}"

    def clean(self) -> None:
        errors = pair_errors(
            programme=self.programme if self.programme_id else None,
            service=self.service if self.service_id else None,
            doctor=self.doctor if self.doctor_id else None,
            manager=self.manager if self.manager_id else None,
        )
        if errors:
            raise ValidationError(errors)


def pair_errors(
    *,
    programme: Programme | None,
    service: Service | None,
    doctor: Participant | None,
    manager: Participant | None,
) -> dict[str, str]:
    """Why these two cannot be a pair, by field; empty when they can.

    Kept beside the model so that the form, the importer and `Pair.clean` say the same thing.
    """
    errors: dict[str, str] = {}
    if service is not None and service.retired_at is not None:
        errors["service"] = f"The service “{service.name}” has been retired."
    if doctor is not None and doctor.person.profession != Profession.DOCTOR:
        errors["doctor"] = (
            f"{doctor.person.name} is recorded as {doctor.person.get_profession_display().lower()}, "
            "not a doctor: a pair needs exactly one doctor."
        )
    if manager is not None and manager.person.profession != Profession.MANAGER:
        errors["manager"] = (
            f"{manager.person.name} is recorded as {manager.person.get_profession_display().lower()}, "
            "not a manager: a pair needs exactly one manager."
        )
    if doctor is not None and manager is not None and doctor.pk == manager.pk:
        errors["manager"] = "A pair needs two different people."
    for field, member in (("doctor", doctor), ("manager", manager)):
        if member is not None and programme is not None and member.programme_id != programme.pk:
            errors[field] = f"{member.person.name} is not in this programme."
        elif member is not None and member.person.erased_at is not None:
            errors[field] = f"{member.person.name} has been withdrawn (their data was erased)."
        elif member is not None and member.role == Role.COMPARISON:
            errors[field] = (
                f"{member.person.name} is a comparison respondent, not in the programme: only "
                "participants can be paired."
            )
    if (
        service is not None
        and programme is not None
        and service.organisation_id != programme.organisation_id
    ):
        errors["service"] = "The service belongs to a different organisation."
    return errors


class MilestoneKind(models.TextChoices):
    STOCK_TAKE = "stock_take", "Stock take"
    FEEDBACK = "feedback", "Feedback of results"
    PROFILING = "profiling", "Type profiling"
    AWAY_DAY = "away_day", "Away day"
    COACHING = "coaching", "Coaching"
    REPEAT_STOCK_TAKE = "repeat_stock_take", "Repeat stock take"
    FINAL_AWAY_DAY = "final_away_day", "Final away day"
    OTHER = "other", "Other"


class Milestone(models.Model):
    """A phase of the programme on its timeline; later charts mark these as vertical rules."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=30, choices=MilestoneKind.choices)
    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["start_date", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="programmes_milestone_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "A milestone must end on or after the day it starts."}
            )
