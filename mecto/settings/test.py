"""Test settings: fast hashing, in-memory email, eager tasks unless a test runs a worker."""

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, REDIS_URL, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "mecto.comms.sms.LocmemBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = str(VAR_DIR / "test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # xdist workers share the Redis database: each test process keeps (and clears) its own keys.
    CACHES["default"]["KEY_PREFIX"] = f"test-{env('PYTEST_XDIST_WORKER', default='main')}"
FIELD_ENCRYPTION_KEYS = ["o3pqtrsdB4Ebl6c2fSxXf8k3K1fAX0aqEFtjjpXLJkA="]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "100000/minute"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": env("LOG_LEVEL", default="WARNING")}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: tests that race several connections (bookings, invoice numbers)
    # need every thread to see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # Each thread's connection closes when its request (or test thread) ends: with the
    # production default (60 s) the live server's and the race tests' threads would keep
    # theirs, and two xdist workers racing 50 threads each would exhaust max_connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A fixed key pair for tests only (push is on, as in dev), never read from a file.
VAPID_PUBLIC_KEY = "BFHmLeTFtMvyznJJztQs6gKZ1mBkq7mwdqJjYUC9otZMnGuhSnuj8MF5mLpQZJAdkA60Ssil9tONszAsg7J6JUY"
VAPID_PRIVATE_KEY = "EbLxTo0GTSLRTuUDsx7tHDmX_vKv4EKzEMhhBM59eis"
VAPID_SUBJECT = "mailto:push@mecto.test"
VAPID_KEY_FILE = ""

WEBHOOKS_ALLOW_HTTP = True  # tests post to fake receivers; loopback stays refused unless a test allows it
