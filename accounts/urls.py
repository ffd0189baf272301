from django.urls import path

from .views import coach, language, public

app_name = "accounts"

urlpatterns = [
    path("business/new/", coach.CreateOrganizationView.as_view(), name="create_organization"),
    path("settings/organization/", coach.OrganizationSettingsView.as_view(), name="org_settings"),
    path("settings/team/", coach.TeamView.as_view(), name="team"),
    path("settings/team/<int:pk>/", coach.MemberRoleView.as_view(), name="member_role"),
    path("settings/invitations/<int:pk>/revoke/", coach.RevokeInvitationView.as_view(), name="revoke_invitation"),
    path("invitations/<str:token>/", public.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("account/language/", language.set_language, name="set_language"),
    path("switch-organization/", coach.switch_organization, name="switch_organization"),
]
