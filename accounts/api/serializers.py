from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from mecto.api_base import OrgModelSerializer, TimeZoneField
from mecto.localization import CURRENCY_CHOICES, UNIT_SYSTEM_CHOICES

from ..models import PERSON_ROLE_CHOICES, Invitation, Membership, Organization, User


class OrganizationSerializer(serializers.ModelSerializer):
    time_zone = TimeZoneField()
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES)
    unit_system = serializers.ChoiceField(choices=UNIT_SYSTEM_CHOICES)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text=_("Default language of clients and visitors: en, es or de.")
    )

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "time_zone", "currency", "unit_system", "language", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]


class UserSerializer(serializers.ModelSerializer):
    time_zone = TimeZoneField()
    unit_system = serializers.ChoiceField(choices=UNIT_SYSTEM_CHOICES)
    language = serializers.ChoiceField(
        choices=[("", _("The business's default")), *settings.LANGUAGES],
        allow_blank=True,
        help_text=_("en, es or de; empty follows the business's default language."),
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "time_zone", "unit_system", "language"]
        read_only_fields = ["id", "email"]


class MembershipOrgSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.id")
    name = serializers.CharField(source="organization.name")
    slug = serializers.CharField(source="organization.slug")
    role = serializers.CharField()


class MeClientSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    status = serializers.CharField()
    coach_name = serializers.SerializerMethodField()

    def get_coach_name(self, client) -> str:
        return str(client.coach) if client.coach_id else ""


class BrandLinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.URLField()


class BrandBlockSerializer(serializers.Serializer):
    """The brand the app draws itself in: the business's own, or the platform's defaults."""

    name = serializers.CharField()
    primary = serializers.CharField(help_text=_("#rrggbb: buttons, links, the current tab."))
    primary_contrast = serializers.CharField(help_text=_("#rrggbb: text on the primary colour."))
    accent = serializers.CharField()
    accent_contrast = serializers.CharField()
    background = serializers.CharField()
    text = serializers.CharField()
    font = serializers.CharField(
        help_text=_("A font key: system, humanist, geometric, classical, serif, rounded, mono.")
    )
    font_stack = serializers.CharField(help_text=_("The CSS font-family list of that font."))
    logo_url = serializers.CharField(help_text=_("Absolute URL of the logo (PNG, at most 600x200), or empty."))
    icon_url = serializers.CharField(help_text=_("Absolute URL of the 512x512 PNG icon, or empty."))
    sender_name = serializers.CharField()
    reply_to = serializers.CharField()
    footer = serializers.CharField()
    social_links = BrandLinkSerializer(many=True)
    features = serializers.ListField(
        child=serializers.CharField(), help_text=_("Sections of the app clients see (training, nutrition, ...).")
    )
    is_custom = serializers.BooleanField(help_text=_("False while the business uses the default brand."))


class MeSerializer(serializers.Serializer):
    """The signed-in person, their current organisation and their role there."""

    user = UserSerializer()
    role = serializers.ChoiceField(
        choices=PERSON_ROLE_CHOICES,
        allow_null=True,
        help_text=_("owner, coach, assistant, client, or null for a person with no business yet."),
    )
    organization = OrganizationSerializer(allow_null=True)
    client = MeClientSerializer(allow_null=True, help_text=_("Set when the person is a client."))
    capabilities = serializers.ListField(child=serializers.CharField())
    organizations = MembershipOrgSerializer(many=True, help_text=_("Businesses this person works in."))
    brand = BrandBlockSerializer(help_text=_("The current business's brand (the defaults without one)."))


class MemberSerializer(OrgModelSerializer):
    user = UserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "is_active", "created_at"]
        read_only_fields = ["id", "user", "is_active", "created_at"]


class InvitationSerializer(OrgModelSerializer):
    status = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at", "accepted_at", "revoked_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at", "accepted_at", "revoked_at"]
