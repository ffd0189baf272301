from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from accounts.services import register_org_initializer
        from mecto import nav

        from . import services

        nav.register(nav.NavItem("clients", _("Clients"), "clients:list", capability="clients.view", order=10))
        register_org_initializer(_start_organization)
        del services  # imported for its event type declarations


def _start_organization(organization) -> None:
    """What every new business starts with."""
    from .services import ensure_builtin_metrics, ensure_default_intake_form

    ensure_default_intake_form(organization=organization)
    ensure_builtin_metrics(organization=organization)
