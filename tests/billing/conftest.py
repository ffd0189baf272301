import pytest
import responses

from billing.models import BillingSettings
from billing.services import billing_settings
from tests.factories import ClientFactory, UserFactory

from .stripe_fakes import WEBHOOK_SECRET, StripeApi

ACCOUNT = "acct_1BusinessTEST"


@pytest.fixture(autouse=True)
def _stripe_settings(settings):
    """The platform's Stripe keys (test mode). Tests needing no Stripe clear them."""
    settings.STRIPE_SECRET_KEY = "sk_test_platform"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.BILLING_STRIPE_MAX_RETRIES = 0
    settings.SITE_URL = "https://mecto.example"


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def stripe_api():
    """Every request to Stripe must be registered; an unexpected one fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield StripeApi(mock)


@pytest.fixture
def connected(org) -> BillingSettings:
    """`org` with a Stripe connected account that can take payments."""
    row = billing_settings(org)
    row.stripe_account_id = ACCOUNT
    row.stripe_charges_enabled = row.stripe_details_submitted = row.stripe_payouts_enabled = True
    row.save()
    return row


@pytest.fixture
def client_record(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, first_name="Chloe", last_name="Client")
