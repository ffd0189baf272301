from django.urls import path

from . import views

app_name = "billing"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    # Coaches
    path("billing/", views.OverviewView.as_view(), name="overview"),
    path("billing/revenue.csv", views.RevenueCsvView.as_view(), name="revenue_csv"),
    path("billing/plans/", views.PlanListView.as_view(), name="plans"),
    path("billing/plans/new/", views.PlanFormView.as_view(), name="plan_create"),
    path("billing/plans/<int:pk>/", views.PlanFormView.as_view(), name="plan_edit"),
    path("billing/plans/<int:pk>/archive/", views.PlanArchiveView.as_view(), name="plan_archive"),
    path("billing/invoices/", views.InvoiceListView.as_view(), name="invoices"),
    path("billing/invoices/new/", views.InvoiceCreateView.as_view(), name="invoice_create"),
    path("billing/invoices/sell/", views.SellPlanView.as_view(), name="sell_plan"),
    path("billing/invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice_detail"),
    path("billing/invoices/<int:pk>/pdf/", views.InvoicePdfView.as_view(), name="invoice_pdf"),
    path("billing/credit-notes/<int:pk>/pdf/", views.CreditNotePdfView.as_view(), name="credit_note_pdf"),
    path("billing/memberships/", views.MembershipListView.as_view(), name="memberships"),
    path("billing/memberships/new/", views.MembershipCreateView.as_view(), name="membership_create"),
    path("billing/memberships/<int:pk>/", views.MembershipActionView.as_view(), name="membership_action"),
    path("billing/links/", views.PaymentLinkListView.as_view(), name="links"),
    path("billing/settings/", views.SettingsView.as_view(), name="settings"),
    path("billing/settings/stripe/", views.StripeConnectView.as_view(), name="stripe_connect"),
    path("billing/settings/stripe/return/", views.StripeReturnView.as_view(), name="stripe_return"),
    path("billing/settings/stripe/refresh/", views.StripeRefreshView.as_view(), name="stripe_refresh"),
    # Stripe
    path("webhooks/stripe/", views.StripeWebhookView.as_view(), name="stripe_webhook"),
    # Public payment links
    path("pay/<str:token>/", views.PayView.as_view(), name="pay"),
    path("pay/<str:token>/done/", views.PayDoneView.as_view(), name="pay_done"),
    # Client portal
    path("portal/billing/", views.PortalBillingView.as_view(), name="portal"),
    path("portal/billing/plans/<uuid:public_id>/buy/", views.PortalBuyView.as_view(), name="portal_buy"),
    path(
        "portal/billing/invoices/<uuid:public_id>/pdf/", views.PortalInvoicePdfView.as_view(), name="portal_invoice_pdf"
    ),
    path("portal/billing/invoices/<uuid:public_id>/pay/", views.PortalPayInvoiceView.as_view(), name="portal_pay"),
    path("portal/billing/card/", views.PortalCardView.as_view(), name="portal_card"),
    path(
        "portal/billing/memberships/<uuid:public_id>/cancel/",
        views.PortalCancelMembershipView.as_view(),
        name="portal_cancel",
    ),
]
