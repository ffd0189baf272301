from marketing.models import MessageTemplate
from mecto.comms.models import Channel


def email_template(org, **fields):
    defaults = {
        "name": "News",
        "channel": Channel.EMAIL,
        "subject": "Hello {{ client.first_name }}",
        "blocks": [{"type": "text", "text": "Hi {{ client.first_name }}, new classes this month."}],
    }
    return MessageTemplate.objects.create(organization=org, **{**defaults, **fields})


def sms_template(org, **fields):
    defaults = {"name": "Text", "channel": Channel.SMS, "sms_body": "Hi {{ client.first_name }}, classes soon."}
    return MessageTemplate.objects.create(organization=org, **{**defaults, **fields})
