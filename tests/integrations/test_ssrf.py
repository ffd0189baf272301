"""The SSRF guard refuses every inside address range, IPv4 and IPv6, at save and delivery."""

import pytest

from integrations import services_webhooks as services
from integrations import webhooks
from integrations.ssrf import UnsafeURL, check_url
from mecto.errors import DomainError
from tests.factories import OrganizationFactory

REFUSED = {
    "127.0.0.1": "loopback",
    "::1": "loopback",
    "10.1.2.3": "private",
    "172.16.0.9": "private",
    "192.168.1.1": "private",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "169.254.10.1": "link-local",
    "fe80::1": "link-local",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "240.0.0.1": "reserved",
    "100.64.0.1": "shared (CGNAT)",
    "169.254.169.254": "metadata",
    "fd00:ec2::254": "metadata",
    "::ffff:127.0.0.1": "loopback",
    "::ffff:10.0.0.1": "private",
    "::ffff:169.254.169.254": "metadata",
}


def _resolving_to(monkeypatch, *ips):
    monkeypatch.setattr("integrations.ssrf.resolve", lambda host, port: list(ips))


@pytest.mark.parametrize("ip,kind", REFUSED.items())
def test_each_inside_range_is_refused(monkeypatch, ip, kind):
    _resolving_to(monkeypatch, ip)
    with pytest.raises(UnsafeURL) as caught:
        check_url("https://hooks.example.com/in")
    assert kind in str(caught.value)


def test_one_bad_address_among_good_ones_is_refused(monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34", "10.0.0.5")
    with pytest.raises(UnsafeURL):
        check_url("https://hooks.example.com/in")


@pytest.mark.parametrize("ip", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_pass(monkeypatch, ip):
    _resolving_to(monkeypatch, ip)
    assert check_url("https://hooks.example.com:8443/in").ips == (ip,)


@pytest.mark.parametrize(
    "url", ["ftp://hooks.example.com/", "file:///etc/passwd", "gopher://x/", "https://user:pw@hooks.example.com/"]
)
def test_other_schemes_and_credentials_are_refused(monkeypatch, url):
    _resolving_to(monkeypatch, "93.184.216.34")
    with pytest.raises(UnsafeURL):
        check_url(url)


def test_http_needs_the_setting(monkeypatch, settings):
    _resolving_to(monkeypatch, "93.184.216.34")
    settings.WEBHOOKS_ALLOW_HTTP = False
    with pytest.raises(UnsafeURL):
        check_url("http://hooks.example.com/")
    settings.WEBHOOKS_ALLOW_HTTP = True
    assert check_url("http://hooks.example.com/").port == 80


def test_loopback_only_when_allowed(monkeypatch, settings):
    _resolving_to(monkeypatch, "127.0.0.1")
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    assert check_url("https://localhost/").ips == ("127.0.0.1",)


def test_production_refuses_http_and_loopback():
    from pathlib import Path

    import mecto.settings

    text = (Path(mecto.settings.__file__).parent / "production.py").read_text()
    assert "WEBHOOKS_ALLOW_HTTP = False" in text and "WEBHOOKS_ALLOW_LOOPBACK = False" in text


@pytest.mark.django_db
def test_an_endpoint_pointing_inside_is_refused_at_save(monkeypatch):
    _resolving_to(monkeypatch, "192.168.0.10")
    with pytest.raises(DomainError) as caught:
        services.create_endpoint(organization=OrganizationFactory(), actor=None, url="https://router.example.com/")
    assert caught.value.field == "url"


def test_delivery_rechecks_dns_and_records_the_refusal(monkeypatch):
    """The host resolved outside at save and inside at delivery (DNS rebinding): refused, nothing sent."""
    _resolving_to(monkeypatch, "10.0.0.7")
    outcome = webhooks.post("https://hooks.example.com/in", {}, "{}")
    assert outcome.status is None and "private" in outcome.error


def test_the_request_goes_to_the_vetted_address(monkeypatch):
    _resolving_to(monkeypatch, "2606:2800:220:1:248:1893:25c8:1946")
    vetted = check_url("https://hooks.example.com:8443/in?x=1")
    assert webhooks.pinned_url("https://hooks.example.com:8443/in?x=1", vetted) == (
        "https://[2606:2800:220:1:248:1893:25c8:1946]:8443/in?x=1"
    )
