from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    name = "branding"
    verbose_name = _("Brand")

    def ready(self):
        from . import onboarding

        onboarding.register()
        from mecto import branding as platform_branding
        from mecto import nav

        from . import selectors, services  # noqa: F401  (services registers the brand.updated event)

        # The platform's pages, emails and PDFs ask mecto.branding; this app answers.
        platform_branding.register_provider(selectors.brand_of)
        nav.register(nav.NavItem("brand", _("Brand"), "branding:settings", capability="org.manage", order=905))
        import_module("branding.domains").connect()  # custom domains: host table, re-check task, settings page
