"""Progress photos on the coach side: upload from the client page, delete, before/after; and
the permission-checked photo file that both the coaches and the client themself open."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from mecto.errors import DomainError
from mecto.permissions import MemberRequiredMixin

from .. import selectors, services
from ..forms import PhotoForm
from ..models import ProgressPhoto
from .records import ClientTabMixin, get_client


def photo_file_response(photo: ProgressPhoto, variant: str):
    """The file itself: streamed from storage, or a short-lived signed URL on S3."""
    field = photo.thumbnail if variant == "thumb" else photo.image
    storage = field.storage
    if getattr(storage, "querystring_auth", False):
        return HttpResponseRedirect(storage.url(field.name))  # expires after AWS_QUERYSTRING_EXPIRE seconds
    try:
        handle = storage.open(field.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@method_decorator(never_cache, name="dispatch")
class PhotoFileView(View):
    """/photos/<uuid>/<full|thumb>/: the client themself or their business's coaches; 404 for anyone else."""

    def get(self, request, public_id, variant):
        if variant not in ("full", "thumb") or not request.user.is_authenticated:
            raise Http404
        tenant = request.tenant
        photo = ProgressPhoto.objects.filter(public_id=public_id).select_related("client").first()
        if photo is None:
            raise Http404
        allowed = (
            tenant.is_member and tenant.can("clients.view") and photo.organization_id == tenant.organization.pk
        ) or (tenant.is_client and photo.client_id == tenant.client.pk)
        if not allowed:
            raise Http404
        return photo_file_response(photo, variant)


class ClientPhotoUploadView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_client(request, pk)
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.upload_photo(
                    client=client,
                    actor=request.user,
                    file=form.cleaned_data["image"],
                    **{k: form.cleaned_data[k] for k in ("taken_on", "pose", "note")},
                )
                messages.success(request, _("Photo added."))
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("clients:progress", pk=client.pk)


class ClientPhotoDeleteView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk, photo_pk):
        client = get_client(request, pk)
        photo = get_object_or_404(
            ProgressPhoto.objects.for_org(request.tenant.organization), pk=photo_pk, client=client
        )
        services.delete_photo(photo=photo, actor=request.user)
        messages.success(request, _("Photo deleted."))
        return redirect("clients:progress", pk=client.pk)


class PhotoCompareView(ClientTabMixin, View):
    """Before and after, side by side: same pose, two dates (first and latest by default)."""

    tab = "progress"

    def get(self, request, pk):
        client = get_client(request, pk)
        context = self.tab_context(request, client)
        context.update(
            selectors.photo_comparison(
                client=client,
                pose=request.GET.get("pose"),
                before=request.GET.get("before", ""),
                after=request.GET.get("after", ""),
            )
        )
        return render(request, "clients/photo_compare.html", context)
