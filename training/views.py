"""Pages of the training app for coaches."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from .models import Exercise, ExerciseOverride


class ExerciseClipView(View):
    """An uploaded exercise clip, served only to the business that uploaded it (its members and
    clients)."""

    def get(self, request, pk):
        if not request.user.is_authenticated or request.tenant.organization is None:
            raise Http404
        org = request.tenant.organization
        exercise = get_object_or_404(Exercise.objects.for_org(org), pk=pk)
        override = ExerciseOverride.objects.for_org(org).filter(exercise=exercise).first()
        if override is None or not override.video_file:
            raise Http404
        response = FileResponse(override.video_file.open("rb"))
        response["Cache-Control"] = "private, max-age=300"
        return response
