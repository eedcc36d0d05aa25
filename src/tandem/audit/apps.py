from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tandem.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tandem.audit.triggers import reinstall_after_migrate

        # Not business logic: keeping a database invariant that a table rebuild can undo.
        post_migrate.connect(
            reinstall_after_migrate, sender=self, dispatch_uid="tandem_audit_triggers"
        )

        # Its `tandem audit …` sub-commands, through the registry like every app's.
        from tandem.audit.cli import add_commands
        from tandem.registry import AppContribution, register

        register(AppContribution(name="audit", cli=add_commands))
