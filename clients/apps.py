from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from mecto import nav

        nav.register(nav.NavItem("clients", _("Clients"), "clients:list", capability="clients.view", order=10))
