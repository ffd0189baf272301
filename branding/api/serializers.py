"""The brand as the API shows it, and the body that changes it (JSON, or multipart with files)."""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mecto.branding import FEATURES, FONTS, MIN_CONTRAST, contrast_ratio

from .. import selectors
from ..models import BrandSettings
from ..services import MAX_FOOTER, MAX_SOCIAL_LINKS, PAGE_BACKGROUND, SOCIAL_NETWORKS, validate_brand


class SocialLinkSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=SOCIAL_NETWORKS, help_text="The network (or Website).")
    url = serializers.URLField(max_length=300, help_text="An https:// address.")


class SocialLinksField(serializers.ListField):
    """A list of {label, url}; in a multipart body, the same list as a JSON string."""

    def __init__(self, **kwargs):
        super().__init__(child=SocialLinkSerializer(), max_length=MAX_SOCIAL_LINKS, **kwargs)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else []
            except ValueError:
                raise serializers.ValidationError("Send the links as a JSON list of {label, url}.")
        return super().to_internal_value(data)


class ContrastSerializer(serializers.Serializer):
    primary_on_page = serializers.FloatField(help_text="Contrast of the primary colour on the white page.")
    accent_on_page = serializers.FloatField()
    text_on_primary = serializers.FloatField(help_text="Contrast of primary_text on primary.")
    text_on_accent = serializers.FloatField()
    minimum = serializers.FloatField(help_text="WCAG AA for normal text (4.5).")


class BrandSettingsSerializer(serializers.ModelSerializer):
    """What the business saved. `primary_text` and `accent_text` are derived, never sent."""

    logo_url = serializers.SerializerMethodField()
    icon_url = serializers.SerializerMethodField()
    social_links = SocialLinkSerializer(many=True)
    features = serializers.ListField(child=serializers.ChoiceField(choices=list(FEATURES)))
    contrast = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="null while the business uses the defaults."
    )

    class Meta:
        model = BrandSettings
        fields = [
            "display_name",
            "primary",
            "primary_text",
            "accent",
            "accent_text",
            "font",
            "logo_url",
            "logo_width",
            "logo_height",
            "icon_url",
            "sender_name",
            "reply_to",
            "footer",
            "social_links",
            "features",
            "contrast",
            "updated_at",
        ]
        read_only_fields = fields

    def get_logo_url(self, row) -> str:
        return selectors.file_url(row.logo.name)

    def get_icon_url(self, row) -> str:
        return selectors.file_url(row.icon.name)

    @extend_schema_field(ContrastSerializer)
    def get_contrast(self, row) -> dict:
        return {
            "primary_on_page": round(contrast_ratio(row.primary, PAGE_BACKGROUND), 2),
            "accent_on_page": round(contrast_ratio(row.accent, PAGE_BACKGROUND), 2),
            "text_on_primary": round(contrast_ratio(row.primary_text, row.primary), 2),
            "text_on_accent": round(contrast_ratio(row.accent_text, row.accent), 2),
            "minimum": MIN_CONTRAST,
        }


class BrandUpdateSerializer(serializers.Serializer):
    """Send only what changes (PATCH) or everything (PUT: what is left out returns to its default).
    Logo and icon may come in the same multipart body, or through /brand/logo/ and /brand/icon/."""

    display_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    primary = serializers.CharField(
        max_length=7,
        required=False,
        help_text="#rrggbb; refused when its contrast on white is under 4.5:1 (the error names the ratio "
        "and the nearest darker shade that passes).",
    )
    accent = serializers.CharField(max_length=7, required=False, help_text="#rrggbb, the same rule as primary.")
    font = serializers.ChoiceField(choices=list(FONTS), required=False)
    sender_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reply_to = serializers.EmailField(required=False, allow_blank=True)
    footer = serializers.CharField(max_length=MAX_FOOTER, required=False, allow_blank=True, trim_whitespace=False)
    social_links = SocialLinksField(required=False)
    features = serializers.ListField(
        child=serializers.ChoiceField(choices=list(FEATURES)), required=False, allow_empty=True
    )
    logo = serializers.FileField(required=False, write_only=True, help_text="PNG, JPEG or WebP (multipart).")
    remove_logo = serializers.BooleanField(required=False, write_only=True)
    icon = serializers.FileField(required=False, write_only=True, help_text="PNG, JPEG or WebP (multipart).")
    remove_icon = serializers.BooleanField(required=False, write_only=True)

    def validate(self, attrs):
        fields = {k: v for k, v in attrs.items() if k not in ("logo", "icon", "remove_logo", "remove_icon")}
        if "social_links" in fields:
            fields["social_links"] = [dict(link) for link in fields["social_links"]]
        cleaned, errors = validate_brand(fields)
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, **cleaned}


class BrandFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PNG (transparency kept), JPEG or WebP; SVG is refused.")
