from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from . import onboarding

        onboarding.register()
        from accounts.services import InvitationKind, register_invitation_kind, register_org_initializer
        from mecto import language, nav, support, tenancy
        from mecto.celery import add_periodic_task
        from mecto.dashboard import register_card, register_portal_card

        from . import handlers, selectors, services
        from .models import PortalInvitation

        tenancy.register_client_resolver(selectors.portal_clients)
        language.register_client_language(selectors.client_language)
        register_invitation_kind(
            InvitationKind(
                model=PortalInvitation,
                join=services.join_portal,
                intro_template="clients/_portal_invitation_intro.html",
                next_url_name="portal:home",
            )
        )

        nav.register(nav.NavItem("clients", _("Clients"), "clients:list", capability="clients.view", order=10))
        nav.register(
            nav.NavItem(
                "inbox",
                _("Inbox"),
                "clients:inbox",
                capability="clients.view",
                order=11,
                badge=_inbox_badge,
                badge_label=_("unread"),
            )
        )
        nav.register(
            nav.NavItem(
                "portal_groups", _("Groups"), "clients:portal_groups", audience="client", order=21, feature="messages"
            )
        )
        nav.register(
            nav.NavItem(
                "portal_messages",
                _("Messages"),
                "clients:portal_messages",
                audience="client",
                order=20,
                feature="messages",
            )
        )
        nav.register(
            nav.NavItem(
                "portal_progress",
                _("Progress"),
                "clients:portal_progress",
                audience="client",
                order=15,
                feature="progress",
            )
        )
        add_periodic_task("clients-unread-message-emails", "clients.send_unread_message_emails", 60.0)
        add_periodic_task("clients-sweep-checkins", "clients.sweep_checkins", 300.0)
        nav.register(
            nav.NavItem("checkins", _("Check-ins"), "clients:checkin_queue", capability="clients.view", order=12)
        )
        nav.register(
            nav.NavItem(
                "portal_checkins",
                _("Check-ins"),
                "clients:portal_checkins",
                audience="client",
                order=14,
                feature="checkins",
            )
        )
        nav.register(nav.NavItem("portal_waivers", _("Waivers"), "clients:portal_waivers", audience="client", order=90))
        register_org_initializer(_start_organization)
        from . import dashboard
        from . import support as client_support

        support.register_client_section(client_support.profile_section)
        support.register_client_section(client_support.consent_section)

        register_card(dashboard.clients_card)
        register_card(dashboard.messages_card)
        register_portal_card(dashboard.portal_messages_card, feature="messages")
        register_card(dashboard.checkins_card)
        from mecto import portal_home

        from . import home

        portal_home.register("checkins", feature="checkins", today=home.checkins_today, history=home.checkins_history)
        portal_home.register("health", feature="progress", week=home.health_week)
        del handlers  # imported for its event handlers
        from mecto import privacy as data_rights

        from . import privacy as clients_privacy

        # Runs last: it removes the client row itself (the other apps' rows hang from it).
        data_rights.register(
            "clients", exporter=clients_privacy.export_client, eraser=clients_privacy.erase_client, order=1000
        )
        nav.register(nav.NavItem("portal_data", _("Your data"), "clients:portal_data", audience="client", order=95))
        add_periodic_task("clients-expire-data-exports", "clients.expire_data_exports", 3600.0)
        add_periodic_task("clients-run-due-erasures", "clients.run_due_erasures", 3600.0)


def _inbox_badge(request) -> int:
    """Unread messages in the member's scope, for the top bar: one query, once per request."""
    if not hasattr(request, "_inbox_unread"):
        from mecto.roles import MINE, VIEW_ALL, default_client_scope

        from .selectors_inbox import unread_count

        tenant = request.tenant
        # The member's own default scope, whatever page (and `?scope=`) they are on.
        mine = not tenant.can(VIEW_ALL) or default_client_scope(tenant.role) == MINE
        request._inbox_unread = unread_count(
            organization=tenant.organization, user=request.user, coach_id=request.user.pk if mine else None
        )
    return request._inbox_unread


def _start_organization(organization) -> None:
    """What every new business starts with."""
    from .services import ensure_builtin_metrics, ensure_default_intake_form

    ensure_default_intake_form(organization=organization)
    ensure_builtin_metrics(organization=organization)
