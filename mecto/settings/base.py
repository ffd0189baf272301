"""Settings shared by every environment; each value comes from the environment.

The defaults run the whole platform with no server and no keys: SQLite, a filesystem
Celery broker, local media, console email and SMS, manual payments.
"""

from pathlib import Path

import environ
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from mecto.domains import HostList

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
# The platform's own names, then the businesses' verified custom domains (read per request: a
# domain works once verified and stops once removed, with no restart; see mecto/domains.py).
# CSRF's same-origin check follows ALLOWED_HOSTS, so a form on a custom domain posting to
# itself passes; custom domains are deliberately not trusted origins for any other host.
ALLOWED_HOSTS = HostList(env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]))
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
# Where businesses point the CNAME of their custom domains (default: SITE_URL's host).
CUSTOM_DOMAIN_TARGET = env("CUSTOM_DOMAIN_TARGET", default="")

# --- Applications -------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "corsheaders",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.zoom",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
]
LOCAL_APPS = [
    "mecto",
    "accounts",
    "branding",
    "automation",
    "clients",
    "training",
    "nutrition",
    "booking",
    "billing",
    "marketing",
    "integrations",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mecto.sessions.UserSessionsMiddleware",  # allauth's, writing at most every 5 minutes
    "mecto.domain_middleware.CustomDomainMiddleware",  # a custom domain's requests belong to its business
    "mecto.tenancy.TenantMiddleware",
    "mecto.language.LanguageMiddleware",  # the person's language, else their business's (after the tenant)
]

ROOT_URLCONF = "mecto.urls"
WSGI_APPLICATION = "mecto.wsgi.application"
ASGI_APPLICATION = "mecto.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mecto.context_processors.platform",
            ],
            "builtins": ["mecto.templatetags.formats"],
        },
    },
    {
        # Plain-text email parts and subjects: the same templates, but nothing is HTML-escaped
        # ("You're booked", not "You&#x27;re booked"). Rendered with `using="text"`.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": ["mecto.templatetags.formats"]},
    },
]

# --- Database -----------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mecto.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: WAL lets readers run beside a writer,
    # the busy timeout waits for a lock instead of failing, and IMMEDIATE transactions
    # take the write lock up front so two writers never deadlock on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and not env.bool(
        "DATABASE_JIT", default=False
    ):
        # PostgreSQL's JIT compiles a query whose estimated cost is high; for the short
        # queries of a web app that compile takes longer than the query (the clients list
        # sorted by a figure: 6 s of compiling for 0.2 s of work). DATABASE_JIT=true keeps it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# Hot queries built once per process (the clients list's figures) run as prepared statements
# on PostgreSQL; off behind a connection pooler that cannot keep them (PgBouncer < 1.21 in
# transaction mode).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, throttles) ---------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "mecto.cache.RedisCache", "LOCATION": REDIS_URL}}  # one client per server
else:
    # A file cache is shared by every process on the machine, unlike the local-memory one.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "accounts.forms.BusinessSignupForm"}
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.passwords.SignupBase"  # the app API's sign-up checks the password too
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mecto] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SESSION_REMEMBER = None
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# Tokens are not kept by allauth: integrations stores those of connected accounts, encrypted.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "offline", "prompt": "consent"},
    },
    "microsoft": {"TENANT": "common"},
    "zoom": {},
}
if env("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"]["APPS"] = [
        {"client_id": env("GOOGLE_CLIENT_ID"), "secret": env("GOOGLE_CLIENT_SECRET", default="")}
    ]
if env("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"]["APPS"] = [
        {"client_id": env("MICROSOFT_CLIENT_ID"), "secret": env("MICROSOFT_CLIENT_SECRET", default="")}
    ]
if env("ZOOM_CLIENT_ID", default=""):
    # Zoom is for connecting a coach's meetings only, never a way to sign in (hidden).
    SOCIALACCOUNT_PROVIDERS["zoom"]["APPS"] = [
        {
            "client_id": env("ZOOM_CLIENT_ID"),
            "secret": env("ZOOM_CLIENT_SECRET", default=""),
            "settings": {"hidden": True},
        }
    ]

MFA_ADAPTER = "accounts.mfa.MFAAdapter"  # TOTP keys and recovery-code seeds stored encrypted
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mecto"
MFA_RECOVERY_CODE_COUNT = 10

USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ACTIVITY_INTERVAL = 300  # seconds between two activity writes of a session (mecto.sessions)

HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_TOKEN_STRATEGY = "mecto.sessions.SessionTokenStrategy"  # one session read per app request

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag; the cookie stays same-site
# Sessions live in the database and are read through the cache: an app request's session token
# is one cache read, not a query (ending a session deletes both; docs/performance.md).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# Every page, email and PDF comes in these; a person picks theirs on the account page, a business
# sets the default for its clients and visitors (mecto/language.py says which one a request gets).
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date and number formats per language (mecto/formats/<lang>/formats.py), the admin included.
FORMAT_MODULE_PATH = ["mecto.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Email and SMS --------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mecto <no-reply@mecto.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SENDGRID_API_KEY = env("SENDGRID_API_KEY", default="")
# The base64 public key SendGrid shows for the Signed Event Webhook (Mail Settings).
SENDGRID_WEBHOOK_PUBLIC_KEY = env("SENDGRID_WEBHOOK_PUBLIC_KEY", default="")
# SendGrid validates each request and answers as usual but delivers nothing (staging, load tests).
SENDGRID_SANDBOX_MODE = env.bool("SENDGRID_SANDBOX_MODE", default=False)
# The Mail Send API's address (a local fake in bench/marketing.py).
SENDGRID_API_HOST = env("SENDGRID_API_HOST", default="https://api.sendgrid.com")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="mecto.comms.sendgrid.EmailBackend"
    if SENDGRID_API_KEY
    else "django.core.mail.backends.console.EmailBackend",
)
SMS_BACKEND = env("SMS_BACKEND", default="")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")

# Web push (mecto.comms.push): the VAPID key pair (base64url; `manage.py vapid_keys` makes
# one) and the contact the push services may reach us at (mailto: or https:). Without keys,
# a pair is made once into VAPID_KEY_FILE (dev); production has no file, so push stays off.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env("VAPID_SUBJECT", default="")
VAPID_KEY_FILE = env("VAPID_KEY_FILE", default=str(VAR_DIR / "vapid_keys.json"))
# The worker posts only to these push services (and their subdomains): Chrome/Android (FCM),
# Firefox, Safari/iOS and Edge. A browser whose service is not listed is refused at sign-up.
PUSH_SERVICE_HOSTS = env.list(
    "PUSH_SERVICE_HOSTS",
    default=["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"],
)
PUSH_MAX_DEVICES = env.int("PUSH_MAX_DEVICES", default=10)
PUSH_MAX_FAILURES = env.int("PUSH_MAX_FAILURES", default=5)

# The sending mechanism (mecto.comms): where the file backends write, and how long the
# sweep waits before it treats a queued row as lost or a row being sent as interrupted.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "email.log"))
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(VAR_DIR / "sms.log"))
COMMS_LOST_TASK_AFTER = env.int("COMMS_LOST_TASK_AFTER", default=120)
COMMS_SENDING_STALE_AFTER = env.int("COMMS_SENDING_STALE_AFTER", default=600)
# The email/SMS provider's limit: no business's marketing rate may be set above it.
MARKETING_MAX_RATE_PER_MINUTE = env.int("MARKETING_MAX_RATE_PER_MINUTE", default=3000)

# Seconds a client-coach message may stay unread before its recipient gets an email.
CLIENT_MESSAGE_EMAIL_DELAY = env.int("CLIENT_MESSAGE_EMAIL_DELAY", default=900)

# --- Payments --------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_CONNECT_CLIENT_ID = env("STRIPE_CONNECT_CLIENT_ID", default="")

# --- Secrets of connected accounts --------------------------------------------------------------
# Fernet keys (comma-separated, newest first) used to encrypt OAuth tokens and API keys at rest.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# --- Booking and video ---------------------------------------------------------------------------
BOOKING_MANAGE_LINK_MAX_AGE_DAYS = env.int("BOOKING_MANAGE_LINK_MAX_AGE_DAYS", default=60)
JITSI_BASE_URL = env("JITSI_BASE_URL", default="https://meet.jit.si")

# --- Celery ---------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # A broker that needs no server: kombu's filesystem transport, one folder under var/.
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    _broker_dir = Path(env("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks every app needs; each app adds its own in its AppConfig.
CELERY_BEAT_SCHEDULE = {
    "ops-heartbeat": {"task": "mecto.heartbeat", "schedule": 30.0},
    "events-sweep": {"task": "mecto.dispatch_pending_events", "schedule": 60.0},
    "messages-sweep": {"task": "mecto.sweep_messages", "schedule": 60.0},
}
HEARTBEAT_STALE_AFTER = 180  # seconds without a heartbeat before the worker or beat counts as down

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "integrations.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mecto.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "mecto.api_errors.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "mecto.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "mecto.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "mecto.throttling.AnonRateThrottle",  # DRF's scopes, one counter per caller (mecto/throttling.py)
        "mecto.throttling.UserRateThrottle",
        "integrations.authentication.ApiTokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
        "api_token": env("API_THROTTLE_TOKEN", default="600/minute"),
    },
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mecto API",
    "DESCRIPTION": (
        "The REST API of Mecto for coaches and the client app. Authenticate with a session "
        "token from the headless auth endpoints (`X-Session-Token` header) or a browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "accounts.models.Membership.Role",
        "PersonRoleEnum": "accounts.models.PERSON_ROLE_CHOICES",
        "BlockKindEnum": "training.models.Block.Kind",
        "WorkoutLogStatusEnum": "training.models.WorkoutLog.Status",
        "ClientStatusEnum": "clients.models.Client.Status",
        "ReactionKindEnum": "clients.models.Reaction.Kind",
        "BookingStatusEnum": "booking.models.Booking.Status",
        "SessionStatusEnum": "booking.models.Session.Status",
        "BookingAttendanceEnum": "booking.models.Booking.Attendance",
        "ConnectedAccountStatusEnum": "integrations.models.ConnectedAccount.Status",
        "PersonalRecordKindEnum": "training.models.PersonalRecord.Kind",
        "AvailabilityExceptionKindEnum": "booking.models.AvailabilityException.Kind",
        "CreditEntryKindEnum": "booking.models.CreditEntry.Kind",
        "PlanKindEnum": "billing.models.Plan.Kind",
        "IntakeQuestionKindEnum": "clients.models.IntakeQuestion.Kind",
        "MetricKindEnum": "clients.models.Metric.Kind",
        "InvoiceStatusEnum": "billing.models.Invoice.Status",
        "MembershipStatusEnum": "billing.models.Subscription.Status",
        "PaymentStatusEnum": "billing.models.Payment.Status",
        "BookingPaymentStatusEnum": "booking.models.Booking.PaymentStatus",
        "ProgramGoalEnum": "training.models.Goal",
        "HabitKindEnum": "nutrition.models.habits.HabitKind",
        "HabitFrequencyEnum": "nutrition.models.habits.HabitFrequency",
        "HabitQuantityEnum": "nutrition.models.habits.HabitQuantity",
        "MealPlanStatusEnum": "nutrition.models.plans.MealPlan.Status",
        "CheckInStatusEnum": "clients.models_checkins.CheckIn.Status",
        "SignatureMethodEnum": "clients.models_checkins.WaiverSignature.Method",
        "HealthKindEnum": "clients.models_health.HealthKind",
        "SleepStageEnum": "clients.models_health.HealthSample.SleepStage",
        "AccessKindEnum": "billing.models_access.AccessKind",
        "AccessReasonEnum": "billing.models_access.AccessGrant.Reason",
        "PlanRequestStatusEnum": "billing.models_requests.PlanRequest.Status",
        "WaitlistEntryStatusEnum": "booking.models_classes.WaitlistEntry.Status",
    },
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/img/favicon.svg",
    "DISABLE_ERRORS_AND_WARNINGS": False,
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "sessionToken": {"type": "apiKey", "in": "header", "name": "X-Session-Token"},
        }
    },
    "SECURITY": [{"sessionToken": []}, {"cookieAuth": []}],
}

# --- Content-Security-Policy (django-csp 4) ------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        # SITE_URL too: brand logos are absolute URLs (emails need them), also on a business's own domain.
        # i.ytimg.com: the still of a coach's YouTube link shown as an exercise's thumbnail.
        "img-src": ["'self'", "data:", "blob:", SITE_URL, "https://i.ytimg.com"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The installable app: its service worker (/sw.js) and manifest are our own files.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        # https: a coach's exercise video may be an https link to an MP4 file on their own hosting.
        "media-src": ["'self'", "blob:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # Forms that redirect to Stripe's hosted pages: Checkout, Connect onboarding, the customer portal.
        "form-action": [
            "'self'",
            "https://checkout.stripe.com",
            "https://connect.stripe.com",
            "https://billing.stripe.com",
        ],
        "frame-ancestors": ["'none'"],
    }
}
if AWS_STORAGE_BUCKET_NAME:
    _s3_origin = env("AWS_S3_PUBLIC_ORIGIN", default="https://*.amazonaws.com")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_s3_origin)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"].append(_s3_origin)

# --- CORS: an explicit allow-list for the app's web build, never a reflected origin ----------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|_allauth)/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "content-type", "x-session-token", "x-organization", "x-csrftoken"]

# --- Security ----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The filesystem broker URL has no host by design; kombu warns about it on every connection.
        "kombu.connection": {"level": "ERROR" if CELERY_BROKER_URL.startswith("filesystem:") else "WARNING"},
    },
}

# Demo data (make run): logins printed on screen. Never used outside DEBUG.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="mecto-demo-2026")

# --- Training: an optional OpenAI-compatible language model polishes generated drafts --------------
# Empty base URL: drafts keep the local generator's names and notes (the default).
TRAINING_LLM_BASE_URL = env("TRAINING_LLM_BASE_URL", default="").rstrip("/")
TRAINING_LLM_API_KEY = env("TRAINING_LLM_API_KEY", default="")
TRAINING_LLM_MODEL = env("TRAINING_LLM_MODEL", default="gpt-4o-mini")
TRAINING_LLM_TIMEOUT = env.float("TRAINING_LLM_TIMEOUT", default=20.0)

# Outgoing webhooks (integrations/ssrf.py): plain http and loopback receivers only where a
# setting allows them (development, tests, the bench); production refuses both.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=False)
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 366
