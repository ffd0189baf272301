"""Every free-text column has a limit that the model, its model forms and its API serializers
agree on; a longer value is a field error there, never stored whole nor silently cut short."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

OUR_APPS = {"accounts", "clients", "training", "nutrition", "billing", "booking", "marketing", "automation"}
OUR_APPS |= {"integrations", "branding", "mecto"}

TEXT_FIELDS = [
    (model, field)
    for model in apps.get_models()
    if model.__module__.split(".")[0] in OUR_APPS
    for field in model._meta.concrete_fields
    if isinstance(field, models.TextField)
]


def test_the_walk_finds_the_text_fields():
    assert len(TEXT_FIELDS) >= 20


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS, ids=[f"{m._meta.label}.{f.name}" for m, f in TEXT_FIELDS])
def test_every_text_field_has_a_limit_that_model_form_and_serializer_enforce(model, field):
    limit = field.max_length
    assert limit, f"{model._meta.label}.{field.name} has no max_length"
    field.clean("x" * limit, None)
    with pytest.raises(ValidationError):
        field.clean("x" * (limit + 1), None)  # full_clean (and so every service) refuses it
    meta = type("Meta", (), {"model": model, "fields": [field.name]})
    serializer = type("S", (serializers.ModelSerializer,), {"Meta": meta})()
    api_field = serializer.fields[field.name]
    if not field.editable:  # a token the server makes: no form or request body ever sets it
        assert api_field.read_only
        return
    assert field.formfield().max_length == limit  # model forms
    assert api_field.max_length == limit  # API serializers
    assert api_field.run_validation("x" * limit) == "x" * limit
    with pytest.raises(serializers.ValidationError):
        api_field.run_validation("x" * (limit + 1))
