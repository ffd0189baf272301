import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from mecto import comms
from mecto.branding import brand_for
from mecto.tenancy import home_organization

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        """`?next=` redirects only to our own host."""
        allowed = {host for host in settings.ALLOWED_HOSTS if host not in ("*",)}
        return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed, require_https=False)

    def get_login_redirect_url(self, request):
        return reverse("dashboard")

    def format_email_subject(self, subject):
        """Subjects are plain: the brand signs the message instead of a "[site]" prefix."""
        return subject.strip()

    def send_mail(self, template_prefix, email, context):
        """Sign-in emails (confirmation, password reset, codes) go through the sending
        mechanism like every other message: a row in the log, consent-checked, sent once.

        They wear the brand of the person's home business (its name, HTML frame, From name and
        Reply-To), but the row belongs to no business: its coaches never see a client's
        reset link in their message log."""
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        organization = home_organization(user)
        brand = brand_for(organization)
        context = {
            **context,
            "brand_name": brand.name,
            "brand": brand,
            "recipient": user,
            "site_url": settings.SITE_URL,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        if not html:
            html = render_to_string("account/email/branded_message.html", {**context, "body": message.body})
        comms.queue_email(
            organization=None,
            brand=brand,
            to=email,
            topic="account",
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            subject=message.subject,
            text=message.body,
            html=html,
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google / Microsoft sign-in; people without a business are asked to create one."""
