"""What the coach's pages and the client's portal pages share: the conversation of the
Messages pages (coach tab and portal page) and how progress is drawn and listed."""

from datetime import date

from django.contrib import messages as flash
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.localization import format_date, format_number

from .. import selectors, services
from ..forms import MessageForm, ThreadForm
from ..models import ProgressEntry
from ..units import display_unit, to_display

PAGE = 50


# --- Messages ----------------------------------------------------------------------------------------
class ConversationMixin:
    """Shared by both sides: pick the thread, render the conversation, send a message."""

    template_name = ""
    partial_name = "clients/_messages.html"
    is_portal = False

    def threads(self, request, client):
        return list(selectors.threads_for(organization=client.organization, user=request.user, client=client))

    def current_thread(self, request, threads):
        """The conversation named by its public id (`?thread=`), else the most recent one."""
        wanted = request.GET.get("thread") or request.POST.get("thread")
        for thread in threads:
            if str(thread.public_id) == str(wanted):
                return thread
        return threads[0] if threads else None

    def conversation(self, request, thread) -> dict:
        if thread is None:
            return {"thread": None, "thread_messages": []}
        services.mark_thread_read(thread=thread, user=request.user)
        rows = list(selectors.thread_messages(thread=thread).order_by("-created_at", "-id")[:PAGE])
        rows.reverse()
        return {"thread": thread, "thread_messages": rows, "me": request.user}

    def respond(self, request, client, extra=None, status=200):
        threads = self.threads(request, client)
        thread = self.current_thread(request, threads)
        context = {
            "client": client,
            "threads": threads,
            "message_form": MessageForm(),
            "thread_form": ThreadForm(prefix="thread"),
            "portal": self.is_portal,
        }
        context.update(self.conversation(request, thread))
        context.update(extra or {})
        if request.htmx and request.htmx.target == "conversation":
            return render(request, self.partial_name, context, status=status)
        context.update(self.page_context(request, client))
        return render(request, self.template_name, context, status=status)

    def page_context(self, request, client) -> dict:
        return {}

    def send(self, request, client):
        threads = self.threads(request, client)
        thread = self.current_thread(request, threads)
        form = MessageForm(request.POST, request.FILES)
        error = None
        if form.is_valid():
            try:
                if thread is None:
                    thread = services.start_thread(client=client, actor=request.user)
                services.send_message(
                    thread=thread,
                    sender=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                    video=form.cleaned_data.get("video"),
                    poster=form.cleaned_data.get("poster"),
                )
            except DomainError as exc:
                error = exc.message
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
        if request.htmx:
            request.GET = request.GET.copy()
            request.GET["thread"] = str(thread.public_id) if thread else ""
            return self.respond(request, client, {"send_error": error}, status=400 if error else 200)
        if error:
            flash.error(request, error)
        return HttpResponseRedirect(f"{request.path}?thread={thread.public_id}" if thread else request.path)

    def start(self, request, client):
        form = ThreadForm(request.POST, prefix="thread")
        if form.is_valid():
            try:
                thread = services.start_thread(client=client, subject=form.cleaned_data["subject"], actor=request.user)
                if form.cleaned_data["body"]:
                    services.send_message(thread=thread, sender=request.user, body=form.cleaned_data["body"])
            except DomainError as exc:
                flash.error(request, exc.message)
                return redirect(request.path)
            return HttpResponseRedirect(f"{request.path}?thread={thread.public_id}")
        flash.error(request, _("Give the conversation a subject."))
        return redirect(request.path)


# --- Progress ----------------------------------------------------------------------------------------
def chart_data(charts: list[dict]) -> list[dict]:
    """What progress-charts.js draws: one series per metric, with its target; the axis
    reads dates in the locale's short format ("1 Dec 2026"), not ISO."""
    return [
        {
            **{k: c[k] for k in ("key", "name", "unit", "kind", "target", "values")},
            "labels": [format_date(date.fromisoformat(day), "SHORT_DATE_FORMAT") for day in c["labels"]],
            "target_label": _("Target"),
        }
        for c in charts
    ]


def entry_text(entry: ProgressEntry, unit_system: str) -> str:
    """One logged value as the client reads it: in their units, yes/no, or n/10."""
    metric = entry.metric
    if metric.kind == "yes_no":
        return _("Yes") if entry.value else _("No")
    value = format_number(to_display(metric, entry.value, unit_system))
    unit = display_unit(metric, unit_system)
    return f"{value} {unit}".strip() if metric.kind != "scale" else f"{value}/10"


def log_progress_from(form, *, client, actor, source: str = "") -> bool:
    """Save a valid progress form (coach page or portal) through the service; on a refusal
    the errors go beside their metric or field and nothing is saved."""
    values = {field.metric: form.cleaned_data[name] for name, field in form.fields.items() if hasattr(field, "metric")}
    try:
        services.log_progress(
            client=client,
            values=values,
            recorded_on=form.cleaned_data["recorded_on"],
            note=form.cleaned_data["note"],
            actor=actor,
            **({"source": source} if source else {}),
        )
    except services.ProgressValuesError as exc:
        for key, message in exc.errors.items():
            form.add_error(f"m_{key}" if f"m_{key}" in form.fields else None, message)
        return False
    except DomainError as exc:
        apply_domain_error(form, exc)
        return False
    return True
