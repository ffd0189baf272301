"""The page write path every app shares: post a form, call a service, show the domain
error beside its field (or at the top), or say what happened and redirect."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect, render
from django.views import View

from mecto.errors import DomainError


class IdPrefixMixin:
    """Element ids of a form that shares a page with others: `id_prefix = "photo"` makes them
    `photo_<field>` (names stay the same), so two forms with a `note` field both keep their label."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def apply_domain_error(form: forms.Form, error: DomainError, field_names: dict[str, str] | None = None) -> None:
    """Show a service's error beside its field, or at the top of the form.

    `field_names` maps a service's field to the form's where they differ
    (`{"price_minor": "price"}`: the service counts cents, the form shows an amount)."""
    field = (field_names or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


class ServiceFormView(View):
    """GET shows the form; POST validates it and hands it to `perform`, which calls one
    service and returns what it made.

    A `DomainError` from the service lands beside its field and the page comes back with
    status 400, like a form error; nothing is saved (the service's transaction rolled
    back). On success the page flashes `get_success_message(result)` and redirects to
    `get_success_url(result)`.

    Subclasses set `form_class` and `template_name`, and override `perform`,
    `get_success_url` and, where they need them, `get_form_kwargs`, `get_initial`,
    `get_context_data` and `get_success_message`. `self.object` is what the page edits
    (None when it creates); `get_object()` loads it, scoped to the organisation.
    """

    form_class: type[forms.BaseForm] | None = None
    template_name: str = ""
    success_message: str = ""
    extra_context: dict | None = None
    # The service's field name -> the form's, where they differ (see apply_domain_error).
    error_fields: dict[str, str] = {}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = None

    # --- Hooks ------------------------------------------------------------------------------------
    def get_object(self):
        """The row the page edits, or None on a create page."""
        return None

    def get_initial(self) -> dict:
        return {}

    def get_form_kwargs(self) -> dict:
        kwargs: dict = {"initial": self.get_initial()}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        if self.object is not None and issubclass(self.form_class, forms.BaseModelForm):
            kwargs["instance"] = self.object
        return kwargs

    def get_form(self) -> forms.BaseForm:
        return self.form_class(**self.get_form_kwargs())

    def get_context_data(self, **kwargs) -> dict:
        context = {"object": self.object, **(self.extra_context or {})}
        context.update(kwargs)
        return context

    def perform(self, form):
        """Call the service with the form's cleaned data; return what it made or changed."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform(form): the service it calls.")

    def get_success_url(self, result) -> str:
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_success_url(result).")

    def get_success_message(self, result) -> str:
        return self.success_message

    # --- Flow -------------------------------------------------------------------------------------
    def render_form(self, form, *, status: int = 200):
        return render(self.request, self.template_name, self.get_context_data(form=form), status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        if form.is_valid():
            try:
                result = self.perform(form)
            except DomainError as exc:
                apply_domain_error(form, exc, self.error_fields)
            else:
                message = self.get_success_message(result)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url(result))
        return self.render_form(form, status=400)
