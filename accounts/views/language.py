"""The language switcher on the account page (and for a visitor, the language of this browser)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mecto.language import activate_for_request

from .. import services
from ..forms import LanguageForm


@require_POST
def set_language(request):
    """Save the person's language (empty: their business's default) and come back to the page."""
    form = LanguageForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("account_email") if request.user.is_authenticated else "/"
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return redirect(back)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        request.user = services.update_profile(user=request.user, language=language)
    activate_for_request(request)
    if not request.user.is_authenticated and language:
        translation.activate(language)
    messages.success(request, _("Language saved."))
    response = redirect(back)
    # A visitor's choice (and a signed-out page after log-out) is kept in Django's language cookie.
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
