"""Checking a new password: every path that sets one (sign-up page and app API, invitations,
change, reset, back office) runs all of Django's validators with the person's attributes.

Kept free of allauth's forms: allauth imports `SignupBase` while it defines them.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password


def check_new_password(password: str, *, email: str, full_name: str = "") -> None:
    """Raise `ValidationError` unless `password` passes every validator for an account that
    does not exist yet (so the similarity check compares it with the email and name)."""
    validate_password(password, user=get_user_model()(email=email or "", full_name=full_name or ""))


class SignupBase(forms.Form):
    """The base of every allauth sign-up form (`ACCOUNT_SIGNUP_FORM_CLASS`): the page, the app
    API (headless) and social sign-up. allauth's headless input checks its `password` before
    there is a user, so the similarity check never saw the email; here it does."""

    def clean(self):
        data = super().clean()
        # The page's form names its field password1 and checks it in its own clean().
        password = data.get("password") if "password" in self.fields else None
        if password and not self.has_error("password"):
            try:
                check_new_password(password, email=data.get("email") or "", full_name=data.get("full_name") or "")
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    def signup(self, request, user) -> None:
        """Nothing more to save: each sign-up form saves its own fields."""
