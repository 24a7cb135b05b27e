"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import slugify
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from openics.kernel.money import Money
from openics.ledger.reports import company_number
from openics.portal.navigation import SECTIONS


def _url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def _static_dir(path: str) -> str:
    """The URL of a folder of static files (folders have no hashed name in the manifest)."""
    return settings.STATIC_URL + path.strip("/")


def _money(value) -> str:
    """Formats integer pence or Money as £1,234.56."""
    if value is None:
        return "—"
    if isinstance(value, Money):
        return value.format()
    return Money(value).format()


def _money_short(value) -> str:
    """£2.49bn, £24.0m, £350k: for labels where the exact figure is beside them."""
    return (value if isinstance(value, Money) else Money(int(value))).format_short()


def _thousands(value) -> str:
    return "—" if value is None else f"{value:,}"


def environment(**options) -> Environment:
    app_loader = options.pop("loader")
    # The NHS.UK macros read deep optional parameters, which needs ChainableUndefined.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)  # always on: every page shows data from outside
    env = Environment(
        loader=ChoiceLoader([app_loader, PackageLoader("nhsuk_frontend_jinja")]),
        autoescape=True,
        **options,
    )
    env.globals.update(
        {
            "static": static,
            "static_dir": _static_dir,
            "url": _url,
            "sections_nav": SECTIONS,
            "company_number": company_number,
        }
    )
    env.filters.update(
        {"money": _money, "money_short": _money_short, "thousands": _thousands, "slug": slugify}
    )
    return env
