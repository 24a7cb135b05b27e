"""Django system checks of a deployment's own (run by `openics check --deploy`)."""

from __future__ import annotations

from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def checkpoint_key(app_configs=None, **kwargs):
    """Without a key no checkpoint is signed, so nothing published can later prove the record
    unchanged."""
    from openics.core import signing

    try:
        key = signing.private_key()
    except signing.CheckpointKeyError as exc:
        return [checks.Error(str(exc), id="openics.E001")]
    if key is None:
        return [
            checks.Warning(
                "no checkpoint key is configured, so no signed checkpoint of the record of "
                "decisions or the books is written or published",
                hint=f"set {signing.KEY_VARIABLE} to a file holding an Ed25519 private key "
                "(PEM, PKCS#8), kept outside the database; see docs/public-record.md",
                id="openics.W001",
            )
        ]
    return []
