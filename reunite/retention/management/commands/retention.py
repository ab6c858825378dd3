import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from reunite.audit import log
from reunite.core.errors import DomainError
from reunite.operations.services import get_operation
from reunite.retention import services
from reunite.retention.models import RetentionPolicy, audit_minimum

MIN_CELL_FLOOR = 3  # below 3, suppression protects nobody
POLICY_FIELDS = ("source_rows_days", "children_days", "attachments_days", "audit_days")


class Command(BaseCommand):
    help = ("Apply the operations' retention policies: --dry-run lists what would go, --apply "
            "deletes or anonymises it with tombstones; --policy OPERATION shows or sets one.")

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="list, change nothing")
        mode.add_argument("--apply", action="store_true", help="delete or anonymise")
        mode.add_argument("--policy", metavar="OPERATION", help="show or set an operation's policy")
        parser.add_argument("--today", type=dt.date.fromisoformat,
                            help="the day to apply the policies on (default: today)")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        for name in POLICY_FIELDS:
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name,
                                help="with --policy: days kept after the operation ends")
        parser.add_argument("--public-min-cell", type=int, dest="public_min_cell",
                            help="with --policy: the smallest group the public report shows "
                                 f"(at least {MIN_CELL_FLOOR}; default 5)")

    def handle(self, *args, **options):
        if options["policy"]:
            return self._policy(options)
        steps = services.apply(options["today"]) if options["apply"] else \
            services.plan(options["today"])
        if options["json"]:
            self.stdout.write(json.dumps([
                {"operation": s.operation.slug if s.operation else None, "kind": s.kind,
                 "rule": s.rule, "action": s.action, "count": s.count, "items": s.items}
                for s in steps], indent=2))
            return
        verb = "Done" if options["apply"] else "Would be"
        if not steps:
            self.stdout.write("Nothing to let go: every record is within its retention period.")
        for step in steps:
            where = step.operation.slug if step.operation else "(any operation)"
            self.stdout.write(f"{where} · {step.kind} · {step.rule}: {verb.lower()} "
                              f"{step.action}: {step.count}")
            for item in step.items[:20]:
                self.stdout.write(f"    {item}")
            if step.count > 20:
                self.stdout.write(f"    … and {step.count - 20} more")

    def _policy(self, options):
        try:
            operation = get_operation(options["policy"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        policy = services.policy_for(operation)
        changes = {k: options[k] for k in POLICY_FIELDS if options[k] is not None}
        if changes:
            if changes.get("audit_days", audit_minimum()) < audit_minimum():
                raise CommandError(f"audit_days: the audit log is kept at least "
                                   f"{audit_minimum()} days (the legal minimum).")
            policy, _ = RetentionPolicy.objects.get_or_create(operation=operation)
            for key, value in changes.items():
                setattr(policy, key, value)
            policy.save()
            log.record("retention.policy", policy, operation_id=operation.pk, changes=changes)
        if options["public_min_cell"] is not None:
            if options["public_min_cell"] < MIN_CELL_FLOOR:
                raise CommandError(f"public_min_cell: at least {MIN_CELL_FLOOR}.")
            operation.public_min_cell = options["public_min_cell"]
            operation.save(update_fields=["public_min_cell"])
            log.record("operation.public_min_cell", operation, operation_id=operation.pk,
                       changes={"public_min_cell": operation.public_min_cell})
        for key in POLICY_FIELDS:
            self.stdout.write(f"{key}: {getattr(policy, key)}")
        self.stdout.write(f"public_min_cell: {operation.public_min_cell}")
