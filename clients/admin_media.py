"""Back office for form-check videos (imported by `clients.admin`). Clips arrive through the
checked path (pages or API) only; here they are found, read and, when asked, removed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import FormCheckReply, FormCheckVideo


class FormCheckReplyInline(admin.TabularInline):
    model = FormCheckReply
    extra = 0
    fields = ["message", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FormCheckVideo)
class FormCheckVideoAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "client",
        "container",
        "length",
        "size_bytes",
        "has_poster",
        "message",
        "organization",
        "created_at",
    ]
    list_filter = [
        "container",
        "organization",
        ("message", admin.EmptyFieldListFilter),
        ("poster", admin.EmptyFieldListFilter),
    ]
    search_fields = ["client__email", "client__first_name", "client__last_name", "original_name"]
    list_select_related = ["client", "organization", "message"]
    raw_id_fields = ["client", "message", "uploaded_by"]
    readonly_fields = ["public_id", "file", "poster", "container", "duration_ms", "width", "height"]
    readonly_fields += ["size_bytes", "original_name", "created_at"]
    date_hierarchy = "created_at"
    inlines = [FormCheckReplyInline]

    def has_add_permission(self, request):
        return False  # clips are uploaded through the checked path (pages or API), never raw

    @admin.display(description=_("length"), ordering="duration_ms")
    def length(self, obj) -> str:
        return f"{obj.duration_seconds} s"

    @admin.display(description=_("poster"), boolean=True)
    def has_poster(self, obj) -> bool:
        return bool(obj.poster)


@admin.register(FormCheckReply)
class FormCheckReplyAdmin(admin.ModelAdmin):
    list_display = ["message", "video", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["message__body", "video__client__email", "video__client__last_name"]
    list_select_related = ["message", "video", "organization"]
    raw_id_fields = ["message", "video"]

    def has_add_permission(self, request):
        return False  # written by the reply service with its message
