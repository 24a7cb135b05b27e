"""Settings for the test suite: the same as production but for static file storage."""

from openics.config.settings import *  # noqa: F403

# Tests serve static files from the finders, with no collectstatic manifest to build first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user fixtures

# A test-only app with stand-in contracts and budgets that hold organisations.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.holdings_app"]  # noqa: F405

# Tests build data with factories as well as services, so a page kept for one data version
# could outlive the rows a test rolled back: the cache and the rate limit are off here and
# switched on by the tests that are about them (tests/integration/test_caching.py).
OPENICS_PAGE_CACHE = False
OPENICS_RATE_LIMIT = None

# Tasks run as they are queued; the tests about the queue itself switch the database
# backend back on and run a worker step (tests/integration/test_task_queue.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
