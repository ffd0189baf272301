"""System checks of the sending mechanism's configuration."""

from django.core.checks import Error, Tags, register

from . import push


@register(Tags.security)
def vapid_keys_match(app_configs, **kwargs):
    """A half-set or mismatched VAPID pair would sign what no browser accepts."""
    return [
        Error(problem, hint="manage.py vapid_keys --new prints a matching pair.", id="mecto.E101")
        for problem in push.key_problems()
    ]
