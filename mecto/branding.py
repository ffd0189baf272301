"""The brand applied to pages and emails. Defaults: green, white and black."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Brand:
    name: str = "Mecto"
    primary: str = "#15803d"  # green 700: 5.0:1 on white, readable for text and buttons
    primary_contrast: str = "#ffffff"
    background: str = "#ffffff"
    text: str = "#0b0b0b"
    logo_url: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


_providers = []


def register_provider(func) -> None:
    """The branding app registers a function org -> Brand | None."""
    _providers.append(func)


def brand_for(organization) -> Brand:
    for provider in _providers:
        brand = provider(organization)
        if brand is not None:
            return brand
    if organization is not None:
        return Brand(name=organization.name)
    return Brand()
