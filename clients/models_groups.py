"""Group threads: a coach gathers selected clients (a cohort, a challenge) in one
conversation where members post and react, and the coach moderates (removes posts, mutes)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned

__all__ = ["Group", "GroupMember", "GroupPost", "Reaction"]


class Group(OrgOwned):
    """A group conversation of a business. Clients see it only while they are members."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False, help_text=_("Archived groups take no new posts."))

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["is_archived", "name", "id"]

    def __str__(self) -> str:
        return self.name


class GroupMember(OrgOwned):
    """A client in a group. A muted member still reads the group but cannot post or react."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="group_memberships")
    is_muted = models.BooleanField(_("muted"), default=False)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["client__first_name", "client__last_name", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "client"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.client} in {self.group}"


class GroupPost(OrgOwned):
    """A post in a group, by a coach or a member. A removed post stays (for the record)
    but shows to nobody but the back office."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_posts",
        help_text=_("The member who wrote it; empty for a coach's post."),
    )
    body = LimitedTextField(_("post"), max_length=3000)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("group post")
        verbose_name_plural = _("group posts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "-created_at"], name="group_post_recent")]

    def __str__(self) -> str:
        return self.body[:60]


class Reaction(OrgOwned):
    """One person's reaction to a post: at most one of each kind per person."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        STRONG = "strong", _("Strong")
        FIRE = "fire", _("On fire")
        CLAP = "clap", _("Applause")
        HEART = "heart", _("Love")

    EMOJI = {"like": "👍", "strong": "💪", "fire": "🔥", "clap": "👏", "heart": "❤️"}

    post = models.ForeignKey(GroupPost, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("reaction"), max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(_("reacted"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.user}"
