"""Mecto: a platform that runs a personal-training business end to end."""

from .celery import app as celery_app

__all__ = ["celery_app"]
