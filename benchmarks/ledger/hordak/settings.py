"""Minimal Django settings for django-hordak 2.0 on its own PostgreSQL database.

Used only by post.py in this folder, in a separate virtual environment (see
benchmarks/ledger/benchmark.py). The database comes from HORDAK_DATABASE_URL.
"""

import os

import dj_database_url

SECRET_KEY = "benchmark-only"  # noqa: S105 - never served
DEBUG = False
USE_TZ = True
TIME_ZONE = "Europe/London"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "mptt",
    "djmoney",
    "hordak",
]
DATABASES = {"default": dj_database_url.parse(os.environ["HORDAK_DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DEFAULT_CURRENCY = "GBP"
HORDAK_INTERNAL_CURRENCY = "GBP"
CURRENCIES = ["GBP"]
HORDAK_CURRENCIES = ["GBP"]
