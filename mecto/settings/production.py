"""Production: real services from the environment; refuses to start without a real secret."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY, env

DEBUG = False  # never the debugger in production, whatever the environment says

if not SECRET_KEY or SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a long random value in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The TLS proxy asks over plain http on the private network whether to get a certificate.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^_domains/check$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Push is on only with both VAPID keys from the environment: a key made on one machine's
# disk would differ between web processes and be lost on the next deploy.
VAPID_KEY_FILE = ""
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (manage.py vapid_keys --new makes a pair), "
        "or neither to leave push off."
    )

WEBHOOKS_ALLOW_HTTP = False  # webhooks go to https receivers only
WEBHOOKS_ALLOW_LOOPBACK = False
