from django.urls import path

from . import views, views_rules, views_tasks

app_name = "automation"

urlpatterns = [
    path("alerts/", views.AlertListView.as_view(), name="alerts"),
    path("alerts/read-all/", views.AlertReadAllView.as_view(), name="alerts_read_all"),
    path("alerts/<int:pk>/read/", views.AlertActionView.as_view(action="read"), name="alert_read"),
    path("alerts/<int:pk>/dismiss/", views.AlertActionView.as_view(action="dismiss"), name="alert_dismiss"),
    path("settings/alerts/", views.AlertPreferencesView.as_view(), name="alert_preferences"),
    path("tasks/", views_tasks.TaskListView.as_view(), name="tasks"),
    path("tasks/new/", views_tasks.TaskCreateView.as_view(), name="task_new"),
    path("tasks/<int:pk>/edit/", views_tasks.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", views_tasks.TaskDeleteView.as_view(), name="task_delete"),
    path("tasks/<int:pk>/complete/", views_tasks.TaskActionView.as_view(action="complete"), name="task_complete"),
    path("tasks/<int:pk>/reopen/", views_tasks.TaskActionView.as_view(action="reopen"), name="task_reopen"),
    path("automations/", views_rules.AutomationListView.as_view(), name="automations"),
    path("automations/new/", views_rules.AutomationEditView.as_view(), name="automation_new"),
    path("automations/templates/", views_rules.TemplateGalleryView.as_view(), name="automation_gallery"),
    path(
        "automations/templates/<slug:key>/enable/",
        views_rules.EnableTemplateView.as_view(),
        name="automation_enable",
    ),
    path("automations/runs/", views_rules.RunListView.as_view(), name="automation_runs_all"),
    path("automations/runs/<int:pk>/", views_rules.RunDetailView.as_view(), name="automation_run"),
    path("automations/<int:pk>/", views_rules.AutomationEditView.as_view(), name="automation_edit"),
    path("automations/<int:pk>/toggle/", views_rules.ToggleView.as_view(), name="automation_toggle"),
    path("automations/<int:pk>/delete/", views_rules.DeleteView.as_view(), name="automation_delete"),
    path("automations/<int:pk>/runs/", views_rules.RunListView.as_view(), name="automation_runs"),
    path("automations/<int:pk>/dry-run/", views_rules.DryRunView.as_view(), name="automation_dry_run"),
]
