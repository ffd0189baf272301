"""Every training model is in the back office, and its list and edit pages open."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory, factory_for

pytestmark = pytest.mark.django_db


def test_every_training_model_is_registered():
    models = set(apps.get_app_config("training").get_models())
    assert models <= set(admin.site._registry), models - set(admin.site._registry)


def test_changelists_and_change_pages_open(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for model in apps.get_app_config("training").get_models():
        obj = factory_for(model)()
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + "?q=x").status_code == 200
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])).status_code == 200
