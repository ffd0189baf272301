from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mecto.health import run_checks


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request):
    """The coach's start page; clients go to their portal, people without a business make one."""
    tenant = request.tenant
    if tenant.is_client:
        return redirect("portal:home")
    if not tenant.is_member:
        return redirect("accounts:create_organization")
    from mecto.dashboard import dashboard_context

    context = dashboard_context(request)
    if tenant.can("org.manage"):
        from mecto.onboarding import checklist

        context["checklist"] = checklist(organization=tenant.organization)
    return render(request, "dashboard.html", context)


@login_required
@require_POST
def onboarding_checklist(request, action: str):
    """Put the setup checklist away, or bring it back (owners: `org.manage`)."""
    from django.core.exceptions import PermissionDenied

    from mecto import onboarding

    tenant = request.tenant
    if not (tenant.is_member and tenant.can("org.manage")):
        raise PermissionDenied
    if action == "dismiss":
        onboarding.dismiss_checklist(organization=tenant.organization, actor=request.user)
    else:
        onboarding.restore_checklist(organization=tenant.organization, actor=request.user)
    return redirect("dashboard")


@never_cache
@require_GET
def healthz(request):
    """Public liveness: which parts are up, without internal detail. 503 if the database is down."""
    checks = run_checks()
    by_name = {c.name: c for c in checks}
    status = 200 if by_name["database"].ok else 503
    return JsonResponse(
        {"status": "ok" if all(c.ok for c in checks) else "degraded", "checks": {c.name: c.ok for c in checks}},
        status=status,
    )


@never_cache
@user_passes_test(lambda u: u.is_active and u.is_superuser)
def ops_status(request):
    """Superusers see every check with its detail and timing."""
    from django.conf import settings

    from mecto.events import pending_events

    return render(
        request,
        "ops/status.html",
        {
            "checks": run_checks(),
            "pending_events": pending_events().count(),
            "broker_url": settings.CELERY_BROKER_URL.split("@")[-1],
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        },
    )
