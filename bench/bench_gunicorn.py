"""Experiment only (bench/respondents_load.py --lock-invitation-only): a gunicorn config file
whose hook makes `tandem.surveys.services._locked` lock only the invitation row
(`SELECT … FOR UPDATE OF surveys_invitation`) instead of every joined row, including the wave's
and the programme's, which every respondent of the wave shares. Measures the suggested fix
before it is made; not for production use.
"""

from typing import Any


def post_worker_init(worker: Any) -> None:
    from tandem.surveys import services
    from tandem.surveys.models import Invitation

    def _locked(invitation: Invitation) -> Invitation:
        return (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("wave__programme")
            .get(pk=invitation.pk)
        )

    services._locked = _locked
    worker.log.info("bench: _locked() now locks only the invitation row")
