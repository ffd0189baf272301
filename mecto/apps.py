from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MectoConfig(AppConfig):
    name = "mecto"
    verbose_name = _("Platform")

    def ready(self):
        from . import (
            language,  # noqa: F401  (registers its system check)
            serializer_fields,
            support,
        )
        from .comms import checks  # noqa: F401  (registers the system checks)

        serializer_fields.install()  # model serializers build their fields once per class

        support.register_client_section(support.messages_section)
        # The filesystem broker (embedded default) needs its folders before the first task.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
                if options.get(key):
                    Path(options[key]).mkdir(parents=True, exist_ok=True)
