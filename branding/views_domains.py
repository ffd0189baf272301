"""Settings → Custom domains (owners), and the TLS proxy's question "may I get a certificate
for this host?" (`/_domains/check?domain=`)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mecto import domains as platform_domains
from mecto.errors import DomainError
from mecto.permissions import MemberRequiredMixin

from . import domains as services
from .models import CustomDomain

CAPABILITY = "org.manage"  # owners


class DomainsView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    def context(self, request, **extra):
        rows = list(services.domains_of(request.tenant.organization))
        return {
            "domains": [
                {"domain": d, "records": services.dns_records(d), "is_apex": services.is_apex(d)} for d in rows
            ],
            "max_domains": services.MAX_DOMAINS,
            "can_add": len(rows) < services.MAX_DOMAINS,
            "cname_target": services.cname_target(),
            **extra,
        }

    def get(self, request):
        return render(request, "branding/domains.html", self.context(request))

    def post(self, request):
        hostname = request.POST.get("hostname", "")
        try:
            domain = services.add_domain(
                organization=request.tenant.organization, hostname=hostname, actor=request.user
            )
        except DomainError as exc:
            context = self.context(request, error=exc.message, hostname=hostname)
            return render(request, "branding/domains.html", context, status=400)
        messages.success(
            request, _("%(host)s added: create the two DNS records below, then check.") % {"host": domain.hostname}
        )
        return redirect("domains:settings")


class DomainActionView(MemberRequiredMixin, View):
    """Check now, make primary, remove (with a confirmation page)."""

    required_capability = CAPABILITY

    def domain(self, request, pk) -> CustomDomain:
        return get_object_or_404(CustomDomain.objects.for_org(request.tenant.organization), pk=pk)

    def get(self, request, pk, action):
        if action != "remove":
            return redirect("domains:settings")
        return render(request, "branding/domains_remove.html", {"domain": self.domain(request, pk)})

    def post(self, request, pk, action):
        domain = self.domain(request, pk)
        try:
            if action == "check":
                domain = services.check_domain(domain=domain, actor=request.user)
                if domain.verified_at:
                    messages.success(request, _("%(host)s is verified.") % {"host": domain.hostname})
                else:
                    messages.warning(request, domain.check_error or _("Not verified yet."))
            elif action == "primary":
                services.make_primary(domain=domain, actor=request.user)
                messages.success(request, _("Links in emails now use %(host)s.") % {"host": domain.hostname})
            elif action == "remove":
                services.remove_domain(domain=domain, actor=request.user)
                messages.success(
                    request, _("%(host)s removed: it no longer serves your pages.") % {"host": domain.hostname}
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("domains:settings")


@never_cache
@require_GET
def tls_check(request):
    """200 for a verified custom domain, 404 for anything else (Caddy's `on_demand_tls { ask }`)."""
    host = (request.GET.get("domain") or "").strip().lower().rstrip(".")
    if host and len(host) <= 253 and platform_domains.hosted(host) is not None:
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponse("unknown domain", status=404, content_type="text/plain")
