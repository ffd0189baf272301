"""The back office: every clients model has a working list (search, filters) and change page."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from clients.models import Client, StatusChange
from tests.factories import ClientFactory, MembershipFactory, UserFactory, factory_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", list(apps.get_app_config("clients").get_models()), ids=lambda m: m.__name__)
def test_every_model_is_in_the_back_office(staff, model):
    assert model in admin.site._registry, f"{model.__name__} is not registered"
    row = factory_for(model)() if model is not Client else ClientFactory()
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert staff.get(reverse(f"{name}_changelist"), {"q": "x"}).status_code == 200
    assert staff.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200


def test_admin_edits_go_through_the_services(staff):
    client = ClientFactory(status="lead")
    ClientFactory(organization=client.organization, email="taken@example.com")
    url = reverse("admin:clients_client_change", args=[client.pk])
    form = staff.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, dict))}
    data.update(
        {
            "organization": client.organization.pk,
            "status": "active",
            "email": "taken@example.com",
            "first_name": client.first_name,
            "time_zone": "UTC",
            "unit_system": "metric",
            "source": "manual",
            "status_changed_at_0": "2026-01-01",
            "status_changed_at_1": "10:00",
        }
    )
    for prefix in ("status_changes",):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    refused = staff.post(url, data)
    assert refused.status_code == 200 and "already exists" in refused.content.decode()
    data["email"] = "new@example.com"
    data["coach"] = MembershipFactory(organization=client.organization).user.pk
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.refresh_from_db()
    assert client.status == "active" and client.email == "new@example.com"
    assert StatusChange.objects.filter(client=client, from_status="lead", to_status="active").exists()
