from django.urls import path

from .views import access, coach, portal, public, reports, requests

app_name = "billing"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    # Coaches
    path("billing/", coach.OverviewView.as_view(), name="overview"),
    path("billing/revenue.csv", coach.RevenueCsvView.as_view(), name="revenue_csv"),
    path("billing/reports/", reports.ReportsView.as_view(), name="reports"),
    path("billing/reports/commission/", reports.CommissionView.as_view(), name="commission"),
    path("billing/reports/commission.csv", reports.CommissionCsvView.as_view(), name="commission_csv"),
    path("billing/reports/<slug:report>.csv", reports.ReportCsvView.as_view(), name="report_csv"),
    path("billing/plans/", coach.PlanListView.as_view(), name="plans"),
    path("billing/plans/new/", coach.PlanFormView.as_view(), name="plan_create"),
    path("billing/plans/<int:pk>/", coach.PlanFormView.as_view(), name="plan_edit"),
    path("billing/plans/<int:pk>/archive/", coach.PlanArchiveView.as_view(), name="plan_archive"),
    path("billing/coupons/", coach.CouponListView.as_view(), name="coupons"),
    path("billing/coupons/new/", coach.CouponFormView.as_view(), name="coupon_create"),
    path("billing/coupons/<int:pk>/", coach.CouponFormView.as_view(), name="coupon_edit"),
    path("billing/coupons/<int:pk>/archive/", coach.CouponArchiveView.as_view(), name="coupon_archive"),
    path("billing/plans/<int:pk>/grants/", access.PlanAccessView.as_view(), name="plan_access"),
    path("billing/clients/<int:pk>/access/", access.ClientAccessView.as_view(), name="client_access"),
    path("billing/invoices/", coach.InvoiceListView.as_view(), name="invoices"),
    path("billing/invoices/new/", coach.InvoiceCreateView.as_view(), name="invoice_create"),
    path("billing/invoices/sell/", coach.SellPlanView.as_view(), name="sell_plan"),
    path("billing/invoices/<int:pk>/", coach.InvoiceDetailView.as_view(), name="invoice_detail"),
    path("billing/invoices/<int:pk>/pdf/", coach.InvoicePdfView.as_view(), name="invoice_pdf"),
    path("billing/credit-notes/<int:pk>/pdf/", coach.CreditNotePdfView.as_view(), name="credit_note_pdf"),
    path("billing/memberships/", coach.MembershipListView.as_view(), name="memberships"),
    path("billing/memberships/new/", coach.MembershipCreateView.as_view(), name="membership_create"),
    path("billing/memberships/<int:pk>/", coach.MembershipActionView.as_view(), name="membership_action"),
    path("billing/links/", coach.PaymentLinkListView.as_view(), name="links"),
    path("billing/requests/", requests.PlanRequestListView.as_view(), name="plan_requests"),
    path("billing/requests/<int:pk>/", requests.PlanRequestActionView.as_view(), name="plan_request_action"),
    path("billing/settings/", coach.SettingsView.as_view(), name="settings"),
    path("billing/settings/stripe/", coach.StripeConnectView.as_view(), name="stripe_connect"),
    path("billing/settings/stripe/return/", coach.StripeReturnView.as_view(), name="stripe_return"),
    path("billing/settings/stripe/refresh/", coach.StripeRefreshView.as_view(), name="stripe_refresh"),
    # Stripe
    path("webhooks/stripe/", public.StripeWebhookView.as_view(), name="stripe_webhook"),
    # Public payment links
    path("pay/<str:token>/", public.PayView.as_view(), name="pay"),
    path("pay/<str:token>/done/", public.PayDoneView.as_view(), name="pay_done"),
    path("pay/<str:token>/invoice.pdf", public.PayPdfView.as_view(), name="pay_pdf"),
    # Client portal
    path("portal/billing/", portal.PortalBillingView.as_view(), name="portal"),
    path("portal/billing/plans/<uuid:public_id>/buy/", portal.PortalBuyView.as_view(), name="portal_buy"),
    path(
        "portal/billing/invoices/<uuid:public_id>/pdf/",
        portal.PortalInvoicePdfView.as_view(),
        name="portal_invoice_pdf",
    ),
    path("portal/billing/invoices/<uuid:public_id>/pay/", portal.PortalPayInvoiceView.as_view(), name="portal_pay"),
    path("portal/billing/card/", portal.PortalCardView.as_view(), name="portal_card"),
    path("portal/billing/access/", access.PortalAccessView.as_view(), name="portal_access"),
    path(
        "portal/billing/plans/<uuid:public_id>/request/",
        requests.PortalRequestPlanView.as_view(),
        name="portal_request_plan",
    ),
    path(
        "portal/billing/requests/<uuid:public_id>/cancel/",
        requests.PortalCancelRequestView.as_view(),
        name="portal_cancel_request",
    ),
    path(
        "portal/billing/memberships/<uuid:public_id>/cancel/",
        portal.PortalCancelMembershipView.as_view(),
        name="portal_cancel",
    ),
]
