"""The setup checklist of the business (`mecto.onboarding`) in the API: read it, put it
away, bring it back."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto import onboarding
from mecto.api_base import ErrorSerializer, TenantAPIView
from mecto.permissions import HasCapability, IsOrgMember

ERRORS = {401: ErrorSerializer, 403: ErrorSerializer}


class OnboardingStepSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="brand, hours, clients, intake, program, payments, team")
    title = serializers.CharField()
    hint = serializers.CharField()
    url = serializers.CharField(help_text="The page where the step is done.")
    done = serializers.BooleanField(help_text="Ticked from what the business has set up, never by hand.")


class OnboardingChecklistSerializer(serializers.Serializer):
    steps = OnboardingStepSerializer(many=True)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    complete = serializers.BooleanField()
    dismissed = serializers.BooleanField(help_text="Put away by the business (the dashboard hides it).")


class OnboardingView(TenantAPIView):
    tenant_exempt = "No id in the URL: the checklist of the caller's own business (request.tenant.organization)."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    serializer_class = OnboardingChecklistSerializer
    required_capability = "org.manage"

    @property
    def organization(self):
        return self.request.tenant.organization

    def _checklist(self):
        return Response(OnboardingChecklistSerializer(onboarding.checklist(organization=self.organization)).data)

    @extend_schema(summary="The business's setup checklist", responses={200: OnboardingChecklistSerializer, **ERRORS})
    def retrieve(self, request):
        return self._checklist()

    @extend_schema(
        summary="Put the setup checklist away", request=None, responses={200: OnboardingChecklistSerializer, **ERRORS}
    )
    def dismiss(self, request):
        onboarding.dismiss_checklist(organization=self.organization, actor=request.user)
        return self._checklist()

    @extend_schema(
        summary="Bring the setup checklist back", request=None, responses={200: OnboardingChecklistSerializer, **ERRORS}
    )
    def restore(self, request):
        onboarding.restore_checklist(organization=self.organization, actor=request.user)
        return self._checklist()


urlpatterns = [
    path("onboarding/", OnboardingView.as_view({"get": "retrieve"}), name="onboarding"),
    path("onboarding/dismiss/", OnboardingView.as_view({"post": "dismiss"}), name="onboarding-dismiss"),
    path("onboarding/restore/", OnboardingView.as_view({"post": "restore"}), name="onboarding-restore"),
]
