"""Reference data loaders (exercise library, food database): apps register a management
command here; `manage.py load_reference_data` runs them all, idempotently."""

_loaders: list[str] = []


def register_loader(command_name: str) -> None:
    if command_name not in _loaders:
        _loaders.append(command_name)


def loaders() -> list[str]:
    return list(_loaders)
