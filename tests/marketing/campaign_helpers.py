"""Shared set-up of the campaign tests: a business with templates, a segment and clients."""

from marketing.models import MessageTemplate, Segment
from tests.factories import ClientFactory, OrganizationFactory


def email_template(org, **kwargs):
    return MessageTemplate.objects.create(
        organization=org,
        name=kwargs.pop("name", "Spring offer"),
        channel="email",
        subject="Hello {{ client.first_name }}",
        blocks=[{"type": "text", "text": "Spring sessions are open, {{ client.first_name }}."}],
        **kwargs,
    )


def sms_template(org, **kwargs):
    return MessageTemplate.objects.create(
        organization=org, name="Spring text", channel="sms", sms_body="Hi {{ client.first_name }}: spring sessions!"
    )


def business(clients: int = 3, *, time_zone: str = "Europe/London", phones: bool = False):
    org = OrganizationFactory(time_zone=time_zone)
    people = [ClientFactory(organization=org, phone=f"+4477009{n:05d}" if phones else "") for n in range(clients)]
    segment = Segment.objects.create(organization=org, name="Everyone")
    return org, segment, people
