"""Client-side API under /api/v1/me/…: the signed-in client's own profile and intake."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, TenantAPIView, TimeZoneField
from mecto.permissions import IsClient

from .. import selectors, services
from ..models import Client, IntakeForm, IntakeSubmission
from .serializers import IntakeSubmissionSerializer, MyIntakeSerializer, SubmitIntakeSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class MyProfileSerializer(serializers.ModelSerializer):
    time_zone = TimeZoneField(required=False)
    coach_name = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "public_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "status",
            "coach_name",
            "date_of_birth",
            "sex",
            "height_cm",
            "goals",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
            "email_consent",
            "sms_consent",
            "time_zone",
            "unit_system",
        ]
        read_only_fields = ["public_id", "email", "status", "coach_name", "email_consent", "sms_consent"]

    def get_coach_name(self, client) -> str:
        return str(client.coach) if client.coach_id else ""


class MarketingConsentSerializer(serializers.Serializer):
    email_consent = serializers.BooleanField(required=False)
    sms_consent = serializers.BooleanField(required=False)


class MyProfileView(TenantAPIView):
    """The client's own record: what they may see and change about themselves."""

    tenant_exempt = "Reads and changes only the signed-in client's own record (request.tenant.client)."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = MyProfileSerializer

    @extend_schema(summary="My profile", responses={200: MyProfileSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        return Response(MyProfileSerializer(request.tenant.client).data)

    @extend_schema(
        summary="Update my profile",
        description="Contact details, date of birth, height (cm), emergency contact, time zone and units. "
        "Marketing consent is changed with `email_consent` / `sms_consent` and kept in the consent history.",
        request=MyProfileSerializer,
        responses={200: MyProfileSerializer, **ERRORS},
    )
    def partial_update(self, request):
        client = request.tenant.client
        serializer = MyProfileSerializer(client, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        consent = MarketingConsentSerializer(data=request.data)
        consent.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.update(consent.validated_data)
        client = services.update_client(
            client=client, actor=request.user, consent_method=_("Changed by the client in the app"), **fields
        )
        return Response(MyProfileSerializer(client).data)


class MyIntakeView(TenantAPIView):
    """The intake form to fill in (the default one, or one my coach sent) and my answers."""

    tenant_exempt = "Reads forms of the client's own business and writes only the signed-in client's answers."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = MyIntakeSerializer

    @extend_schema(summary="My intake form and answers", responses={200: MyIntakeSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        client = request.tenant.client
        requests = list(client.intake_requests.filter(completed_at__isnull=True, revoked_at__isnull=True))
        form = (
            requests[0].form
            if requests
            else IntakeForm.objects.for_org(client.organization).filter(is_default=True).first()
        )
        return Response(
            MyIntakeSerializer(
                {"form": form, "answers": selectors.intake_answers(client=client), "open_requests": requests}
            ).data
        )

    @extend_schema(
        summary="Submit my intake answers",
        request=SubmitIntakeSerializer,
        responses={201: IntakeSubmissionSerializer, **ERRORS},
    )
    def create(self, request):
        client = request.tenant.client
        data = SubmitIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forms = IntakeForm.objects.for_org(client.organization).filter(is_archived=False)
        form_id = data.validated_data.get("form")
        form = forms.filter(pk=form_id).first() if form_id else forms.filter(is_default=True).first()
        if form is None:
            raise services.IntakeError(_("There is no such intake form."), field="form")
        open_request = client.intake_requests.filter(
            form=form, completed_at__isnull=True, revoked_at__isnull=True
        ).first()
        submission = services.submit_intake(
            form=form,
            answers=data.validated_data["answers"],
            client=client if open_request is None else None,
            intake_request=open_request,
            source=IntakeSubmission.Source.CLIENT_APP,
            actor=request.user,
        )
        return Response(IntakeSubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)
