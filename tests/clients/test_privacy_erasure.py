"""Erasing a client: after the grace period every app forgets them (nothing personal left in
any table, files gone from storage), their login ends and is refused, invoices stay with an
anonymised name, and an audit row without personal data remains."""

import json
from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from billing.models import Invoice
from clients.models import Client, ErasureAudit, ErasureRequest, Message, ProgressPhoto
from clients.services import PrivacyError, cancel_erasure, request_erasure, run_due_erasures, run_erasure
from mecto.models import Event
from nutrition.models import FoodLogEntry
from tests.clients.privacy_data import client_with_everything
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
# Invoices are kept by law (asserted anonymised below); suppressions so an erased address
# is never mailed again (tests/marketing/test_privacy.py).
KEPT = {"billing.Invoice", "mecto.Suppression"}


def _text_fields(model):
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.EmailField) and not f.choices
    ]


def _personal_leftovers(needles):
    """Every row of every installed model whose text fields hold one of `needles`."""
    found = []
    for model in apps.get_models():
        fields = _text_fields(model)
        if not fields:
            continue
        for needle in needles:
            query = models.Q()
            for name in fields:
                query |= models.Q(**{f"{name}__icontains": needle})
            for row in model._base_manager.filter(query).values("pk", *fields):
                found.append((model._meta.label, needle, row))
    return found


def _files_of(client):
    names = []
    for photo in ProgressPhoto.objects.filter(client=client):
        names += [photo.image.name, photo.thumbnail.name]
    names += [m.attachment.name for m in Message.objects.filter(client=client).exclude(attachment="")]
    names += [e.photo.name for e in FoodLogEntry.objects.filter(client=client).exclude(photo="")]
    return names


def _signed_in(user):
    browser = Browser()
    assert browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    response = Browser().post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["meta"]["session_token"]
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 200
    return browser, token


def _erase_now(client, actor=None, capture=None):
    erasure = request_erasure(client=client, actor=actor, grace_days=0)
    return run_erasure(erasure=erasure, actor=actor)


def test_nothing_personal_is_left_in_any_table_or_in_storage(org, owner, django_capture_on_commit_callbacks):
    user = UserFactory(email="ariadne.quillfeather@example.com", full_name="Ariadne Quillfeather")
    client = client_with_everything(org, user=user)
    neighbour = client_with_everything(org, first_name="Bartholomew", last_name="Nettlebed", phone="+447700900456")
    files = _files_of(client)
    assert files and all(default_storage.exists(name) for name in files)
    needles = ["Ariadne", "Quillfeather", client.email, client.phone]
    assert _personal_leftovers(needles)  # the scan finds them before

    with django_capture_on_commit_callbacks(execute=True):
        audit = _erase_now(client, actor=owner)

    leftovers = [found for found in _personal_leftovers(needles) if found[0] not in KEPT]
    assert leftovers == []
    assert not Client.objects.filter(pk=client.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    # Invoices stay in the books, billed to an anonymous reference.
    invoice = Invoice.objects.get(organization=org, bill_to_name__startswith="Erased client")
    assert invoice.client_id is None and invoice.bill_to_email == ""
    assert audit.client_reference in invoice.bill_to_name
    assert _personal_leftovers(needles) == []
    # The audit keeps who asked and when, and counts, without personal data.
    assert audit.requested_by == owner and audit.requested_at
    assert audit.summary["clients.Client"] == 1 and audit.summary["training.SetLog"] >= 1
    assert "Ariadne" not in json.dumps(audit.summary)
    # The neighbour keeps everything.
    assert Client.objects.filter(pk=neighbour.pk).exists()
    assert all(default_storage.exists(name) for name in _files_of(neighbour))


def test_erased_client_is_signed_out_and_cannot_log_in(org, owner):
    user = UserFactory(email="ariadne.quillfeather@example.com")
    client = client_with_everything(org, user=user)
    browser, token = _signed_in(user)

    _erase_now(client, actor=owner)

    assert browser.get(reverse("portal:home")).status_code == 302
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code in (401, 403)
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password() and "ariadne" not in user.email
    page = Browser().post(reverse("account_login"), {"login": "ariadne.quillfeather@example.com", "password": PASSWORD})
    assert page.status_code == 200  # the form again, with an error
    app = Browser().post(
        "/_allauth/app/v1/auth/login",
        {"email": "ariadne.quillfeather@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert app.status_code in (400, 401)


def test_grace_period_then_the_beat_task_runs_it(org, owner):
    client = client_with_everything(org)
    with freeze_time("2026-04-01 09:00"):
        erasure = request_erasure(client=client, actor=owner)
        assert erasure.grace_until == timezone.now() + timedelta(days=30)
        with pytest.raises(PrivacyError, match="not over"):
            run_erasure(erasure=erasure)
    with freeze_time("2026-04-30 09:00"):
        assert run_due_erasures() == 0
        assert Client.objects.filter(pk=client.pk).exists()
    with freeze_time("2026-05-01 09:01"):
        assert run_due_erasures() == 1
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE and erasure.client is None
    assert not Client.objects.filter(pk=client.pk).exists()
    assert ErasureAudit.objects.filter(request=erasure).exists()


def test_a_cancelled_erasure_never_runs(org, owner):
    client = client_with_everything(org)
    with freeze_time("2026-04-01 09:00"):
        erasure = request_erasure(client=client, actor=owner, by_client=True)
        cancel_erasure(erasure=erasure, actor=owner)
        with pytest.raises(PrivacyError):
            cancel_erasure(erasure=erasure, actor=owner)
    with freeze_time("2026-06-01 09:00"):
        assert run_due_erasures() == 0
    assert Client.objects.filter(pk=client.pk).exists()
    # A new request can follow a cancelled one.
    assert request_erasure(client=client, actor=owner).status == ErasureRequest.Status.PENDING


def test_grace_period_is_bounded_and_one_request_at_a_time(org):
    client = client_with_everything(org)
    with pytest.raises(PrivacyError) as error:
        request_erasure(client=client, grace_days=400)
    assert error.value.field == "grace_days"
    request_erasure(client=client)
    with pytest.raises(PrivacyError, match="already"):
        request_erasure(client=client)


def test_erasure_events_carry_no_personal_data(org, owner):
    client = client_with_everything(org)
    _erase_now(client, actor=owner)
    for name in ("client.erasure_requested", "client.erased"):
        payload = json.dumps(Event.objects.get(organization=org, name=name).payload)
        assert client.email not in payload and "Ariadne" not in payload
