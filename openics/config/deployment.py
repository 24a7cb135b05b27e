"""What a deployment must not run with: the public default secret key, or DEBUG, unless
OPENICS_DEMO=1 says this is the demonstration on one machine. `openics serve` and the WSGI
application refuse to start with either; `openics check --deploy` also runs Django's own
deployment checks."""

from __future__ import annotations

import os


def demonstration() -> bool:
    """OPENICS_DEMO=1 (read when asked, so `openics demo` can say so as it starts serving)."""
    from django.conf import settings

    flag = os.environ.get("OPENICS_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}
    return settings.DEMO or flag


def refusals() -> list[str]:
    """Why this configuration must not serve the public; empty when it may."""
    from django.conf import settings

    if demonstration():
        return []
    problems = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        problems.append(
            "OPENICS_SECRET_KEY is not set, so the public default key would sign sessions; "
            "set it to a long random secret (or OPENICS_DEMO=1 for the demonstration)"
        )
    from openics.workspace.oidc import missing_settings

    if missing_settings():
        problems.append(
            "single sign-on is switched on (OPENICS_OIDC_CLIENT_ID) but "
            + ", ".join(missing_settings())
            + " not set"
        )
    if settings.DEBUG:
        problems.append(
            "OPENICS_DEBUG is on, which shows tracebacks to anyone; turn it off "
            "(or OPENICS_DEMO=1 for the demonstration)"
        )
    return problems


class RefusedToServe(RuntimeError):
    pass


def refuse_to_serve_if_unsafe() -> None:
    problems = refusals()
    if problems:
        raise RefusedToServe("refusing to serve: " + "; ".join(problems))
