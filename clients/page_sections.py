"""Sections other apps add to the client page (a client's tasks, say), so the page imports
no app above clients. `func(request, client) -> (template_name, context) | None`, registered
in AppConfig.ready(); the page renders each in order."""

from collections.abc import Callable

from django.template.loader import render_to_string

_sections: list[tuple[int, Callable]] = []


def register(func: Callable, *, order: int = 100) -> Callable:
    _sections.append((order, func))
    return func


def render_sections(request, client) -> list[str]:
    """The registered sections' HTML for this client (a section returning None is left out)."""
    rendered = []
    for _order, func in sorted(_sections, key=lambda s: s[0]):
        section = func(request, client)
        if section is not None:
            template_name, context = section
            rendered.append(render_to_string(template_name, {"client": client, **context}, request=request))
    return rendered
