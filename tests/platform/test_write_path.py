"""The write path every app shares: the service form page, update_model, the nested API
route and the admin's run-on-each-row action."""

import json

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import JsonResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization
from clients.models import Note
from mecto.admin_actions import run_each
from mecto.errors import DomainError
from mecto.forms import ServiceFormView
from mecto.services import check_fields, update_model
from tests.factories import ClientFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


# --- ServiceFormView --------------------------------------------------------------------------------
class NameForm(forms.Form):
    name = forms.CharField(max_length=20)
    nickname = forms.CharField(required=False)


class RenameView(ServiceFormView):
    form_class = NameForm
    error_fields = {"label": "name"}  # the service's name for the form's field

    def render_form(self, form, *, status=200):
        # The page's template is each app's own; here the response carries what it would show.
        body = {"errors": form.errors.get_json_data(), "name": form["name"].value()}
        return JsonResponse(body, status=status)

    def get_object(self):
        return Organization.objects.get(pk=self.kwargs["pk"])

    def get_initial(self):
        return {"name": self.object.name}

    def perform(self, form):
        name = form.cleaned_data["name"]
        if name == "taken":
            raise DomainError("That name is taken.", field="name")
        if name == "long":
            raise DomainError("Labels are short.", field="label")
        if name == "closed":
            raise DomainError("The business is closed.", field="not_a_field")
        self.object.name = name
        self.object.save(update_fields=["name"])
        return self.object

    def get_success_message(self, result):
        return f"{result.name} saved."

    def get_success_url(self, result):
        return f"/done/{result.pk}/"


def _call(method, org, data=None):
    factory = RequestFactory()
    request = factory.post("/", data) if method == "post" else factory.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = RenameView.as_view()(request, pk=org.pk)
    return request, response


def test_service_form_page_shows_the_object_untouched_on_get():
    org = OrganizationFactory(name="Before")
    _request, response = _call("get", org)
    assert response.status_code == 200
    assert json.loads(response.content) == {"errors": {}, "name": "Before"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "taken"}, "name", "That name is taken."),
        ({"name": "long"}, "name", "Labels are short."),
        ({"name": "closed"}, None, "The business is closed."),
    ],
)
def test_service_form_page_shows_form_and_domain_errors_and_saves_nothing(data, field, message):
    org = OrganizationFactory(name="Before")
    request, response = _call("post", org, data)
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.name == "Before"
    assert not list(get_messages(request))
    # The error is beside its field, or at the top when the field is not on the form.
    errors = json.loads(response.content)["errors"]
    assert [e["message"] for e in errors[field or "__all__"]] == [message]
    assert json.loads(response.content)["name"] == data["name"]  # what was typed stays


def test_service_form_page_saves_says_so_and_redirects():
    org = OrganizationFactory(name="Before")
    request, response = _call("post", org, {"name": "After"})
    assert response.status_code == 302 and response.url == f"/done/{org.pk}/"
    org.refresh_from_db()
    assert org.name == "After"
    assert [str(m) for m in get_messages(request)] == ["After saved."]


# --- update_model ------------------------------------------------------------------------------------
def test_update_model_refuses_unknown_fields_and_changes_nothing():
    org = OrganizationFactory(name="Before")
    with pytest.raises(DomainError, match="Unknown field: slug"):
        update_model(org, {"name": "After", "slug": "x"}, allowed={"name"})
    org.refresh_from_db()
    assert org.name == "Before"
    with pytest.raises(DomainError, match="Unknown field: a, b"):
        check_fields({"b": 1, "a": 2, "name": 3}, {"name"})


def test_update_model_locks_assigns_validates_and_reports_what_changed():
    org = OrganizationFactory(name="Before", currency="EUR")
    with CaptureQueriesContext(connection) as queries:
        row, changed = update_model(org, {"name": "After", "currency": "EUR"}, allowed={"name", "currency"})
    assert changed == ["name"]
    assert row is not org and row.name == "After"
    org.refresh_from_db()
    assert org.name == "After"
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in queries.captured_queries[0]["sql"]


def test_update_model_turns_model_validation_into_a_domain_error_on_the_field():
    org = OrganizationFactory(name="Before")
    with pytest.raises(DomainError) as caught:
        update_model(org, {"name": "x" * 500}, allowed={"name"})
    assert caught.value.field == "name"
    org.refresh_from_db()
    assert org.name == "Before"


def test_update_model_runs_the_services_own_rule_before_validation():
    org = OrganizationFactory(name="Before")

    def refuse_renames(row, changed):
        if "name" in changed:
            raise DomainError("Names are fixed.", field="name")

    with pytest.raises(DomainError, match="Names are fixed."):
        update_model(org, {"name": "After"}, allowed={"name"}, before_clean=refuse_renames)
    row, changed = update_model(org, {"name": "Before"}, allowed={"name"}, before_clean=refuse_renames)
    assert changed == []


# --- NestedRouteMixin ---------------------------------------------------------------------------------
def test_nested_route_is_a_404_under_another_businesses_parent(owner_api, org):
    mine = ClientFactory(organization=org)
    theirs = ClientFactory(organization=OrganizationFactory())
    Note.objects.create(organization=theirs.organization, client=theirs, body="theirs")
    Note.objects.create(organization=org, client=mine, body="mine")

    listed = owner_api.get(f"/api/v1/clients/{mine.pk}/notes/")
    assert listed.status_code == 200
    assert [n["body"] for n in listed.json()["results"]] == ["mine"]
    # Listing or writing under a parent of another business (or none) is a 404, never an
    # empty list, and writes nothing.
    assert owner_api.get(f"/api/v1/clients/{theirs.pk}/notes/").status_code == 404
    assert owner_api.get("/api/v1/clients/999999999/notes/").status_code == 404
    assert owner_api.post(f"/api/v1/clients/{theirs.pk}/notes/", {"body": "x"}, format="json").status_code == 404
    assert Note.objects.filter(client=theirs).count() == 1


# --- run_each ------------------------------------------------------------------------------------------
class _Admin:
    def __init__(self):
        self.messages = []

    def message_user(self, request, message, level):
        self.messages.append((level, str(message)))


def test_run_each_does_what_it_can_and_reports_each_refusal():
    admin = _Admin()

    def action(row):
        if row % 2:
            raise DomainError(f"odd {row}")

    done, refused = run_each(admin, None, range(1, 31), action, done="%(n)s done.")
    assert (done, refused) == (15, 15)
    texts = [m for _level, m in admin.messages]
    assert texts[0] == "15 done."
    assert texts[1:11] == [f"{n}: odd {n}" for n in range(1, 21, 2)]
    assert texts[11] == "5 more rows were refused."
    assert len(texts) == 12


def test_a_service_form_page_without_its_service_says_what_it_lacks():
    class Unfinished(ServiceFormView):
        form_class = NameForm

        def render_form(self, form, *, status=200):
            return JsonResponse({}, status=status)

    request = RequestFactory().post("/", {"name": "After"})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    with pytest.raises(ImproperlyConfigured, match="Unfinished must define perform"):
        Unfinished.as_view()(request)
