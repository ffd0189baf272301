"""Coach tasks over the API: list (mine or all, open or done), create, edit, complete, reopen, delete."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgModelSerializer, OrgViewSet

from .. import tasks_service
from ..models import CoachTask

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class TeamMemberField(serializers.PrimaryKeyRelatedField):
    """A user on this business's team; anyone else is a 400."""

    def get_queryset(self):
        tenant = getattr(self.context.get("request"), "tenant", None)
        organization = tenant.organization if tenant else None
        return get_user_model().objects.filter(memberships__organization=organization).distinct()


class CoachTaskSerializer(OrgModelSerializer):
    assignee = TeamMemberField(required=False, allow_null=True, help_text=_("A member of the team"))
    client_name = serializers.SerializerMethodField(help_text=_("The client the task is about, if any"))
    is_done = serializers.SerializerMethodField()

    class Meta:
        model = CoachTask
        fields = [
            "id",
            "title",
            "detail",
            "client",
            "client_name",
            "assignee",
            "due_at",
            "source",
            "is_done",
            "completed_at",
            "created_at",
        ]
        read_only_fields = ["source", "completed_at", "created_at"]

    def get_client_name(self, task) -> str:
        return task.client.full_name if task.client_id else ""

    def get_is_done(self, task) -> bool:
        return task.completed_at is not None


@extend_schema_view(
    list=extend_schema(
        summary="Coach tasks, soonest due first",
        parameters=[
            OpenApiParameter("mine", bool, description="`true`: only tasks assigned to me."),
            OpenApiParameter("done", bool, description="`true`: done tasks instead of open ones."),
            OpenApiParameter("client", int, description="Only tasks about this client."),
        ],
    ),
    create=extend_schema(summary="Add a task", responses={201: CoachTaskSerializer, **ERRORS}),
    update=extend_schema(summary="Change a task", responses={200: CoachTaskSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a task", responses={200: CoachTaskSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a task", responses={204: None, **ERRORS}),
)
class CoachTaskViewSet(OrgViewSet):
    queryset = CoachTask.objects.all()
    serializer_class = CoachTaskSerializer

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset().select_related("client", "assignee")
        params = self.request.query_params
        client_id = params.get("client", "")
        rows = tasks_service.open_tasks(
            organization=self.organization,
            assignee=self.request.user if params.get("mine", "").lower() in ("true", "1") else None,
            done=params.get("done", "").lower() in ("true", "1"),
        )
        if client_id:
            rows = rows.filter(client_id=client_id) if client_id.isdigit() and len(client_id) < 18 else rows.none()
        return rows

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = tasks_service.add_task(
            self.organization, title=data.pop("title"), actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        serializer.instance = tasks_service.update_task(
            task=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        tasks_service.delete_task(task=instance, actor=self.request.user)

    @extend_schema(summary="Mark a task done", request=None, responses={200: CoachTaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = tasks_service.complete_task(task=self.get_object(), actor=request.user)
        return Response(self.get_serializer(task).data)

    @extend_schema(summary="Reopen a done task", request=None, responses={200: CoachTaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        task = tasks_service.reopen_task(task=self.get_object(), actor=request.user)
        return Response(self.get_serializer(task).data)
