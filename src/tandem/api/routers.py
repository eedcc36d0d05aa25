"""The one list of routers that make up /api/v1/: each app keeps its endpoints in its own `api.py`.

To add an app's endpoints, write `src/tandem/<app>/api.py` with `router = Router(tags=[...])`
and add its module here (ARCHITECTURE.md, "The HTTP API"). Order is the order of the document.
"""

ROUTERS: tuple[str, ...] = (
    "tandem.api.endpoints",
    "tandem.programmes.api",
    "tandem.surveys.api",
    "tandem.reports.api",
    "tandem.typology.api",
    "tandem.coaching.api",
    "tandem.networks.api",
    "tandem.workshops.api",
    "tandem.outcomes.api",
)
