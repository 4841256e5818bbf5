"""Django settings. Every secret and deployment choice comes from the environment.

MOTCUA_HOME       folder for the embedded database, uploads and the generated secret (default ./var)
DATABASE_URL      e.g. postgres://user@127.0.0.1:5432/motcua (default: SQLite under MOTCUA_HOME)
MOTCUA_SECRET_KEY the signing secret (default: generated once into MOTCUA_HOME/secret_key)
MOTCUA_DEBUG      1 to enable debug pages (never in production)
MOTCUA_ALLOWED_HOSTS comma-separated host names (default: localhost names)
MOTCUA_HTTPS      1 when the site is reached over HTTPS (production): SSL redirect, HSTS, secure cookies
MOTCUA_BEHIND_TLS_PROXY 1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto
MOTCUA_HSTS_SECONDS, MOTCUA_HSTS_PRELOAD  HSTS lifetime (default one year with MOTCUA_HTTPS) and preload
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("MOTCUA_HOME", Path.cwd() / "var")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A per-installation key kept outside the repository, so nothing secret is ever committed."""
    key_file = HOME / "secret_key"
    if not key_file.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY") or _local_secret_key()
DEBUG = _env_flag("MOTCUA_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MOTCUA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("MOTCUA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # its bundled Swagger UI for /api/docs (no CDN: the docs work offline)
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "motcua.network",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.desk",
    "motcua.portal",
    "motcua.monitoring",
    "motcua.payments",
    "motcua.tickets",
    "motcua.oversight",
    "motcua.documents",
    "motcua.demo",
    "oauth2_provider",  # the demo's local OpenID provider (motcua.demo.provider)
    "motcua.citizens",
    "motcua.notifications",
    "motcua.feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "motcua.documents.middleware.UploadLimits",  # before anything reads a form
    "motcua.middleware.RejectNulCharacters",
    "motcua.middleware.ApiMethodNotAllowed",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.middleware.VietnameseUnlessChosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.demo.context.history_load",
                "motcua.citizens.context.citizen",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        HOME.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "motcua.sqlite3")}
    if config["ENGINE"].endswith("sqlite3"):
        # Tests use a file database too, so concurrent-intake tests can open several connections.
        config["TEST"] = {"NAME": str(HOME / "test_motcua.sqlite3")}
        # IMMEDIATE transactions take the write lock up front: concurrent intakes queue instead of
        # failing with "database is locked" half-way through; WAL lets readers go on meanwhile.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Staff log in with a password (ModelBackend); people and businesses through OpenID Connect, whose
# backend answers only the citizens' callback and never logs a staff user in (motcua.citizens.oidc).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "motcua.citizens.oidc.CitizenBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/start/"  # the dashboard for those who oversee, the work queue for the others

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(HOME / "media")},
    },
    # Scanned papers and electronic results: never on a public URL (no MEDIA_URL is routed); any
    # django-storages backend by setting MOTCUA_DOCUMENT_STORAGE (a dotted class path).
    "documents": {
        "BACKEND": os.environ.get("MOTCUA_DOCUMENT_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(HOME / "documents")}
        if "MOTCUA_DOCUMENT_STORAGE" not in os.environ
        else {},
    },
    # Not the manifest variant: pages must render before collectstatic has run (tests, first start).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Production runs behind HTTPS (README, "Production settings"): `motcua check --deploy` is then clean.
HTTPS = _env_flag("MOTCUA_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's plain-HTTP health probe
if _env_flag("MOTCUA_BEHIND_TLS_PROXY"):  # only when the proxy sets (and strips) X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", 365 * 86400 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = _env_flag("MOTCUA_HSTS_PRELOAD", default=HTTPS)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or _env_flag("MOTCUA_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# No inline script or style anywhere: page behaviour lives in static files (motcua/site.js). The
# planning map, a self-contained page shown in a frame, sets its own policy (monitoring/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work (network planning runs) goes through Django's task API with a database queue:
# nothing else to run for the embedded default; `motcua serve` starts a worker beside the web server.
TASKS = {"default": {"BACKEND": os.environ.get("MOTCUA_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "motcua_cache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "WARNING")},
}

# Province configuration: items marked (verify) in the domain brief are settings, never hard-coded rules.
MOTCUA = {
    "PROVINCE_NAME": os.environ.get("MOTCUA_PROVINCE_NAME", "Bình Dương"),
    "WORKING_PERIODS": os.environ.get("MOTCUA_WORKING_PERIODS", "07:00-11:30,13:30-17:00"),
    "RECEIPT_CUTOFF": os.environ.get("MOTCUA_RECEIPT_CUTOFF", "15:00"),
    "USE_NATIONAL_HOLIDAYS": _env_flag("MOTCUA_USE_NATIONAL_HOLIDAYS", default=True),
    # "due soon": due within this much working time (the API, queues, desk and watch all read it)
    "DUE_SOON_WORKING_HOURS": float(os.environ.get("MOTCUA_DUE_SOON_WORKING_HOURS", "8")),
    # reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated); none by default
    "TRUSTED_PROXIES": os.environ.get("MOTCUA_TRUSTED_PROXIES", ""),
    # The event log's daily checkpoints (dossiers/checkpoints.py): signed with an Ed25519 key that the
    # database does not hold: MOTCUA_CHECKPOINT_KEY (base64 of the 32-byte private key, or PEM), else
    # the PEM file MOTCUA_CHECKPOINT_KEY_FILE (generated once when missing); written to CHECKPOINT_DIR.
    "CHECKPOINT_KEY": os.environ.get("MOTCUA_CHECKPOINT_KEY", ""),
    "CHECKPOINT_KEY_FILE": os.environ.get("MOTCUA_CHECKPOINT_KEY_FILE", str(HOME / "checkpoint_key.pem")),
    "CHECKPOINT_DIR": os.environ.get("MOTCUA_CHECKPOINT_DIR", str(HOME / "checkpoints")),
    # statuses in which a collected fee may be refunded (verify: which endings the fee law refunds);
    # default: refused and processing stopped
    "FEE_REFUND_STATUSES": os.environ.get("MOTCUA_FEE_REFUND_STATUSES", "3,8"),
    # the demo (make run): the log-in page lists the demo accounts, whose password is public
    "DEMO": _env_flag("MOTCUA_DEMO"),
    # the display board's voice (tickets/announce.py): Debian's espeak-ng; the board stays silent without it
    "ESPEAK_NG": os.environ.get("MOTCUA_ESPEAK_NG", "espeak-ng"),
    "ESPEAK_VOICE": os.environ.get("MOTCUA_ESPEAK_VOICE", "vi"),
    # Index 766 weights, thresholds and grade bands: the documented defaults of oversight/scoring.py
    # (each with its legal source) unless overridden here, e.g.
    # {"components": {"online.dossiers_online": {"max_points": 4, "threshold": 0.5}}, "zero_denominator": "na"}
    # the national-portal sync outbox: "folder" (default: MOTCUA_HOME/sync-outbox) or "http" (SYNC_URL)
    "SYNC_SENDER": os.environ.get("MOTCUA_SYNC_SENDER", "folder"),
    "SYNC_FOLDER": os.environ.get("MOTCUA_SYNC_FOLDER", ""),
    "SYNC_URL": os.environ.get("MOTCUA_SYNC_URL", ""),
    "SYNC_TOKEN": os.environ.get("MOTCUA_SYNC_TOKEN", ""),
    "SYNC_TIMEOUT": float(os.environ.get("MOTCUA_SYNC_TIMEOUT", "10")),
    "INDEX766": json.loads(os.environ.get("MOTCUA_INDEX766", "null")),
}

# The site's public address: verification links in QR codes, the OpenID redirect, tracking links.
PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# The online filer's papers (citizens/attachments.py): a file for each paper of the draft, or a signed
# paper of their own store, made the dossier's documents when it is sent (documents/online.py).
MOTCUA["ONLINE_PAPERS"] = "motcua.documents.online.draft_papers"
MOTCUA["ONLINE_PAPER_FILES"] = "motcua.documents.online.file_draft_papers"

# Electronic documents (documents app): limits, signing key store, timestamps, trust roots.
MOTCUA["DOCUMENTS"] = {
    "MAX_FILE_MB": float(os.environ.get("MOTCUA_MAX_FILE_MB", "20")),
    "MAX_DOSSIER_MB": float(os.environ.get("MOTCUA_MAX_DOSSIER_MB", "100")),
    "MAX_PAGES": int(os.environ.get("MOTCUA_MAX_PAGES", "500")),
    "PUBLIC_URL": PUBLIC_URL,  # where verification links point (printed in QR codes)
    # "pkcs12": a .p12 file per certificate (demo, tests); "pkcs11": a token (USB token, HSM)
    "KEY_STORE": os.environ.get("MOTCUA_SIGNING_KEY_STORE", "pkcs12"),
    "PKCS12_PASSWORD": os.environ.get("MOTCUA_PKCS12_PASSWORD", ""),
    "PKCS11_LIBRARY": os.environ.get("MOTCUA_PKCS11_LIBRARY", "/usr/lib/softhsm/libsofthsm2.so"),
    "PKCS11_TOKEN": os.environ.get("MOTCUA_PKCS11_TOKEN", ""),
    "PKCS11_PIN": os.environ.get("MOTCUA_PKCS11_PIN", ""),
    "TSA_URL": os.environ.get("MOTCUA_TSA_URL", ""),  # RFC 3161; empty: PAdES B-B
    # PEM or DER certificates of the trusted roots (a folder); load-demo puts its demo CA there
    "TRUST_ROOTS": os.environ.get("MOTCUA_TRUST_ROOTS", str(HOME / "trust")),
    "KEYS": os.environ.get("MOTCUA_KEYS", str(HOME / "keys")),  # the demo's .p12 files
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024  # larger uploads stream to a temporary file

# --- People and businesses: OpenID Connect log-in (motcua.citizens) --------------------------------
# A real provider (the national identity service) is configured by MOTCUA_OIDC_ISSUER and the
# client's id and secret; its endpoints default to the issuer's usual paths and each can be set.
# Without MOTCUA_OIDC_ISSUER the demo's local provider (django-oauth-toolkit, motcua.demo.provider)
# serves at /demo-idp/ on MOTCUA_PUBLIC_URL, with the demo citizens of motcua/demo/data/citizens.json.
OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "").rstrip("/")
DEMO_IDENTITY_PROVIDER = not OIDC_ISSUER
_issuer = OIDC_ISSUER or f"{PUBLIC_URL}/demo-idp"


def _home_secret(name: str, make) -> str:
    """A generated demo secret kept in MOTCUA_HOME (never in the repository)."""
    path = HOME / name
    if not path.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text()


def _demo_rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


OIDC_RP_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "motcua-portal")
OIDC_RP_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET") or (
    _home_secret("oidc_client_secret", lambda: secrets.token_urlsafe(32)) if DEMO_IDENTITY_PROVIDER else ""
)
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", f"{_issuer}/authorize/")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("MOTCUA_OIDC_TOKEN_ENDPOINT", f"{_issuer}/token/")
OIDC_OP_USER_ENDPOINT = os.environ.get("MOTCUA_OIDC_USERINFO_ENDPOINT", f"{_issuer}/userinfo/")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("MOTCUA_OIDC_JWKS_ENDPOINT", f"{_issuer}/.well-known/jwks.json")
OIDC_RP_SIGN_ALGO = os.environ.get("MOTCUA_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone address")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = float(os.environ.get("MOTCUA_OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "citizens:oidc_callback"
OIDC_CREATE_USER = False  # a citizen is never a Django user (motcua.citizens.oidc)
# Which claim holds what; the ID number's claim name is the provider's (verify against VNeID).
OIDC_CLAIMS = {
    "id_number": os.environ.get("MOTCUA_OIDC_CLAIM_ID_NUMBER", "id_number"),
    "name": "name",
    "birth_date": "birthdate",
    "address": "address",
    "phone": "phone_number",
    "email": "email",
}

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("MOTCUA_OIDC_RSA_PRIVATE_KEY")
    or (_home_secret("oidc_rsa_key.pem", _demo_rsa_key) if DEMO_IDENTITY_PROVIDER else ""),
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Họ tên, ngày sinh, số định danh / name, birth date, ID number",
        "email": "Thư điện tử / e-mail",
        "phone": "Số điện thoại / phone",
        "address": "Địa chỉ / address",
    },
    "OAUTH2_VALIDATOR_CLASS": "motcua.demo.provider.DemoClaimsValidator",
    # plain http only for the demo on this machine; behind HTTPS, https redirect URIs only
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if HTTPS else ["http", "https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    # RFC 9700 (OAuth 2.0 Security BCP): the compliant behaviour, which django-oauth-toolkit 4 makes the
    # default: no implicit or password grant, PKCE S256 only, tokens in headers and hashed, the `iss`
    # response parameter, refresh-token replay revoking the family
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

# --- Notifications to applicants (motcua.notifications) ---------------------------------------------
# E-mail through Django's backends: SMTP when MOTCUA_EMAIL_HOST is set, else files under
# MOTCUA_HOME/outbox/email. SMS and Zalo through an HTTP provider when its URL is set (the body
# template's {to}, {text}, {subject} are filled in), else one line per message in MOTCUA_HOME/outbox.
if os.environ.get("MOTCUA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["MOTCUA_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("MOTCUA_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("MOTCUA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("MOTCUA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_flag("MOTCUA_EMAIL_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = HOME / "outbox" / "email"
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_EMAIL_FROM", "motcua@localhost")
MOTCUA["NOTIFY_SENDERS"] = {
    channel: {
        "url": os.environ.get(f"MOTCUA_{channel.upper()}_URL", ""),
        "template": os.environ.get(f"MOTCUA_{channel.upper()}_TEMPLATE", ""),
        "token": os.environ.get(f"MOTCUA_{channel.upper()}_TOKEN", ""),
    }
    for channel in ("sms", "zalo")
}
MOTCUA["NOTIFY_DEFAULT_CHANNELS"] = os.environ.get("MOTCUA_NOTIFY_DEFAULT_CHANNELS", "email,sms")
MOTCUA["NOTIFY_MAX_ATTEMPTS"] = int(os.environ.get("MOTCUA_NOTIFY_MAX_ATTEMPTS", "8"))
MOTCUA["NOTIFY_MAX_AGE_HOURS"] = float(os.environ.get("MOTCUA_NOTIFY_MAX_AGE_HOURS", "24"))
# assisted online filing (citizens.assisted): a one-time code's lifetime, and wrong tries per code
MOTCUA["ASSISTED_CODE_MINUTES"] = int(os.environ.get("MOTCUA_ASSISTED_CODE_MINUTES", "10"))
MOTCUA["ASSISTED_CODE_ATTEMPTS"] = int(os.environ.get("MOTCUA_ASSISTED_CODE_ATTEMPTS", "5"))
MOTCUA["ASSISTED_FILING_HOURS"] = float(os.environ.get("MOTCUA_ASSISTED_FILING_HOURS", "4"))

# --- Online payment (motcua.payments): a gateway class (dotted path); the demo's by default, whose
# callbacks are signed with MOTCUA_PAYMENT_SECRET (generated into MOTCUA_HOME when unset).
MOTCUA["PAYMENT_GATEWAY"] = os.environ.get("MOTCUA_PAYMENT_GATEWAY", "motcua.payments.demo.DemoGateway")
MOTCUA["PAYMENT_SECRET"] = os.environ.get("MOTCUA_PAYMENT_SECRET", "")
DEMO_PAYMENT_GATEWAY = MOTCUA["PAYMENT_GATEWAY"] == "motcua.payments.demo.DemoGateway"
