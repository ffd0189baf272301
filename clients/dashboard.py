"""Dashboard cards of the clients app: who is waiting for an answer, and what to do first."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mecto.dashboard import Card


def clients_card(request, scope):
    tenant = request.tenant
    if not tenant.can("clients.view"):
        return None
    from .models import Client

    org = tenant.organization
    clients = Client.objects.for_org(org)
    if scope.coach_id:
        clients = clients.filter(coach_id=scope.coach_id)
    counts = dict.fromkeys(Client.Status.values, 0)
    for row in clients.values("status").order_by().annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    list_url = reverse("clients:list") + f"?scope={scope.value}"
    if total == 0 and scope.is_mine and scope.can_see_all and Client.objects.for_org(org).exists():
        return Card(
            title=_("My clients"),
            body=_("No client has you as their coach yet. The business's other clients are under “Whole business”."),
            url=reverse("clients:list") + "?scope=all",
            action=_("See all clients"),
            order=10,
        )
    if total == 0:
        return Card(
            title=_("Clients"),
            body=_("Add your first client, import a spreadsheet or share your intake form link."),
            url=reverse("clients:list"),
            action=_("Add clients"),
            order=10,
        )
    return Card(
        title=_("My clients") if scope.is_mine else _("Clients"),
        value=str(counts["active"] + counts["trial"]),
        body=ngettext("%(n)d lead to follow up", "%(n)d leads to follow up", counts["lead"]) % {"n": counts["lead"]},
        url=list_url,
        action=_("See clients"),
        order=10,
    )


def messages_card(request, scope):
    tenant = request.tenant
    if not tenant.can("clients.view"):
        return None
    from . import selectors

    threads = selectors.threads_for(organization=tenant.organization, user=request.user, coach_id=scope.coach_id)
    waiting = [t for t in threads[:50] if t.unread_count]
    if not waiting:
        return None
    return Card(
        title=_("Unread messages"),
        value=str(sum(t.unread_count for t in waiting)),
        rows=[
            ngettext("%(name)s: %(n)d unread", "%(name)s: %(n)d unread", t.unread_count)
            % {"name": t.client.full_name, "n": t.unread_count}
            for t in waiting[:5]
        ],
        url=reverse("clients:messages", args=[waiting[0].client_id]) + f"?thread={waiting[0].public_id}",
        action=_("Reply"),
        order=5,
    )


def portal_messages_card(request):
    """The client's unread messages from their coach."""
    from . import selectors

    client = request.tenant.client
    unread = selectors.unread_total(organization=client.organization, user=request.user, client=client)
    return Card(
        title=_("Messages"),
        value=str(unread) if unread else "",
        body=ngettext("%(n)d unread message", "%(n)d unread messages", unread) % {"n": unread}
        if unread
        else _("No unread messages. Write to your coach whenever you have a question."),
        url=reverse("clients:portal_messages"),
        action=_("Read messages") if unread else _("Message your coach"),
        order=30,
    )


def checkins_card(request, scope):
    """Check-ins waiting for review, the longest-waiting first."""
    tenant = request.tenant
    if not tenant.can("clients.view"):
        return None
    from . import selectors

    queue = selectors.checkin_review_queue(organization=tenant.organization, coach_id=scope.coach_id)
    waiting = list(queue[:5])
    if not waiting:
        return None
    total = queue.count() if len(waiting) == 5 else len(waiting)
    return Card(
        title=_("Check-ins to review"),
        value=str(total),
        rows=[f"{c.client.full_name} · {c.form.name}" for c in waiting],
        url=reverse("clients:checkin_queue") + f"?scope={scope.value}",
        action=_("Review check-ins"),
        order=6,
    )
