from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        from . import onboarding

        onboarding.register()
        from mecto import crypto, nav, tenancy

        from . import selectors
        from .mfa import rotate_mfa_secrets

        tenancy.register_member_resolver(selectors.active_memberships)
        crypto.register_rotation(rotate_mfa_secrets)

        nav.register(nav.NavItem("dashboard", _("Dashboard"), "dashboard", order=0))
        nav.register(nav.NavItem("team", _("Team"), "accounts:team", capability="members.manage", order=900))
        nav.register(
            nav.NavItem("org_settings", _("Settings"), "accounts:org_settings", capability="org.manage", order=910)
        )
        nav.register(nav.NavItem("portal_home", _("Home"), "portal:home", audience="client", order=0))
