"""The page layer: how every programme page, download and service-backed form is written once.

- `pages.programme_page(request, slug, manage=False)` — the programme and the viewer's access
  (404 outside it, 403 for a role that may not manage it);
- `pages.render_page(request, template, context, access=…, section=…, crumbs=…)` — adds the
  header's organisation, `can_manage`, the programme's navigation for this viewer (from the app
  registry) and breadcrumbs (Programmes › programme › section › …);
- `downloads.audited_download(...)` — the file, a safe filename and the audit row in one place;
- `uploads.stash_upload(...)` / `uploads.stashed_upload(...)` — an importer's upload kept in
  storage between its preview and its confirmation, found only from the session that made it;
- `forms.service_form(...)` — form → service → message → redirect, else the form again with
  every error (a service's ValidationError lands on its field).

Core module: it imports no feature app.
"""

from tandem.web.downloads import audited_download
from tandem.web.forms import apply_errors, service_form
from tandem.web.pages import Crumb, programme_page, render_page

__all__ = [
    "Crumb",
    "apply_errors",
    "audited_download",
    "programme_page",
    "render_page",
    "service_form",
]
