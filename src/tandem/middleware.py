"""Static files served by the app itself (WhiteNoise), so one process is all a trust needs to run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticAssetsMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]  # untyped library
    """WhiteNoise, plus the NHS.UK frontend's icons and fonts under `/assets/`.

    nhsuk-frontend's compiled CSS refers to its images by the absolute path `/assets/images/…`
    and its page template to `/assets/favicon…`, so they are served there as well as under
    `/static/nhsuk/assets/`.
    """

    def __init__(self, get_response: Any = None) -> None:
        # Files are found through the finders (WHITENOISE_USE_FINDERS); `collectstatic` into
        # STATIC_ROOT is optional, but WhiteNoise warns if the folder is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        super().__init__(get_response)
        assets = settings.NHSUK_FRONTEND_DIR / "assets"
        if assets.is_dir():
            self.add_files(str(assets), prefix="assets/")


class StorageUnavailableMiddleware:
    """A file store that refuses an upload gets a page saying so (503), not the error page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[no-any-return]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from tandem.web.uploads import StorageUnavailable

        if not isinstance(exception, StorageUnavailable):
            return None
        from tandem.views import storage_unavailable

        return storage_unavailable(request)
