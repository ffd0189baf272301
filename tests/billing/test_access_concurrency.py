"""Grants and withdrawals under concurrency: parallel deliveries of the same trigger grant once,
parallel beat runs withdraw once (SQLite file or PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing import services
from billing.models_access import AccessGrant
from clients.models import GroupMember
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from tests.clients.factories import GroupFactory
from tests.factories import ClientFactory, OrganizationFactory, UserFactory
from tests.threads import in_threads

from .factories import MembershipPlanFactory, SubscriptionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine, pytest.mark.xdist_group("races")]
WORKERS = 6


def _in_threads(target, count=WORKERS):
    return in_threads(target, count)


def _membership():
    org = OrganizationFactory()
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email)
    group = GroupFactory(organization=org, name="Cohort")
    plan = MembershipPlanFactory(organization=org, sessions=0)
    services.set_plan_access(
        plan=plan,
        grants={"group": [str(group.pk)], "section": ["habits"]},
        withdrawal="grace",
        grace_days=1,
    )
    return client, SubscriptionFactory(organization=org, client=client, plan=plan)


def test_parallel_deliveries_grant_once():
    client, subscription = _membership()
    errors = _in_threads(lambda i: services.grant_subscription_access(subscription=subscription))
    assert errors == []
    assert AccessGrant.objects.filter(client=client).count() == 2
    assert GroupMember.objects.filter(client=client).count() == 1
    assert Event.objects.filter(name="access.granted").count() == 2
    assert OutboundMessage.objects.filter(idempotency_key__startswith="access-granted:").count() == 1


def test_parallel_beat_runs_withdraw_once():
    client, subscription = _membership()
    services.grant_subscription_access(subscription=subscription)
    services.withdraw_subscription_access(subscription=subscription, reason="past_due")
    later = timezone.now() + timedelta(days=2)
    errors = _in_threads(lambda i: services.apply_due_withdrawals(now=later))
    assert errors == []
    assert AccessGrant.objects.filter(client=client, revoked_at__isnull=True).count() == 0
    assert not GroupMember.objects.filter(client=client).exists()
    assert Event.objects.filter(name="access.revoked").count() == 2
    assert OutboundMessage.objects.filter(idempotency_key__startswith="access-revoked:").count() == 1
