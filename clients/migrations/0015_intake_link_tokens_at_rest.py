"""Intake links' tokens at rest: a sent intake's single-use token is kept only as its hash; a
form's public token, which the coach copies again, is kept encrypted with a hash to look it up.

Links sent before keep working: the hash is of the same token. An intake email still waiting
to be sent gets its link written into the message, as the token can no longer be read.

Going back decrypts the public tokens. The sent intakes' tokens cannot be recovered from their
hashes: going back gives each a new random token, so the links sent before stop working.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import migrations, models

import clients.models
import mecto.crypto
from mecto import crypto

INTAKE_REQUEST_COMPOSER = "clients.intake_request"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def forward(apps, schema_editor):
    IntakeForm = apps.get_model("clients", "IntakeForm")
    IntakeRequest = apps.get_model("clients", "IntakeRequest")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")
    for form in IntakeForm.objects.all().only("pk", "public_token").iterator():
        IntakeForm.objects.filter(pk=form.pk).update(
            public_token=crypto.encrypt(form.public_token), public_token_hash=_hash(form.public_token)
        )
    tokens = {}
    for pk, token in IntakeRequest.objects.values_list("pk", "token").iterator():
        IntakeRequest.objects.filter(pk=pk).update(token_hash=_hash(token))
        tokens[pk] = token
    waiting = OutboundMessage.objects.filter(composer=INTAKE_REQUEST_COMPOSER, status__in=["queued", "sending"])
    for message in waiting.iterator():
        token = tokens.get((message.context or {}).get("request_id"))
        if token:
            context = {**message.context, "url": f"{settings.SITE_URL}/intake/r/{token}/"}
            OutboundMessage.objects.filter(pk=message.pk).update(context=context)


def backward(apps, schema_editor):
    IntakeForm = apps.get_model("clients", "IntakeForm")
    IntakeRequest = apps.get_model("clients", "IntakeRequest")
    for pk, stored in IntakeForm.objects.values_list("pk", "public_token").iterator():
        IntakeForm.objects.filter(pk=pk).update(public_token=crypto.decrypt(stored))
    for pk in IntakeRequest.objects.values_list("pk", flat=True).iterator():
        IntakeRequest.objects.filter(pk=pk).update(token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0014_portal_invitations"),
        ("mecto", "0004_inbound_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="intakeform",
            name="public_token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="intakeform",
            name="public_token",
            field=models.TextField(default=clients.models.new_public_token, editable=False),
        ),
        migrations.AddField(
            model_name="intakerequest",
            name="token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="intakerequest",
            name="token",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="intakerequest", name="token"),
        migrations.AlterField(
            model_name="intakerequest",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="intakeform",
            name="public_token",
            field=mecto.crypto.EncryptedTextField(default=clients.models.new_public_token, editable=False),
        ),
        migrations.AlterField(
            model_name="intakeform",
            name="public_token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
