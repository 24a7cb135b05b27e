"""The models and the migrations agree: nobody forgot to make one."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    # --check exits non-zero (SystemExit) when a migration would be made.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
