"""Back office for the inbox's saved replies and group threads (imported by `clients.admin`).
Posts are moderated through the service (removal keeps the post for the record)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Group, GroupMember, GroupPost, Reaction, Snippet


@admin.register(Snippet)
class SnippetAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "organization", "updated_at"]
    list_filter = [("owner", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["title", "body", "owner__email"]
    list_select_related = ["owner", "organization"]
    raw_id_fields = ["owner"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["client"]
    fields = ["client", "is_muted", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "is_archived", "last_post_at", "created_at"]
    list_filter = ["is_archived", "organization"]
    search_fields = ["name", "description"]
    list_select_related = ["organization"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["public_id", "created_at", "last_post_at"]
    inlines = [GroupMemberInline]


@admin.register(GroupMember)
class GroupMemberAdmin(admin.ModelAdmin):
    list_display = ["client", "group", "is_muted", "joined_at", "organization"]
    list_filter = ["is_muted", "organization"]
    search_fields = ["client__first_name", "client__last_name", "client__email", "group__name"]
    list_select_related = ["client", "group", "organization"]
    raw_id_fields = ["client", "group"]


@admin.register(GroupPost)
class GroupPostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "group", "author", "client", "created_at", "removed_at", "organization"]
    list_filter = [("removed_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["body", "group__name", "author__email", "client__email"]
    list_select_related = ["group", "author", "client", "organization"]
    raw_id_fields = ["group", "author", "client", "removed_by"]
    readonly_fields = ["public_id", "created_at", "removed_at", "removed_by"]
    date_hierarchy = "created_at"
    actions = ["remove_posts"]

    @admin.action(description=_("Remove the selected posts (members no longer see them)"))
    def remove_posts(self, request, queryset):
        for post in queryset:
            services.remove_group_post(post=post, actor=request.user, by_staff=True)
        self.message_user(request, _("Removed."))


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["kind", "post", "user", "created_at", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["user__email", "post__body"]
    list_select_related = ["post", "user", "organization"]
    raw_id_fields = ["post", "user"]
