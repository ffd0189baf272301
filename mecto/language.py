"""Which language a page, an email or a PDF is in.

One order everywhere: the person's own choice (their profile) > the default language of the
business the request or message is about (for its clients, its coaches who chose none, and
strangers on its public pages or its own host name) > the browser's Accept-Language (the
platform's own pages, which belong to no business) > English.

`LanguageMiddleware` applies it to pages after the tenant is known (Django's LocaleMiddleware
has read the browser's wish by then and sets Content-Language on the way out); the API does
the same after token authentication; the outbox renders every message in its recipient's
language and PDFs are drawn in their client's (`override_for`).

The platform imports no app: clients registers how a client record's language is found
(`register_client_language`) in its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.checks import Warning, register
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)

_client_language: list[Callable[[int], str | None]] = []


def register_client_language(func: Callable[[int], str | None]) -> Callable[[int], str | None]:
    """clients: `func(client_id)` -> the language of that client (their own or their business's)."""
    _client_language[:] = [func]
    return func


def supported(code: str | None) -> str | None:
    """`code` if it is one of the deployment's languages ("es-MX" -> "es"), else None."""
    if not code:
        return None
    code = code.lower()
    if code in LANGUAGE_CODES:
        return code
    base = code.split("-")[0]
    return base if base in LANGUAGE_CODES else None


def language_for(*, user=None, organization=None) -> str | None:
    """The person's choice, else their business's default; None when neither says."""
    return supported(getattr(user, "language", None)) or supported(getattr(organization, "language", None))


def recipient_language(*, organization=None, to: str = "", user_id=None, client_id=None) -> str:
    """The language a message to this recipient is written in: the person's own (a user by id
    or by email address, a client record), else the business's default, else the deployment's."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = None
    if user_id:
        user = User.objects.filter(pk=user_id).only("language").first()
    found = supported(_client_language[0](client_id)) if user is None and client_id and _client_language else None
    if found:
        return found
    if user is None and to and "@" in to:
        user = User.objects.filter(email__iexact=to.strip()).only("language").first()
    return language_for(user=user, organization=organization) or settings.LANGUAGE_CODE


def override_for(*, user=None, organization=None):
    """`with override_for(user=client.user, organization=org):` renders in that person's language."""
    return translation.override(language_for(user=user, organization=organization) or settings.LANGUAGE_CODE)


def activate_for_request(request, organization=None) -> None:
    """Switch the rest of this request to its person's or business's language (see the module)."""
    from mecto.page_brand import request_organization

    user = getattr(request, "user", None)
    person = user if user is not None and user.is_authenticated else None
    if organization is None and not supported(getattr(person, "language", None)):
        organization = request_organization(request)
    language = language_for(user=person, organization=organization)
    if language and language != translation.get_language():
        translation.activate(language)
    if language:
        request.LANGUAGE_CODE = language


def speak_for(request, organization, *, client_id=None) -> None:
    """A public page of `organization` opened by a link (an intake form, a payment link): in
    the signed-in person's own language, else the client's the link was sent to, else the
    business's default."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and supported(getattr(user, "language", None)):
        return
    language = recipient_language(organization=organization, client_id=client_id)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class LanguageMiddleware:
    """After authentication and the tenant: the person's, else the business's language. A public
    page of one business (`/book/<org_slug>/...`) speaks that business's language to strangers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_for_request(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org_slug")
        user = getattr(request, "user", None)
        if not slug or (user is not None and user.is_authenticated and supported(getattr(user, "language", ""))):
            return None
        if getattr(request, "_mecto_hosted", None) is not None:
            return None  # on its own host name the business's language is already on (and the slug is its own)
        from django.apps import apps

        # The platform names the model by label: it imports no app.
        organization = apps.get_model("accounts", "Organization").objects.filter(slug=slug).only("language").first()
        if organization is not None:
            activate_for_request(request, organization)
        return None


@register()
def translations_compiled(app_configs, **kwargs):
    """A language without its compiled catalogue would show its pages in English."""
    from pathlib import Path

    missing = [
        code
        for code, _name in settings.LANGUAGES
        if code != "en"
        and not any((Path(path) / code / "LC_MESSAGES" / "django.mo").exists() for path in settings.LOCALE_PATHS)
    ]
    return [
        Warning(
            f"The {code!r} translations are not compiled: its pages would be in English.",
            hint="Run `make messages` (python3 scripts/compile_messages.py) as part of the build.",
            id="mecto.W201",
        )
        for code in missing
    ]
