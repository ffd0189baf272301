from django.urls import path
from rest_framework.routers import SimpleRouter

from . import access, reports, requests, views

router = SimpleRouter()
router.register("billing/plans", views.PlanViewSet, basename="billing-plan")
router.register("billing/invoices", views.InvoiceViewSet, basename="billing-invoice")
router.register("billing/coupons", views.CouponViewSet, basename="billing-coupon")
router.register("billing/payments", views.PaymentViewSet, basename="billing-payment")
router.register("billing/credit-notes", views.CreditNoteViewSet, basename="billing-credit-note")
router.register("billing/memberships", views.SubscriptionViewSet, basename="billing-membership")
router.register("billing/payment-links", views.PaymentLinkViewSet, basename="billing-payment-link")
router.register("billing/plan-requests", requests.PlanRequestViewSet, basename="billing-plan-request")
router.register("me/plan-requests", requests.MyPlanRequestViewSet, basename="billing-my-plan-request")
router.register("billing/access-grants", access.AccessGrantViewSet, basename="billing-access-grant")
router.register("me/access", access.MyAccessViewSet, basename="billing-my-access")
router.register("me/invoices", views.MyInvoiceViewSet, basename="billing-my-invoice")
router.register("me/memberships", views.MyMembershipViewSet, basename="billing-my-membership")
router.register("me/packages", views.MyPackageViewSet, basename="billing-my-package")
router.register("me/credit-grants", views.MyCreditGrantViewSet, basename="billing-my-credit-grant")

urlpatterns = [
    path("billing/revenue/", views.RevenueView.as_view({"get": "retrieve"}), name="billing-revenue"),
    path("billing/reports/mrr/", reports.MrrHistoryView.as_view({"get": "retrieve"}), name="billing-report-mrr"),
    path("billing/reports/metrics/", reports.MetricsView.as_view({"get": "retrieve"}), name="billing-report-metrics"),
    path(
        "billing/reports/revenue-by/",
        reports.RevenueByView.as_view({"get": "retrieve"}),
        name="billing-report-revenue-by",
    ),
    path(
        "billing/reports/cash-accrual/",
        reports.CashAccrualView.as_view({"get": "retrieve"}),
        name="billing-report-cash-accrual",
    ),
    path(
        "billing/reports/commission/",
        reports.CommissionView.as_view({"get": "retrieve"}),
        name="billing-report-commission",
    ),
    path(
        "billing/settings/",
        views.BillingSettingsView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="billing-settings",
    ),
    path("billing/stripe/", views.StripeAccountView.as_view({"get": "retrieve"}), name="billing-stripe"),
    path(
        "billing/stripe/onboarding/",
        views.StripeAccountView.as_view({"post": "onboarding"}),
        name="billing-stripe-onboarding",
    ),
    path("me/plans/", views.MyPlansView.as_view({"get": "list"}), name="billing-my-plans"),
    path("me/purchases/", views.MyPurchaseView.as_view({"post": "create"}), name="billing-my-purchase"),
    path(
        "me/purchases/quote/", views.MyPurchaseQuoteView.as_view({"post": "create"}), name="billing-my-purchase-quote"
    ),
    path("me/billing-portal/", views.MyBillingPortalView.as_view({"post": "create"}), name="billing-my-portal"),
    *router.urls,
]
