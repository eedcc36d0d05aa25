"""Calendar invitations for coaching sessions (RFC 5545, written with `icalendar`).

An invitation says when and where, and with whom — never themes, actions or notes: calendars
are shared with secretaries and synced to phones, far outside the coaching room.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from tandem.coaching.models import Attendance, CoachingSession

PRODID = "-//Tandem//Coaching sessions//EN"


def session_uid(session: CoachingSession) -> str:
    # Stable across updates, so that a changed invitation replaces the earlier one.
    host = settings.TANDEM_BASE_URL.split("//")[-1].split("/")[0].split(":")[0] or "tandem"
    return f"coaching-session-{session.pk}@{host}"


def session_summary(session: CoachingSession) -> str:
    plan = session.plan
    return f"Coaching: {plan.coachee.person.name} with {plan.coach.person.name}"


def session_calendar(
    *, session: CoachingSession, number: int, method: str = "PUBLISH", link: str = ""
) -> bytes:
    """One session as an .ics file. `method` is REQUEST when it is e-mailed as an invitation."""
    plan = session.plan
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(dt.UTC))
    event.add("dtend", session.ends_at.astimezone(dt.UTC))
    event.add("summary", session_summary(session))
    event.add("sequence", session.ics_sequence)
    where = session.place or session.video_link
    if where:
        event.add("location", where)
    lines = [f"Coaching session {number} of {plan.planned_sessions}."]
    if session.video_link:
        lines.append(f"Video link: {session.video_link}")
    if link:
        lines.append(f"In Tandem: {link}")
    event.add("description", "\n".join(lines))
    if session.video_link:
        event.add("url", session.video_link)
    organiser = vCalAddress(f"mailto:{plan.coach.person.email}")
    organiser.params["cn"] = vText(plan.coach.person.name)
    event["organizer"] = organiser
    attendee = vCalAddress(f"mailto:{plan.coachee.person.email}")
    attendee.params["cn"] = vText(plan.coachee.person.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=False)
    event.add("status", "CANCELLED" if session.attendance == Attendance.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def session_filename(session: CoachingSession) -> str:
    local = timezone.localtime(session.starts_at)
    return f"coaching-{local:%Y-%m-%d-%H%M}.ics"
