"""Form-check videos: the clip (with byte ranges, for seeking) and its poster frame, for the
client themself and their business's coaches only; and the coach's reply about a video."""

from django.contrib import messages as flash
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from mecto.errors import DomainError
from mecto.permissions import MemberRequiredMixin
from mecto.videos import ranged_file_response

from .. import services
from ..models import FormCheckVideo
from .photos import photo_file_response
from .records import get_client

PLACEHOLDER_POSTER = "clients/video-poster.svg"


def visible_video(request, public_id) -> FormCheckVideo:
    """The video for the client it belongs to or a coach of its business; 404 for anyone else."""
    if not request.user.is_authenticated:
        raise Http404
    tenant = request.tenant
    video = FormCheckVideo.objects.filter(public_id=public_id).first()
    if video is None or not (
        (tenant.is_member and tenant.can("clients.view") and video.organization_id == tenant.organization.pk)
        or (tenant.is_client and video.client_id == tenant.client.pk)
    ):
        raise Http404
    return video


def video_file_response(request, video: FormCheckVideo):
    return ranged_file_response(request, video.file, content_type=video.content_type)


def video_poster_response(video: FormCheckVideo):
    """The poster frame the browser drew, or the neutral placeholder when none came."""
    if not video.poster:
        return HttpResponseRedirect(static(PLACEHOLDER_POSTER))
    return photo_file_response(_PosterAsPhoto(video), "full")


class _PosterAsPhoto:
    """Lets the photo file response serve a poster (a JPEG stored privately, like photos)."""

    def __init__(self, video):
        self.image = self.thumbnail = video.poster


@method_decorator(never_cache, name="dispatch")
class VideoFileView(View):
    """/videos/<uuid>/: the clip, 200 or 206 for a byte range."""

    def get(self, request, public_id):
        return video_file_response(request, visible_video(request, public_id))


@method_decorator(never_cache, name="dispatch")
class VideoPosterView(View):
    def get(self, request, public_id):
        return video_poster_response(visible_video(request, public_id))


class VideoReplyView(MemberRequiredMixin, View):
    """The coach answers a form-check video: a message in the client's conversation."""

    required_capability = "messages.send"

    def post(self, request, pk, public_id):
        client = get_client(request, pk)
        video = get_object_or_404(
            FormCheckVideo.objects.for_org(request.tenant.organization), public_id=public_id, client=client
        )
        try:
            message = services.reply_to_video(
                video=video,
                coach=request.user,
                body=request.POST.get("body", ""),
                subject=request.POST.get("subject", ""),
            )
        except DomainError as exc:
            flash.error(request, exc.message)
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(back)
            return HttpResponseRedirect(reverse("clients:messages", args=[client.pk]))
        flash.success(request, _("Reply sent."))
        return HttpResponseRedirect(
            f"{reverse('clients:messages', args=[client.pk])}?thread={message.thread.public_id}"
        )
