"""Model fields every app shares."""

from django.core.validators import MaxLengthValidator
from django.db import models


class LimitedTextField(models.TextField):
    """Free text with a limit that the model (full_clean), model forms and DRF serializers all
    enforce: a longer value is a field error, never stored whole nor cut short. The database
    column stays unbounded text, so raising a limit later needs no table change."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))
