from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("business/new/", views.CreateOrganizationView.as_view(), name="create_organization"),
    path("settings/organization/", views.OrganizationSettingsView.as_view(), name="org_settings"),
    path("settings/team/", views.TeamView.as_view(), name="team"),
    path("settings/team/<int:pk>/", views.MemberRoleView.as_view(), name="member_role"),
    path("settings/invitations/<int:pk>/revoke/", views.RevokeInvitationView.as_view(), name="revoke_invitation"),
    path("invitations/<str:token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("switch-organization/", views.switch_organization, name="switch_organization"),
]
