from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        """`?next=` redirects only to our own host."""
        allowed = {host for host in settings.ALLOWED_HOSTS if host not in ("*",)}
        return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed, require_https=False)

    def get_login_redirect_url(self, request):
        return reverse("dashboard")

    def send_mail(self, template_prefix, email, context):
        context = {**context, "brand_name": "Mecto"}
        return super().send_mail(template_prefix, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google / Microsoft sign-in; people without a business are asked to create one."""
