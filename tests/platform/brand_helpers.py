"""A distinctive business brand for tests of where the brand shows.

`harbour_brand` puts a provider in front of the platform's others for the test's length: every
business (or only `.only`) gets the Harbour Lift brand, and `.calls` counts how often it was
asked. A test module makes it a fixture under the name it likes:

    custom_brand_fixture = pytest.fixture(name="custom_brand")(brand_helpers.harbour_brand)
"""

from dataclasses import replace

from mecto import branding

HARBOUR = branding.Brand(
    name="Harbour Lift",
    primary="#7c2d12",
    primary_contrast="#ffffff",
    accent="#6d28d9",
    accent_contrast="#ffffff",
    background="#fffbeb",
    text="#1c1917",
    font="serif",
    logo_url="/media/brand/harbour-logo.png",
    icon_url="/media/brand/harbour-icon.png",
    sender_name="Harbour Lift Coaching",
    reply_to="hello@harbourlift.example",
    footer="Harbour Lift Ltd\n12 Quay Street <Bristol>",
    social_links=(("Instagram", "https://instagram.com/harbourlift"), ("YouTube", "https://youtube.com/@harbourlift")),
    is_custom=True,
)
# Every colour of the brand as it appears in a page's :root rule.
CSS_VARIABLES = (
    "--primary:#7c2d12",
    "--primary-contrast:#ffffff",
    "--accent:#6d28d9",
    "--accent-contrast:#ffffff",
    "--background:#fffbeb",
    "--text:#1c1917",
)


class BrandProvider:
    def __init__(self):
        self.brand = HARBOUR
        self.calls = 0
        self.only = None  # an organisation: the others keep the defaults

    def switch_off(self, *features: str) -> None:
        self.brand = replace(self.brand, features=frozenset(branding.FEATURES) - set(features))

    def __call__(self, organization):
        if organization is None:
            return None
        self.calls += 1
        if self.only is not None and organization.pk != self.only.pk:
            return None
        return self.brand


def harbour_brand():
    provider = BrandProvider()
    # First in line: whatever the branding app answers, the test's brand wins.
    branding._providers.insert(0, provider)
    yield provider
    branding._providers.remove(provider)
