"""Admin for coaching: who coaches whom and the schedule, nothing that was said.

Notes, themes, actions agreed and ratings are deliberately not registered: superusers act as
programme leads (programmes.selectors.viewer_roles), and a lead never reads coaching content.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from tandem.coaching.models import (
    CoachingPlan,
    CoachingSession,
    CoachingSettings,
)


@admin.register(CoachingSettings)
class CoachingSettingsAdmin(admin.ModelAdmin[CoachingSettings]):
    list_display = ["programme", "planned_sessions", "stalled_after_days"]


@admin.register(CoachingPlan)
class CoachingPlanAdmin(admin.ModelAdmin[CoachingPlan]):
    list_display = ["coachee", "coach", "planned_sessions", "started_on"]
    fields = ["programme", "coachee", "coach", "planned_sessions", "started_on"]
    raw_id_fields = ["programme", "coachee", "coach"]
    list_filter = ["programme"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(admin.ModelAdmin[CoachingSession]):
    # `actions_agreed` is coaching content: left out of the form and the list.
    list_display = ["plan", "starts_at", "attendance"]
    fields = ["plan", "starts_at", "duration_minutes", "place", "video_link", "attendance"]
    raw_id_fields = ["plan"]
    list_filter = ["attendance"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
