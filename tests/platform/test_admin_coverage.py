"""The back office covers every model of every Mecto app: registered, with list columns beyond the
name, filters or search, and a change list that opens (also when searched) for a superuser.
A model added later without an admin fails here."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = [
    "accounts",
    "branding",
    "clients",
    "training",
    "booking",
    "integrations",
    "billing",
    "automation",
    "mecto",
]
# Join tables Django creates for many-to-many fields have no admin of their own.
MODELS = [
    model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models() if not model._meta.auto_created
]


def _id(model):
    return model._meta.label


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_model_is_registered_with_columns_and_filters_or_search(model):
    assert model in admin.site._registry, f"{model._meta.label} is not in the admin"
    model_admin = admin.site._registry[model]
    assert len(model_admin.list_display) >= 2, f"{model._meta.label} lists only its name"
    assert model_admin.list_filter or model_admin.search_fields, f"{model._meta.label} has no filter or search"


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_change_list_opens_and_searches(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    if admin.site._registry[model].search_fields:
        assert client.get(url, {"q": "zz-not-there"}).status_code == 200
