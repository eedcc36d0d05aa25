"""Admin for away days: the events and the charter. Observations and evaluations are not
registered: observations belong to the two pairs, evaluations are reported only in aggregate."""

from __future__ import annotations

from django.contrib import admin

from tandem.workshops.models import Action, AwayDay, RecurringMeeting


@admin.register(AwayDay)
class AwayDayAdmin(admin.ModelAdmin[AwayDay]):
    list_display = ["title", "date", "programme"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin[Action]):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]


@admin.register(RecurringMeeting)
class RecurringMeetingAdmin(admin.ModelAdmin[RecurringMeeting]):
    list_display = ["name", "programme"]
