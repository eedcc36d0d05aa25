from django.contrib import admin

from tandem.programmes.models import (
    Locality,
    Milestone,
    Organisation,
    OrganisationAdministrator,
    Pair,
    Participant,
    Person,
    Programme,
    Service,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    search_fields = ["name"]
    list_display = ["name", "slug"]


@admin.register(OrganisationAdministrator)
class OrganisationAdministratorAdmin(admin.ModelAdmin[OrganisationAdministrator]):
    list_display = ["user", "organisation", "granted_at"]
    list_filter = ["organisation"]
    raw_id_fields = ["user"]
    readonly_fields = ["granted_by"]


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin[Locality]):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "locality", "organisation"]
    list_filter = ["organisation", "locality"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["name", "email", "profession", "level", "service"]
    list_filter = ["profession", "level", "organisation"]
    search_fields = ["name", "email"]
    raw_id_fields = ["service"]
    # Which account logs in as this person is set when they are imported (by e-mail address),
    # never here: a superuser who pointed a coach's person at their own account would read the
    # coach's notes as the coach.
    readonly_fields = ["user"]


class ParticipantInline(admin.TabularInline[Participant, Programme]):
    model = Participant
    raw_id_fields = ["person"]
    extra = 0


class MilestoneInline(admin.TabularInline[Milestone, Programme]):
    model = Milestone
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ["name", "organisation", "start_date", "end_date", "min_group_size"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MilestoneInline, ParticipantInline]


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin[Pair]):
    list_display = ["service", "doctor", "manager", "programme"]
    list_filter = ["programme"]
    raw_id_fields = ["doctor", "manager"]
