"""Tokens granted through allauth's connect flow are kept by integrations, encrypted."""

from allauth.socialaccount.signals import social_account_added, social_account_updated
from django.dispatch import receiver


@receiver(social_account_added, dispatch_uid="integrations.social_account_added")
@receiver(social_account_updated, dispatch_uid="integrations.social_account_updated")
def keep_connected_account(sender, request, sociallogin, **kwargs):
    from .services import connect_from_social_login

    connect_from_social_login(request=request, sociallogin=sociallogin)
