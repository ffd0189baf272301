"""Group threads in pages: the coach's groups (create, members, moderation) and the
client's groups in the portal (read, post, react). A client who is not a member gets 404."""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin
from mecto.scope import client_scope

from .. import selectors_inbox, services
from ..forms import GroupForm, GroupPostForm
from ..models import Client, GroupMember, GroupPost

POSTS_PAGE = 50


def _posts(group, user, include_removed=False) -> list[dict]:
    rows = list(selectors_inbox.group_posts(group=group, include_removed=include_removed)[:POSTS_PAGE])
    rows.reverse()
    return [{"post": p, "reactions": selectors_inbox.reaction_summary(p, user)} for p in rows]


def _react(request, group, post_id) -> None:
    post = GroupPost.objects.filter(group=group, pk=post_id if str(post_id).isdigit() else 0).first()
    if post is None:
        raise Http404
    kind = request.POST.get("kind", "")
    mine = post.reactions.filter(user=request.user, kind=kind).exists()
    if mine:
        services.remove_reaction(post=post, user=request.user, kind=kind)
    else:
        services.add_reaction(post=post, user=request.user, kind=kind)


def _business_clients(request):
    clients = client_scope(request).filter(Client.objects.for_org(request.tenant.organization), "coach")
    return list(clients.exclude(status=Client.Status.FORMER).order_by("first_name", "last_name", "id")[:500])


@method_decorator(never_cache, name="dispatch")
class GroupListView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def respond(self, form, status=200):
        request = self.request
        groups = selectors_inbox.groups_for(organization=request.tenant.organization)
        return render(
            request,
            "clients/inbox_groups.html",
            {
                "groups": groups,
                "form": form,
                "scope": client_scope(request),
                "can_send": request.tenant.can("messages.send"),
            },
            status=status,
        )

    def form(self, data=None):
        form = GroupForm(data)
        form.set_clients(_business_clients(self.request))
        return form

    def get(self, request):
        return self.respond(self.form())

    def post(self, request):
        if not request.tenant.can("messages.send"):
            raise Http404
        form = self.form(request.POST)
        if form.is_valid():
            try:
                group = services.create_group(
                    organization=request.tenant.organization,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    clients=form.chosen_clients(),
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                flash.success(request, _("Group created."))
                return redirect("clients:inbox_group", pk=group.pk)
        return self.respond(form, status=400)


@method_decorator(never_cache, name="dispatch")
class GroupDetailView(MemberRequiredMixin, View):
    """A group for its coaches: posts (removed ones marked), members, moderation."""

    required_capability = "clients.view"

    def get_group(self, pk):
        group = selectors_inbox.groups_for(organization=self.request.tenant.organization).filter(pk=pk).first()
        if group is None:
            raise Http404
        return group

    def respond(self, group, post_form=None, status=200):
        request = self.request
        members = list(selectors_inbox.group_members(group=group))
        present = {m.client_id for m in members}
        return render(
            request,
            "clients/inbox_group.html",
            {
                "group": group,
                "posts": _posts(group, request.user, include_removed=True),
                "members": members,
                "addable": [c for c in _business_clients(request) if c.pk not in present],
                "post_form": post_form or GroupPostForm(),
                "can_send": request.tenant.can("messages.send"),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.respond(self.get_group(pk))

    def post(self, request, pk):
        if not request.tenant.can("messages.send"):
            raise Http404
        group = self.get_group(pk)
        action = request.POST.get("action", "post")
        try:
            if action == "post":
                form = GroupPostForm(request.POST)
                if not form.is_valid():
                    return self.respond(group, post_form=form, status=400)
                services.post_to_group(group=group, author=request.user, body=form.cleaned_data["body"])
            elif action == "remove_post":
                post = group.posts.filter(pk=_int(request.POST.get("post"))).first()
                if post is None:
                    raise Http404
                services.remove_group_post(post=post, actor=request.user)
                flash.success(request, _("Post removed."))
            elif action in ("mute", "unmute", "remove_member"):
                member = GroupMember.objects.filter(group=group, pk=_int(request.POST.get("member"))).first()
                if member is None:
                    raise Http404
                if action == "remove_member":
                    services.remove_group_member(group=group, client=member.client, actor=request.user)
                else:
                    services.set_member_muted(member=member, muted=action == "mute", actor=request.user)
            elif action == "add_members":
                ids = {_int(i) for i in request.POST.getlist("clients")}
                chosen = [c for c in _business_clients(request) if c.pk in ids]
                services.add_group_members(group=group, clients=chosen, actor=request.user)
            elif action == "react":
                _react(request, group, request.POST.get("post"))
            elif action == "settings":
                services.update_group(
                    group=group,
                    actor=request.user,
                    name=request.POST.get("name", ""),
                    description=request.POST.get("description", ""),
                    is_archived=request.POST.get("is_archived") == "on",
                )
            else:
                raise Http404
        except DomainError as exc:
            flash.error(request, exc.message)
        return HttpResponseRedirect(request.path)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 19 else 0


# --- The client's portal ----------------------------------------------------------------------------
@method_decorator(never_cache, name="dispatch")
class PortalGroupListView(ClientRequiredMixin, View):
    feature = "messages"

    def get(self, request):
        client = request.tenant.client
        groups = selectors_inbox.groups_for(organization=client.organization, client=client)
        return render(request, "clients/portal_groups.html", {"groups": groups})


@method_decorator(never_cache, name="dispatch")
class PortalGroupView(ClientRequiredMixin, View):
    """One of the client's groups: only for its members."""

    feature = "messages"

    def get_membership(self, public_id) -> GroupMember:
        client = self.request.tenant.client
        try:
            public_id = uuid.UUID(str(public_id))
        except ValueError:
            raise Http404
        member = (
            GroupMember.objects.for_org(client.organization)
            .filter(client=client, group__public_id=public_id)
            .select_related("group")
            .first()
        )
        if member is None:
            raise Http404
        return member

    def respond(self, member, form=None, status=200):
        request = self.request
        return render(
            request,
            "clients/portal_group.html",
            {
                "group": member.group,
                "member": member,
                "posts": _posts(member.group, request.user),
                "post_form": form or GroupPostForm(),
            },
            status=status,
        )

    def get(self, request, public_id):
        return self.respond(self.get_membership(public_id))

    def post(self, request, public_id):
        member = self.get_membership(public_id)
        group = member.group
        try:
            if request.POST.get("action") == "react":
                _react(request, group, request.POST.get("post"))
            else:
                form = GroupPostForm(request.POST)
                if not form.is_valid():
                    return self.respond(member, form=form, status=400)
                services.post_to_group(group=group, author=request.user, body=form.cleaned_data["body"])
        except DomainError as exc:
            flash.error(request, exc.message)
        return HttpResponseRedirect(request.path)
