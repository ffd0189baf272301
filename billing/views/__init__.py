"""Billing pages: the revenue overview, plans, invoices, memberships, payment links and
settings for coaches; the client's billing in the portal; public payment links; the
Stripe webhook.

One module per audience: `coach` (signed-in team members), `portal` (signed-in clients)
and `public` (no login: payment links and the Stripe webhook).
"""
