"""Coach-side API under /api/v1/clients/…: clients, their notes, history, consent, tags, intake."""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from mecto.api_base import INT_ID, ErrorSerializer, NestedRouteMixin, OrgGenericViewSet, OrgViewSet
from mecto.comms.models import Consent
from mecto.scope import client_scope

from .. import selectors, services
from ..forms import SORT_LABELS, ClientListForm
from ..models import (
    Client,
    IntakeForm,
    IntakeQuestion,
    IntakeSection,
    IntakeSubmission,
    Note,
    SavedClientView,
    StatusChange,
    Tag,
)
from ..timeline import describe_events
from .serializers import (
    ClientSerializer,
    ConsentRecordSerializer,
    IntakeFormSerializer,
    IntakeQuestionSerializer,
    IntakeRequestSerializer,
    IntakeSectionSerializer,
    IntakeSubmissionSerializer,
    NoteSerializer,
    PortalInvitationSerializer,
    SavedClientViewSerializer,
    SendIntakeSerializer,
    StatusChangeRequestSerializer,
    StatusChangeSerializer,
    TagSerializer,
    TimelineItemSerializer,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ID = INT_ID

CLIENT_LIST_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search name, email and phone"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Client.Status.values),
    OpenApiParameter("coach", OpenApiTypes.STR, description="A coach's user id, or `none`"),
    OpenApiParameter("tag", OpenApiTypes.INT, description="A tag id"),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=[value for value, _label in SORT_LABELS]),
    OpenApiParameter("inactive_days", OpenApiTypes.INT, description="Not active for at least this many days (1–365)"),
    OpenApiParameter(
        "program_ends_within", OpenApiTypes.INT, description="Program ends (or ended) within this many days (0–365)"
    ),
    OpenApiParameter(
        "adherence_below",
        OpenApiTypes.INT,
        description="Did fewer than this percent (1–100) of the last 14 days' workouts",
    ),
    OpenApiParameter("credits_at_most", OpenApiTypes.INT, description="Has at most this many session credits left"),
    OpenApiParameter("unread", OpenApiTypes.BOOL, description="Has messages you have not read"),
    OpenApiParameter("overdue_checkin", OpenApiTypes.BOOL, description="Has an overdue check-in"),
    OpenApiParameter("overdue_invoice", OpenApiTypes.BOOL, description="Has an overdue invoice"),
    OpenApiParameter(
        "scope",
        OpenApiTypes.STR,
        enum=["mine", "all"],
        description="The clients you coach or the whole business (coaches start on `mine`, others on `all`)",
    ),
]


@extend_schema_view(
    list=extend_schema(summary="Clients and leads", parameters=CLIENT_LIST_PARAMETERS),
    retrieve=extend_schema(summary="A client", responses={200: ClientSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a client", responses={201: ClientSerializer, **ERRORS}),
    update=extend_schema(summary="Replace a client's details", responses={200: ClientSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a client's details", responses={200: ClientSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a client and their records", responses={204: None, **ERRORS}),
)
class ClientViewSet(OrgViewSet):
    queryset = Client.objects.all()
    serializer_class = ClientSerializer
    required_capability = "clients.view"
    write_capability = "clients.manage"
    lookup_value_regex = ID
    filter_backends = []  # filtering and sorting are the selector's (the same as the page)

    def get_queryset(self):
        params = self.request.query_params
        scope = client_scope(self.request)
        if not scope.can_see_all:
            coach_id = str(self.request.user.pk)
        elif self.action == "list":
            # The list starts on the role's scope; one client is found whichever scope.
            coach_id = params.get("coach", "") or (str(scope.coach_id) if scope.coach_id else "")
        else:
            coach_id = ""
        if self.action != "list":
            return selectors.client_list(organization=self.organization, coach_id=coach_id).select_related(None)
        data = params.copy()
        if "search" in data and "q" not in data:
            data["q"] = data["search"]
        form = ClientListForm(data)
        if not form.is_valid():
            raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        kwargs = form.selector_kwargs()
        # Without a filter or sort by a figure, the page is found on the plain, indexed query
        # and only its clients' figures are computed (`paginate_queryset`).
        self.figures_after_paging = self.paginator is not None and not selectors.needs_figures_in_query(**kwargs)
        viewer = None if self.figures_after_paging else self.request.user
        return selectors.client_list(
            organization=self.organization, coach_id=coach_id, viewer=viewer, **kwargs
        ).select_related(None)  # the API prints the coach's id only (coach_id, no join)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and getattr(self, "figures_after_paging", False):
            from django.utils import timezone

            from ..list_figures import attach_figures

            page = attach_figures(page, organization=self.organization, now=timezone.now(), user=self.request.user)
        return page

    def perform_create(self, serializer):
        serializer.instance = services.create_client(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_client(
            client=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = selectors.client_detail(organization=self.organization, pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.delete_client(client=instance, actor=self.request.user)

    @extend_schema(
        summary="Invite the client to their portal account",
        request=None,
        responses={201: PortalInvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        client = self.get_object()
        invitation, _token = services.invite_client(client=client, invited_by=request.user)
        return Response(PortalInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move the client along the lifecycle (kept in the history)",
        request=StatusChangeRequestSerializer,
        responses={200: ClientSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        client = self.get_object()
        data = StatusChangeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_status(client=client, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(selectors.client_detail(organization=self.organization, pk=client.pk)).data)

    @extend_schema(
        summary="What happened to the client, newest first",
        responses={200: TimelineItemSerializer(many=True), 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        client = self.get_object()
        items = describe_events(
            selectors.timeline(client=client, limit=100), health=request.tenant.can("clients.health")
        )
        return Response(TimelineItemSerializer(items, many=True).data)

    @extend_schema(
        summary="The client's intake answers by question key (normalised)",
        responses={200: OpenApiTypes.OBJECT, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], url_path="intake-answers")
    def intake_answers(self, request, pk=None):
        client = self.get_object()
        require_health_capability(self, request)
        return Response(selectors.intake_answers(client=client))

    @extend_schema(
        summary="Email the client a link to fill in an intake form",
        request=SendIntakeSerializer,
        responses={201: IntakeRequestSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="send-intake")
    def send_intake(self, request, pk=None):
        client = self.get_object()
        data = SendIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = IntakeForm.objects.for_org(self.organization).filter(pk=data.validated_data["form"]).first()
        if form is None:
            raise services.IntakeError(_("Choose one of your intake forms."), field="form")
        intake_request = services.send_intake_to_client(form=form, client=client, actor=request.user)
        return Response(IntakeRequestSerializer(intake_request).data, status=status.HTTP_201_CREATED)


def require_health_capability(view, request) -> None:
    """Health screening (PAR-Q and intake answers, injuries, clearance) is for roles with
    `clients.health`: a 403 for the others, after the row was found (another business's is a 404)."""
    if not request.tenant.can("clients.health"):
        view.permission_denied(request, message=_("Your role does not include clients' health screening."))


class ClientChildMixin(NestedRouteMixin):
    """Rows under one client: /clients/{client_pk}/…; another business's client gives 404."""

    parent_lookups = {"client_pk": ("client", "clients.Client")}
    lookup_value_regex = ID
    required_capability = "clients.view"
    write_capability = "clients.manage"

    def get_client(self) -> Client:
        return self.get_parent()


@extend_schema_view(
    list=extend_schema(summary="Coach notes about a client"),
    retrieve=extend_schema(summary="A note", responses={200: NoteSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Write a note", responses={201: NoteSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Edit or pin a note", responses={200: NoteSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a note", responses={204: None, **ERRORS}),
)
class NoteViewSet(
    ClientChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Note.objects.select_related("author")
    serializer_class = NoteSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []

    def perform_create(self, serializer):
        serializer.instance = services.add_note(
            client=self.get_client(), author=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_note(
            note=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_note(note=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="A client's lifecycle history"),
    retrieve=extend_schema(summary="One status change", responses={200: StatusChangeSerializer, 404: ErrorSerializer}),
)
class StatusHistoryViewSet(ClientChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = StatusChange.objects.select_related("changed_by")
    serializer_class = StatusChangeSerializer
    filter_backends = []


@extend_schema_view(
    list=extend_schema(summary="A client's marketing consent history (email, SMS)"),
    retrieve=extend_schema(
        summary="One consent record", responses={200: ConsentRecordSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(
        summary="Record consent given or withdrawn", responses={201: ConsentRecordSerializer, **ERRORS}
    ),
)
class ConsentViewSet(
    ClientChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrgGenericViewSet
):
    queryset = Consent.objects.select_related("recorded_by")
    serializer_class = ConsentRecordSerializer
    filter_backends = []

    def perform_create(self, serializer):
        serializer.instance = services.record_consent(
            client=self.get_client(), actor=self.request.user, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(summary="A client's intake submissions, newest first"),
    retrieve=extend_schema(
        summary="One intake submission", responses={200: IntakeSubmissionSerializer, 404: ErrorSerializer}
    ),
)
class IntakeSubmissionViewSet(ClientChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = IntakeSubmission.objects.select_related("form")
    serializer_class = IntakeSubmissionSerializer
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # another business's client stays a 404
        require_health_capability(self, request)

    @extend_schema(
        summary="Accept an unverified public-link submission (its answers then count)",
        request=None,
        responses={200: IntakeSubmissionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, client_pk=None, pk=None):
        submission = services.accept_intake_submission(submission=self.get_object(), actor=request.user)
        return Response(IntakeSubmissionSerializer(submission).data)

    @extend_schema(
        summary="Discard an unverified public-link submission (its answers never count)",
        request=None,
        responses={200: IntakeSubmissionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, client_pk=None, pk=None):
        submission = services.discard_intake_submission(submission=self.get_object(), actor=request.user)
        return Response(IntakeSubmissionSerializer(submission).data)


@extend_schema_view(
    list=extend_schema(summary="Tags of the business, with how many clients carry each"),
    retrieve=extend_schema(summary="A tag", responses={200: TagSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Create a tag", responses={201: TagSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Rename a tag", responses={200: TagSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a tag (clients keep everything else)", responses={204: None, **ERRORS}),
)
class TagViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    required_capability = "clients.view"
    write_capability = "clients.manage"
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().annotate(client_count=Count("client_tags")).order_by("name")

    def perform_create(self, serializer):
        name = serializer.validated_data["name"]
        if Tag.objects.for_org(self.organization).filter(name__iexact=name.strip()).exists():
            raise services.ClientError(_("A tag with this name already exists."), field="name")
        tag = services.get_or_create_tags(organization=self.organization, names=[name])
        if not tag:
            raise services.ClientError(_("Give the tag a name."), field="name")
        serializer.instance = self.get_queryset().get(pk=tag[0].pk)

    def perform_update(self, serializer):
        services.rename_tag(
            tag=serializer.instance, name=serializer.validated_data.get("name", serializer.instance.name)
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.delete_tag(tag=instance)


@extend_schema_view(
    list=extend_schema(summary="Intake forms (with sections and questions)"),
    retrieve=extend_schema(summary="An intake form", responses={200: IntakeFormSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Create an intake form", responses={201: IntakeFormSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Rename, describe or switch the public link", responses={200: IntakeFormSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Archive a form (answers are kept)", responses={204: None, **ERRORS}),
)
class IntakeFormViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = IntakeForm.objects.prefetch_related("sections__questions")
    serializer_class = IntakeFormSerializer
    required_capability = "clients.view"
    write_capability = "clients.manage"
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        is_public = data.pop("is_public", True)
        form = services.create_intake_form(organization=self.organization, actor=self.request.user, **data)
        if not is_public:
            services.update_intake_form(form=form, actor=self.request.user, is_public=False)
        serializer.instance = self.get_queryset().get(pk=form.pk)

    def perform_update(self, serializer):
        services.update_intake_form(form=serializer.instance, actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.archive_intake_form(form=instance, actor=self.request.user)

    @extend_schema(summary="Make this the default form", request=None, responses={200: IntakeFormSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="make-default")
    def make_default(self, request, pk=None):
        form = services.set_default_intake_form(form=self.get_object(), actor=request.user)
        return Response(IntakeFormSerializer(self.get_queryset().get(pk=form.pk)).data)

    @extend_schema(
        summary="Make a new public link (the old one stops working)",
        request=None,
        responses={200: IntakeFormSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="renew-link")
    def renew_link(self, request, pk=None):
        form = services.renew_public_link(form=self.get_object(), actor=request.user)
        return Response(IntakeFormSerializer(self.get_queryset().get(pk=form.pk)).data)


class FormChildMixin(NestedRouteMixin):
    """Sections and questions of one intake form: /clients/intake-forms/{form_pk}/…"""

    parent_lookups = {"form_pk": ("form", "clients.IntakeForm")}
    lookup_value_regex = ID
    required_capability = "clients.view"
    write_capability = "clients.manage"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []

    def get_form(self) -> IntakeForm:
        return self.get_parent()


@extend_schema_view(
    list=extend_schema(summary="Sections of an intake form"),
    retrieve=extend_schema(summary="A section", responses={200: IntakeSectionSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a section", responses={201: IntakeSectionSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a section", responses={200: IntakeSectionSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a section and its questions", responses={204: None, **ERRORS}),
)
class IntakeSectionViewSet(
    FormChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = IntakeSection.objects.prefetch_related("questions")
    serializer_class = IntakeSectionSerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_section(form=self.get_form(), **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_section(section=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_section(section=instance)


@extend_schema_view(
    list=extend_schema(summary="Questions of an intake form"),
    retrieve=extend_schema(summary="A question", responses={200: IntakeQuestionSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a question to a section", responses={201: IntakeQuestionSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a question (its key stays)", responses={200: IntakeQuestionSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Delete a question", responses={204: None, **ERRORS}),
)
class IntakeQuestionViewSet(
    FormChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = IntakeQuestion.objects.select_related("section")
    serializer_class = IntakeQuestionSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        section = data.pop("section")
        form = self.get_form()
        if section.form_id != form.pk:
            raise services.IntakeError(_("Choose a section of this form."), field="section")
        serializer.instance = services.add_question(section=section, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("key", None)  # keys never change: answers are stored under them
        serializer.instance = services.update_question(question=serializer.instance, **data)

    def perform_destroy(self, instance):
        services.delete_question(question=instance)


@extend_schema_view(
    list=extend_schema(summary="Your saved views of the clients list, and those your team shares"),
    retrieve=extend_schema(summary="A saved view of the clients list"),
    create=extend_schema(
        summary="Save a view of the clients list", responses={201: SavedClientViewSerializer, **ERRORS}
    ),
    update=extend_schema(
        summary="Replace a saved view (yours only)", responses={200: SavedClientViewSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change a saved view (yours only)", responses={200: SavedClientViewSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Delete a saved view (yours only)", responses={204: None, **ERRORS}),
)
class SavedClientViewViewSet(OrgViewSet):
    """Named filters and sort of the clients list; apply one by passing its `query` as the
    list's parameters."""

    queryset = SavedClientView.objects.all()
    serializer_class = SavedClientViewSerializer
    required_capability = "clients.view"
    lookup_value_regex = ID

    def get_queryset(self):
        return selectors.saved_views(organization=self.organization, user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.save_client_view(
            organization=self.organization, owner=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_client_view(
            view=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_client_view(view=instance, actor=self.request.user)
