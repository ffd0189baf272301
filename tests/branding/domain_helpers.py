"""Shared set-up of the custom-domain tests: the production shape of ALLOWED_HOSTS, a fresh
host table, and a fake DNS at dnspython's resolver boundary."""

import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import pytest

from branding import domains as services
from mecto import domains
from mecto.domains import HostList

SITE_URL = "https://app.mecto.example"


@pytest.fixture
def hosts(settings):
    """ALLOWED_HOSTS as base.py builds it (the test runner swaps it for a plain list)."""
    settings.ALLOWED_HOSTS = HostList(["testserver", "localhost", "app.mecto.example"])
    settings.SITE_URL = SITE_URL
    domains.invalidate()
    yield settings.ALLOWED_HOSTS
    domains.invalidate()


class FakeDns:
    """TXT answers by name; a name not set is NXDOMAIN, an exception instance is raised."""

    def __init__(self):
        self.records: dict[str, object] = {}
        self.asked: list[tuple[str, str]] = []

    def publish(self, domain, value=None):
        self.records[services.record_name(domain)] = [value if value is not None else domain.verification_token]

    def withdraw(self, domain):
        self.records.pop(services.record_name(domain), None)

    def resolve(self, resolver, qname, rdtype="A", *args, **kwargs):
        self.asked.append((str(qname), str(rdtype)))
        found = self.records.get(str(qname))
        if isinstance(found, Exception):
            raise found
        if found is None:
            raise dns.resolver.NXDOMAIN(qnames=[qname])
        if not found:
            raise dns.resolver.NoAnswer()
        # Real TXT rdata as dnspython parses it from the wire.
        return [dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, f'"{text}"') for text in found]


@pytest.fixture
def fake_dns(monkeypatch):
    fake = FakeDns()
    monkeypatch.setattr(dns.resolver.Resolver, "resolve", lambda self, *a, **kw: fake.resolve(self, *a, **kw))
    return fake


def verified(organization, hostname, fake, capture, primary=None):
    """Add `hostname` for `organization` and verify it through the services, as an owner would."""
    with capture(execute=True):
        domain = services.add_domain(organization=organization, hostname=hostname)
        fake.publish(domain)
        domain = services.check_domain(domain=domain)
    assert domain.verified_at is not None
    return domain
