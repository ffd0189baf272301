"""Roles and what each may do; used by pages, the API and navigation alike."""

from django.contrib.auth.mixins import AccessMixin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from mecto.roles import ASSISTANT, COACH, OWNER, ROLE_CAPABILITIES, role_can  # noqa: F401


class IsOrgMember(BasePermission):
    """A coach, owner or assistant of the request's organisation."""

    message = _("This is for members of a business.")

    def has_permission(self, request, view) -> bool:
        return request.tenant.is_member


class IsClient(BasePermission):
    """A client signed in to their portal account."""

    message = _("This is for clients.")

    def has_permission(self, request, view) -> bool:
        return request.tenant.is_client


class HasCapability(BasePermission):
    """The member's role grants the view's `required_capability` (reads) / `write_capability`."""

    message = _("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "required_capability", None)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            needed = getattr(view, "write_capability", None) or needed
        return needed is None or request.tenant.can(needed)


class MemberRequiredMixin(AccessMixin):
    """Pages for members of a business; `required_capability` narrows by role."""

    required_capability: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.tenant.is_member:
            raise Http404
        if self.required_capability and not request.tenant.can(self.required_capability):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ClientRequiredMixin(AccessMixin):
    """Pages of the client portal: only the signed-in client's own records.

    `feature` names the portal section (`mecto.branding.FEATURES`) the page belongs to: when
    the business has switched it off, the page is not there (404) for its clients."""

    feature: str | None = None

    def dispatch(self, request, *args, **kwargs):
        from mecto.page_brand import shows

        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.tenant.is_client:
            raise Http404
        if not shows(request, self.feature):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
