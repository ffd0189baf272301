"""Access a plan grants: configuring it, granting it when a plan is paid or a membership starts,
and withdrawing it (by the plan's rule) when a membership ends, is refunded or goes past due.

Every grant and withdrawal is an `AccessGrant` row. Each thing is given through its own app's
service (training, nutrition, clients) and taken back the same way; a withdrawal undoes only
what the grant made, never what a coach assigned by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.branding import FEATURES
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from .. import periods
from ..errors import BillingError
from ..models import Invoice, Plan, Purchase, Subscription
from ..models_access import MAX_GRACE_DAYS, AccessGrant, AccessKind, PlanAccess, PlanGrant
from ._common import _actor

__all__ = [
    "GrantChoice",
    "grant_choices",
    "plan_access_rule",
    "set_plan_access",
    "grant_subscription_access",
    "grant_purchase_access",
    "withdraw_subscription_access",
    "withdraw_refunded_access",
    "apply_due_withdrawals",
    "program_start_date",
]

logger = logging.getLogger(__name__)

register_event_type("access.granted", gettext_lazy("A client was given what a plan grants"))
register_event_type("access.revoked", gettext_lazy("What a plan granted a client was withdrawn"))

Reason = AccessGrant.Reason
TOPIC = "billing"


# --- What can be granted --------------------------------------------------------------------------------
@dataclass(frozen=True)
class GrantChoice:
    kind: str
    target_id: str
    label: str


def _targets(organization, kind: str):
    """The rows of the business a plan may grant, as (id, label) in a stable order."""
    if kind == AccessKind.PROGRAM:
        from training.models import Program

        qs = Program.objects.for_org(organization).library().templates().order_by("name", "pk")
        return [(str(p.pk), p.name) for p in qs.only("pk", "name")]
    if kind == AccessKind.MEAL_PLAN:
        from nutrition.models import MealPlan

        qs = MealPlan.objects.for_org(organization).filter(status=MealPlan.Status.TEMPLATE, client__isnull=True)
        return [(str(p.pk), p.name) for p in qs.order_by("name", "pk").only("pk", "name")]
    if kind == AccessKind.HABIT:
        from nutrition.models import HabitTemplate

        qs = HabitTemplate.objects.for_org(organization).filter(is_archived=False).order_by("name", "pk")
        return [(str(t.pk), t.name) for t in qs.only("pk", "name")]
    if kind == AccessKind.CHECKIN:
        from clients.models import CheckInForm

        qs = CheckInForm.objects.for_org(organization).filter(is_archived=False).order_by("name", "pk")
        return [(str(f.pk), f.name) for f in qs.only("pk", "name")]
    if kind == AccessKind.GROUP:
        from clients.models import Group

        qs = Group.objects.for_org(organization).filter(is_archived=False).order_by("name", "pk")
        return [(str(g.pk), g.name) for g in qs.only("pk", "name")]
    if kind == AccessKind.SECTION:
        return [(key, str(label)) for key, label in FEATURES.items()]
    return []


def grant_choices(organization) -> dict[str, list[tuple[str, str]]]:
    """Per kind, what the business's plans may grant."""
    return {kind: _targets(organization, kind) for kind in AccessKind.values}


def plan_access_rule(plan: Plan) -> PlanAccess:
    """The plan's withdrawal and start rule (the defaults when none was saved)."""
    rule = PlanAccess.objects.filter(plan=plan).first()
    return rule or PlanAccess(organization_id=plan.organization_id, plan=plan)


KIND_FIELDS = {
    AccessKind.PROGRAM: "programs",
    AccessKind.MEAL_PLAN: "meal_plans",
    AccessKind.HABIT: "habits",
    AccessKind.CHECKIN: "checkins",
    AccessKind.GROUP: "groups",
    AccessKind.SECTION: "sections",
}


@transaction.atomic
def set_plan_access(
    *,
    plan: Plan,
    actor=None,
    grants: dict[str, list],
    withdrawal: str = PlanAccess.Withdrawal.PERIOD_END,
    grace_days: int = 0,
    program_start: str = PlanAccess.ProgramStart.ON_PURCHASE,
    program_start_date: date | None = None,
) -> PlanAccess:
    """Replace what a plan grants. `grants` maps a kind ("program", "group"...) to ids of the
    business's rows (section keys for "section"); anything of another business is refused.
    Grants already given stay as they are; new members get the new set."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if withdrawal not in PlanAccess.Withdrawal.values:
        raise BillingError(_("Choose when access is withdrawn."), field="withdrawal")
    if isinstance(grace_days, bool) or not isinstance(grace_days, int) or not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise BillingError(
            _("Grace days are a whole number from 0 to %(max)d.") % {"max": MAX_GRACE_DAYS}, field="grace_days"
        )
    if program_start not in PlanAccess.ProgramStart.values:
        raise BillingError(_("Choose when programs start."), field="program_start")
    if program_start == PlanAccess.ProgramStart.FIXED_DATE:
        if not isinstance(program_start_date, date):
            raise BillingError(_("Choose the date programs start on."), field="program_start_date")
    else:
        program_start_date = None
    unknown = set(grants) - set(AccessKind.values)
    if unknown:
        raise BillingError(_("“%(kind)s” cannot be granted.") % {"kind": sorted(unknown)[0]}, field="grants")
    if len(grants.get(AccessKind.MEAL_PLAN, []) or []) > 1:
        raise BillingError(_("A client follows one meal plan at a time: choose at most one."), field="meal_plans")
    wanted: list[GrantChoice] = []
    for kind in AccessKind.values:
        ids = [str(i).strip() for i in (grants.get(kind) or [])]
        if len(ids) > 50:
            raise BillingError(_("Choose at most 50."), field=KIND_FIELDS[kind])
        if not ids:
            continue
        available = dict(_targets(plan.organization, kind))
        for target_id in dict.fromkeys(ids):
            if target_id not in available:
                messages = {
                    AccessKind.PROGRAM: _("Choose a program of your business."),
                    AccessKind.MEAL_PLAN: _("Choose a meal plan template of your business."),
                    AccessKind.HABIT: _("Choose a habit from your library."),
                    AccessKind.CHECKIN: _("Choose a check-in form of your business."),
                    AccessKind.GROUP: _("Choose a group of your business."),
                    AccessKind.SECTION: _("Choose a section of the client portal."),
                }
                raise BillingError(messages[kind], field=KIND_FIELDS[kind])
            wanted.append(GrantChoice(kind, target_id, available[target_id][:200]))
    rule, _created = PlanAccess.objects.get_or_create(plan=plan, defaults={"organization": plan.organization})
    rule.withdrawal, rule.grace_days = withdrawal, grace_days
    rule.program_start, rule.program_start_date = program_start, program_start_date
    rule.save()
    keep = {(c.kind, c.target_id) for c in wanted}
    existing = {(g.kind, g.target_id): g for g in PlanGrant.objects.filter(plan=plan)}
    PlanGrant.objects.filter(pk__in=[g.pk for key, g in existing.items() if key not in keep]).delete()
    for position, choice in enumerate(wanted):
        row = existing.get((choice.kind, choice.target_id))
        if row is None:
            PlanGrant.objects.create(
                organization=plan.organization,
                plan=plan,
                kind=choice.kind,
                target_id=choice.target_id,
                label=choice.label,
                position=position,
            )
        elif row.label != choice.label or row.position != position:
            row.label, row.position = choice.label, position
            row.save(update_fields=["label", "position"])
    return rule


# --- Granting -------------------------------------------------------------------------------------------
def program_start_date(rule: PlanAccess, client, now: datetime | None = None) -> date:
    """The day an assigned program starts, on the client's calendar."""
    today = periods.local_today(client.time_zone, now)
    if rule.program_start == PlanAccess.ProgramStart.NEXT_MONDAY:
        return today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    if rule.program_start == PlanAccess.ProgramStart.FIXED_DATE and rule.program_start_date:
        return max(rule.program_start_date, today)
    return today


def _give(item: PlanGrant, client, rule: PlanAccess, now: datetime) -> str:
    """Give one thing through its app's service; the id of what was made ("" when the client
    already had it, so a withdrawal leaves it alone)."""
    if item.kind == AccessKind.PROGRAM:
        from training.models import Program
        from training.services import assign_program

        template = Program.objects.for_org(client.organization).get(pk=int(item.target_id))
        copies = assign_program(program=template, clients=[client], start_date=program_start_date(rule, client, now))
        return str(copies[0].pk)
    if item.kind == AccessKind.MEAL_PLAN:
        from nutrition.models import MealPlan
        from nutrition.services.plans import assign_plan

        template = MealPlan.objects.for_org(client.organization).get(pk=int(item.target_id))
        copy = assign_plan(plan=template, client=client, start_date=periods.local_today(client.time_zone, now))
        return str(copy.pk)
    if item.kind == AccessKind.HABIT:
        from nutrition.models import HabitTemplate
        from nutrition.services.habits import assign_habit

        template = HabitTemplate.objects.for_org(client.organization).get(pk=int(item.target_id))
        return str(assign_habit(client=client, template=template).pk)
    if item.kind == AccessKind.CHECKIN:
        from clients.models import CheckInForm, CheckInSchedule
        from clients.services import save_checkin_schedule

        form = CheckInForm.objects.for_org(client.organization).get(pk=int(item.target_id))
        if CheckInSchedule.objects.filter(client=client, form=form, is_active=True).exists():
            return ""
        return str(save_checkin_schedule(client=client, form=form).pk)
    if item.kind == AccessKind.GROUP:
        from clients.models import Group
        from clients.services import join_group

        group = Group.objects.for_org(client.organization).get(pk=int(item.target_id))
        return item.target_id if join_group(group=group, client=client) else ""
    return ""  # a portal section: the grant row itself opens it


def _grant(
    *,
    plan: Plan,
    client,
    source: str,
    source_key: str,
    reason: str,
    subscription: Subscription | None = None,
    purchase: Purchase | None = None,
    invoice: Invoice | None = None,
    actor=None,
) -> list[AccessGrant]:
    """Give what the plan grants under one source, once: a live grant is left as it is (a
    withdrawal it was waiting for is called off). The caller holds the source's row lock."""
    items = list(PlanGrant.objects.filter(plan=plan).order_by("position", "pk"))
    if not items:
        return []
    now = timezone.now()
    live = {
        (g.kind, g.target_id): g for g in AccessGrant.objects.filter(source_key=source_key, revoked_at__isnull=True)
    }
    pending = [g.pk for g in live.values() if g.revoke_after is not None]
    if pending:
        AccessGrant.objects.filter(pk__in=pending).update(revoke_after=None, revoke_reason="")
    rule = plan_access_rule(plan)
    made = []
    for item in items:
        if (item.kind, item.target_id) in live:
            continue
        try:
            # The thing and its ledger row together: the row's unique key is the last guard
            # against a parallel run, and then neither is kept.
            with transaction.atomic():
                object_id = _give(item, client, rule, now)
                grant = AccessGrant.objects.create(
                    organization=plan.organization,
                    client=client,
                    plan=plan,
                    source=source,
                    subscription=subscription,
                    purchase=purchase,
                    invoice=invoice,
                    source_key=source_key,
                    kind=item.kind,
                    target_id=item.target_id,
                    label=item.label,
                    granted_object_id=object_id,
                    granted_at=now,
                    grant_reason=reason,
                )
        except IntegrityError:
            logger.info("%s %s of %s was granted by a parallel run", item.kind, item.target_id, source_key)
            continue
        except (DomainError, ObjectDoesNotExist, ValueError) as exc:
            # The program was deleted, the group archived...: the rest is still given.
            logger.warning("Could not grant %s %s of plan %s: %s", item.kind, item.target_id, plan.pk, exc)
            continue
        emit(
            plan.organization,
            "access.granted",
            {
                "grant_id": str(grant.public_id),
                "client_id": str(client.public_id),
                "plan_id": str(plan.public_id),
                "kind": grant.kind,
                "target_id": grant.target_id,
                "label": grant.label,
                "reason": reason,
            },
            actor=_actor(actor),
            client=client,
        )
        made.append(grant)
    if made:
        _tell_client(client, plan, made, granted=True, key=f"access-granted:{source_key}:{made[0].public_id}")
    return made


@transaction.atomic
def grant_subscription_access(*, subscription: Subscription, reason: str = Reason.MEMBERSHIP_STARTED, actor=None):
    """A membership started or was paid: give what its plan grants, once per membership."""
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "client", "organization")
        .get(pk=subscription.pk)
    )
    if not subscription.is_live:
        return []
    return _grant(
        plan=subscription.plan,
        client=subscription.client,
        source=AccessGrant.Source.SUBSCRIPTION,
        source_key=f"subscription:{subscription.public_id}",
        reason=reason,
        subscription=subscription,
        actor=actor,
    )


@transaction.atomic
def grant_purchase_access(*, purchase: Purchase, actor=None) -> list[AccessGrant]:
    """A package or service was paid in full: give what its plan grants, once ever (a refund
    withdraws it for good)."""
    purchase = Purchase.objects.select_for_update(of=("self",)).select_related("plan", "client").get(pk=purchase.pk)
    source_key = f"purchase:{purchase.public_id}"
    if AccessGrant.objects.filter(source_key=source_key).exists():
        return []
    return _grant(
        plan=purchase.plan,
        client=purchase.client,
        source=AccessGrant.Source.PURCHASE,
        source_key=source_key,
        reason=Reason.PURCHASE_PAID,
        purchase=purchase,
        invoice=purchase.invoice,
        actor=actor,
    )


# --- Withdrawing ----------------------------------------------------------------------------------------
def _withdraw_at(rule: PlanAccess, *, client, now: datetime, period_end: datetime | None) -> datetime:
    if rule.withdrawal == PlanAccess.Withdrawal.GRACE and rule.grace_days:
        return periods.add_local_days(now, rule.grace_days, client.time_zone)
    if rule.withdrawal == PlanAccess.Withdrawal.PERIOD_END and period_end and period_end > now:
        return period_end
    return now


def _withdraw(*, source_key: str, plan: Plan, client, reason: str, period_end: datetime | None, now=None) -> int:
    """Withdraw a source's live grants by the plan's rule: at once, or schedule it (beat applies
    it). A withdrawal already scheduled sooner stays. Returns the grants withdrawn now."""
    now = now or timezone.now()
    grants = list(
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("client", "plan", "organization")
        .filter(source_key=source_key, revoked_at__isnull=True)
        .order_by("pk")
    )
    if not grants:
        return 0
    at = _withdraw_at(plan_access_rule(plan), client=client, now=now, period_end=period_end)
    if at <= now:
        return _revoke_all(grants, reason=reason, now=now)
    for grant in grants:
        if grant.revoke_after is None or grant.revoke_after > at:
            grant.revoke_after, grant.revoke_reason = at, reason
            grant.save(update_fields=["revoke_after", "revoke_reason"])
    return 0


@transaction.atomic
def withdraw_subscription_access(*, subscription: Subscription, reason: str, now: datetime | None = None) -> int:
    """A membership ended, was refunded or went past due: withdraw by its plan's rule."""
    subscription = Subscription.objects.select_related("plan", "client").get(pk=subscription.pk)
    return _withdraw(
        source_key=f"subscription:{subscription.public_id}",
        plan=subscription.plan,
        client=subscription.client,
        reason=reason,
        period_end=subscription.current_period_end,
        now=now,
    )


@transaction.atomic
def withdraw_refunded_access(*, invoice: Invoice, now: datetime | None = None) -> int:
    """An invoice was refunded in full: withdraw what its purchases and its membership granted."""
    withdrawn = 0
    for purchase in Purchase.objects.filter(invoice=invoice).select_related("plan", "client"):
        withdrawn += _withdraw(
            source_key=f"purchase:{purchase.public_id}",
            plan=purchase.plan,
            client=purchase.client,
            reason=Reason.REFUNDED,
            period_end=None,
            now=now,
        )
    if invoice.subscription_id:
        withdrawn += withdraw_subscription_access(subscription=invoice.subscription, reason=Reason.REFUNDED, now=now)
    return withdrawn


def _other_live(grant: AccessGrant) -> AccessGrant | None:
    """Another live grant of the same thing to the client: it takes over what this one made."""
    return (
        AccessGrant.objects.select_for_update()
        .filter(client_id=grant.client_id, kind=grant.kind, target_id=grant.target_id, revoked_at__isnull=True)
        .exclude(pk=grant.pk)
        .order_by("pk")
        .first()
    )


def _undo(grant: AccessGrant, now: datetime) -> None:
    """Take back what the grant made, through its app's service; logs and history stay."""
    if not grant.granted_object_id:
        return
    client = grant.client
    pk = int(grant.granted_object_id)
    if grant.kind in (AccessKind.GROUP, AccessKind.CHECKIN):
        other = _other_live(grant)
        if other is not None:  # still granted by another product: it owns the membership now
            if not other.granted_object_id:
                AccessGrant.objects.filter(pk=other.pk).update(granted_object_id=grant.granted_object_id)
            return
    if grant.kind == AccessKind.PROGRAM:
        from training.models import Program
        from training.services import end_program

        program = Program.objects.filter(pk=pk, client=client).first()
        if program is not None:
            end_program(program=program, reason="access_withdrawn")
    elif grant.kind == AccessKind.MEAL_PLAN:
        from nutrition.models import MealPlan
        from nutrition.services.plans import end_plan

        plan = MealPlan.objects.filter(pk=pk, client=client, status=MealPlan.Status.ACTIVE).first()
        if plan is not None:
            today = periods.local_today(client.time_zone, now)
            end_plan(plan=plan, end_date=max(today, plan.start_date or today))
    elif grant.kind == AccessKind.HABIT:
        from nutrition.models import Habit
        from nutrition.services.habits import archive_habit, update_habit

        habit = Habit.objects.filter(pk=pk, client=client).first()
        if habit is not None:
            today = periods.local_today(client.time_zone, now)
            try:
                with transaction.atomic():
                    update_habit(habit=habit, end_date=max(today, habit.start_date))
            except DomainError:
                archive_habit(habit=habit)
    elif grant.kind == AccessKind.CHECKIN:
        from clients.models import CheckInSchedule
        from clients.services import stop_checkin_schedule

        schedule = CheckInSchedule.objects.filter(pk=pk, client=client, is_active=True).first()
        if schedule is not None:
            stop_checkin_schedule(schedule=schedule)
    elif grant.kind == AccessKind.GROUP:
        from clients.models import Group
        from clients.services import leave_group

        group = Group.objects.filter(pk=pk, organization_id=grant.organization_id).first()
        if group is not None:
            leave_group(group=group, client=client)


def _revoke_all(grants: list[AccessGrant], *, reason: str, now: datetime) -> int:
    done = []
    for grant in grants:
        if grant.revoked_at is not None:
            continue
        _undo(grant, now)
        grant.revoked_at, grant.revoke_reason = now, reason
        grant.save(update_fields=["revoked_at", "revoke_reason"])
        emit(
            grant.organization,
            "access.revoked",
            {
                "grant_id": str(grant.public_id),
                "client_id": str(grant.client.public_id),
                "plan_id": str(grant.plan.public_id),
                "kind": grant.kind,
                "target_id": grant.target_id,
                "label": grant.label,
                "reason": reason,
            },
            client=grant.client,
        )
        done.append(grant)
    if done:
        first = done[0]
        _tell_client(first.client, first.plan, done, granted=False, key=f"access-revoked:{first.public_id}")
    return len(done)


def apply_due_withdrawals(now: datetime | None = None) -> int:
    """Beat: withdraw the grants whose grace period or paid period is over. Each source in its
    own transaction, its rows locked: a second run (or a parallel one) finds nothing left."""
    now = now or timezone.now()
    keys = (
        AccessGrant.objects.filter(revoked_at__isnull=True, revoke_after__lte=now)
        .values_list("source_key", flat=True)
        .distinct()
    )
    count = 0
    for key in list(keys):
        try:
            with transaction.atomic():
                grants = list(
                    AccessGrant.objects.select_for_update(of=("self",))
                    .select_related("client", "plan", "organization")
                    .filter(source_key=key, revoked_at__isnull=True, revoke_after__lte=now)
                    .order_by("pk")
                )
                if grants:
                    count += _revoke_all(grants, reason=grants[0].revoke_reason or Reason.MEMBERSHIP_ENDED, now=now)
        except Exception:  # one broken grant must not stop the others
            logger.exception("Withdrawing access of %s failed", key)
    return count


# --- Telling the client ---------------------------------------------------------------------------------
def _tell_client(client, plan: Plan, grants: list[AccessGrant], *, granted: bool, key: str) -> None:
    """One transactional email per grant or withdrawal, in the client's language."""
    if not client.email:
        return
    portal_url = settings.SITE_URL + reverse("billing:portal_access") if client.user_id else ""
    comms.queue_email(
        organization=client.organization,
        to=client.email,
        topic=TOPIC,
        key=key,
        template="billing_access_granted" if granted else "billing_access_revoked",
        context={
            "client": client,
            "plan_name": plan.name,
            "items": [{"kind": AccessKind(g.kind).label, "label": g.label} for g in grants],
            "portal_url": portal_url,
        },
        client_id=client.pk,
    )
