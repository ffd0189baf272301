"""Custom domains' services: host names, the TXT check, the periodic re-check, primary, removal."""

from datetime import timedelta

import dns.exception
import pytest
from django.utils import timezone
from freezegun import freeze_time

from branding import domains as services
from branding.models import CustomDomain
from mecto import domains
from mecto.celery import app as celery_app
from mecto.errors import DomainError
from mecto.models import Event
from tests.factories import CustomDomainFactory, OrganizationFactory

from . import domain_helpers
from .domain_helpers import verified

hosts, fake_dns = domain_helpers.hosts, domain_helpers.fake_dns  # fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Coach.Example.COM", "coach.example.com"),
        ("coach.example.com.", "coach.example.com"),
        ("  coach.example.com  ", "coach.example.com"),
        ("https://coach.example.com/", "coach.example.com"),
        ("trainer.bücher.de", "trainer.xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_host_names_are_normalised(hosts, raw, expected):
    assert services.normalise_hostname(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "Enter a host name"),
        ("*.example.com", "Wildcards"),
        ("203.0.113.7", "not an IP address"),
        ("[2001:db8::1]", "not an IP address"),
        ("2001:db8::1", "not an IP address"),
        ("localhost", "full host name"),
        ("shop.localhost", "not on the public internet"),
        ("coach.example.test", "not on the public internet"),
        ("coach.example.com:8443", "without a port"),
        ("coach example.com", "only the host name"),
        ("coach.example.com/book", "only the host name"),
        ("-coach.example.com", "not a valid host name"),
        ("a" * 64 + ".example.com", "not a valid host name"),
        (("abc." * 70) + "com", "not a valid host name"),
        ("coach..example.com", "not a valid host name"),
        ("coach.example.123", "full host name"),
        ("app.mecto.example", "belongs to the platform"),
        ("eu.app.mecto.example", "belongs to the platform"),
        ("testserver", "full host name"),
    ],
)
def test_host_names_that_cannot_be_served_are_refused_with_a_clear_message(hosts, raw, says):
    with pytest.raises(DomainError) as caught:
        services.add_domain(organization=OrganizationFactory(), hostname=raw)
    assert says in caught.value.message and caught.value.field == "hostname"
    assert not CustomDomain.objects.exists()


def test_a_platform_pattern_in_allowed_hosts_is_refused_too(hosts, settings):
    settings.ALLOWED_HOSTS = domains.HostList([*hosts.static, ".mecto-cdn.example"])
    with pytest.raises(DomainError, match="platform"):
        services.normalise_hostname("files.mecto-cdn.example")


def test_adding_a_domain_gives_a_token_and_the_first_is_the_one_used_in_links(hosts):
    org = OrganizationFactory()
    first = services.add_domain(organization=org, hostname="coach.example.com")
    second = services.add_domain(organization=org, hostname="www.example.com")
    assert first.is_primary and not second.is_primary
    assert first.verified_at is None and first.verification_token != second.verification_token
    assert len(first.verification_token) > 30
    assert services.dns_records(first) == [
        {"type": "CNAME", "name": "coach.example.com", "value": "app.mecto.example"},
        {"type": "TXT", "name": "_mecto-verify.coach.example.com", "value": first.verification_token},
    ]
    assert Event.objects.filter(organization=org, name="domain.added").count() == 2


def test_a_host_name_is_taken_once_and_a_business_has_at_most_five(hosts):
    org, other = OrganizationFactory(), OrganizationFactory()
    services.add_domain(organization=org, hostname="coach.example.com")
    with pytest.raises(DomainError, match="already added"):
        services.add_domain(organization=org, hostname="COACH.example.com.")
    with pytest.raises(DomainError, match="another business"):
        services.add_domain(organization=other, hostname="coach.example.com")
    for n in range(2, services.MAX_DOMAINS + 1):
        services.add_domain(organization=org, hostname=f"c{n}.example.com")
    with pytest.raises(DomainError, match="at most 5"):
        services.add_domain(organization=org, hostname="one-more.example.com")
    assert CustomDomain.objects.for_org(org).count() == services.MAX_DOMAINS
    assert not CustomDomain.objects.for_org(other).exists()


def test_the_txt_record_with_the_token_verifies_the_domain(hosts, fake_dns, django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    domain = services.add_domain(organization=org, hostname="coach.example.com")
    domain = services.check_domain(domain=domain)
    assert domain.verified_at is None and "No TXT record _mecto-verify.coach.example.com" in domain.check_error
    fake_dns.publish(domain, value="somebody-else's-token")
    domain = services.check_domain(domain=domain)
    assert domain.verified_at is None and "does not hold this domain's token" in domain.check_error
    fake_dns.records[services.record_name(domain)] = ["unrelated", domain.verification_token]
    with django_capture_on_commit_callbacks(execute=True):
        domain = services.check_domain(domain=domain)
    assert domain.verified_at is not None and domain.check_error == "" and domain.last_checked_at is not None
    assert ("_mecto-verify.coach.example.com", "TXT") in fake_dns.asked
    assert Event.objects.filter(organization=org, name="domain.verified").count() == 1
    assert domains.hosted("coach.example.com").organization_id == org.pk
    services.check_domain(domain=domain)  # still there: no second event
    assert Event.objects.filter(organization=org, name="domain.verified").count() == 1


def test_a_lookup_that_fails_changes_nothing(hosts, fake_dns, django_capture_on_commit_callbacks):
    domain = verified(OrganizationFactory(), "coach.example.com", fake_dns, django_capture_on_commit_callbacks)
    fake_dns.records[services.record_name(domain)] = dns.exception.Timeout()
    domain = services.check_domain(domain=domain)
    assert domain.verified_at is not None and "did not answer in time" in domain.check_error
    fake_dns.records[services.record_name(domain)] = dns.resolver.NoNameservers()
    domain = services.check_domain(domain=domain)
    assert domain.verified_at is not None and "lookup failed" in domain.check_error


def test_a_verified_domain_whose_record_is_gone_is_unverified(hosts, fake_dns, django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    domain = verified(org, "coach.example.com", fake_dns, django_capture_on_commit_callbacks)
    fake_dns.records[services.record_name(domain)] = []  # the name answers, without a TXT record
    with django_capture_on_commit_callbacks(execute=True):
        domain = services.check_domain(domain=domain)
    assert domain.verified_at is None
    assert Event.objects.filter(organization=org, name="domain.unverified").count() == 1
    assert domains.hosted("coach.example.com") is None


def test_the_periodic_recheck_unverifies_lost_records_and_verifies_new_ones(
    hosts, fake_dns, django_capture_on_commit_callbacks
):
    org = OrganizationFactory()
    kept = verified(org, "kept.example.com", fake_dns, django_capture_on_commit_callbacks)
    lost = verified(org, "lost.example.com", fake_dns, django_capture_on_commit_callbacks)
    fresh = services.add_domain(organization=org, hostname="fresh.example.com")
    fake_dns.withdraw(lost)
    fake_dns.publish(fresh)
    with freeze_time(timezone.now() + timedelta(minutes=30)):
        counts = services.recheck_domains()
    # Verified ones are re-checked every few hours; the new one is looked at every few minutes.
    assert counts == {"checked": 1, "verified": 1, "unverified": 0}
    with freeze_time(timezone.now() + timedelta(hours=7)), django_capture_on_commit_callbacks(execute=True):
        counts = services.recheck_domains()
    assert counts == {"checked": 3, "verified": 0, "unverified": 1}
    assert CustomDomain.objects.get(pk=kept.pk).verified_at is not None
    assert CustomDomain.objects.get(pk=lost.pk).verified_at is None
    assert CustomDomain.objects.get(pk=fresh.pk).verified_at is not None
    assert domains.verified_hostnames() == ["fresh.example.com", "kept.example.com"]


def test_a_new_domain_stops_being_polled_after_a_week(hosts, fake_dns):
    services.add_domain(organization=OrganizationFactory(), hostname="late.example.com")
    with freeze_time(timezone.now() + timedelta(days=8)):
        assert services.recheck_domains()["checked"] == 0


def test_the_recheck_is_a_periodic_task_that_calls_the_service(hosts, fake_dns):
    entry = celery_app.conf.beat_schedule["custom-domain-recheck"]
    assert entry["task"] == "branding.recheck_domains"
    domain = services.add_domain(organization=OrganizationFactory(), hostname="coach.example.com")
    fake_dns.publish(domain)
    result = celery_app.tasks["branding.recheck_domains"].delay().get()
    assert result["verified"] == 1


def test_only_a_verified_domain_is_used_in_links_and_removing_the_primary_passes_it_on(
    hosts, fake_dns, django_capture_on_commit_callbacks
):
    org = OrganizationFactory()
    first = verified(org, "coach.example.com", fake_dns, django_capture_on_commit_callbacks)
    second = verified(org, "www.example.com", fake_dns, django_capture_on_commit_callbacks)
    pending = services.add_domain(organization=org, hostname="new.example.com")
    assert domains.site_url_for(org) == "https://coach.example.com"
    with pytest.raises(DomainError, match="Verify this domain"):
        services.make_primary(domain=pending)
    with django_capture_on_commit_callbacks(execute=True):
        services.make_primary(domain=second)
    assert domains.site_url_for(org) == "https://www.example.com"
    assert list(CustomDomain.objects.for_org(org).filter(is_primary=True)) == [second]
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_domain(domain=second)
    first.refresh_from_db()
    assert first.is_primary and domains.site_url_for(org) == "https://coach.example.com"
    assert Event.objects.filter(organization=org, name="domain.removed").count() == 1
    assert domains.hosted("www.example.com") is None
    services.remove_domain(domain=second)  # twice: nothing more happens
    assert Event.objects.filter(organization=org, name="domain.removed").count() == 1


def test_without_a_verified_domain_links_use_the_platform_address(hosts):
    org = OrganizationFactory()
    CustomDomainFactory(organization=org, is_primary=True)  # not verified
    assert domains.site_url_for(org) == "https://app.mecto.example"
    assert domains.site_url_for(None) == "https://app.mecto.example"


def test_an_inactive_business_is_not_served_on_its_domain(hosts, fake_dns, django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    verified(org, "coach.example.com", fake_dns, django_capture_on_commit_callbacks)
    org.is_active = False
    org.save()
    domains.invalidate()
    assert domains.hosted("coach.example.com") is None
