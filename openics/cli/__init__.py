"""cli: the `openics` command, one module per context on a shared runtime."""

from openics.cli import (  # noqa: F401  (each module adds its commands to `main`)
    allocation,
    installation,
    regimes,
    registry,
    tasks,
    users,
)
from openics.cli.arranging import arranging_group, export_group
from openics.cli.boards import boards_group
from openics.cli.capital import capital_group
from openics.cli.ledger import ledger_group, money_group
from openics.cli.plans import plans_group
from openics.cli.record import checkpoint, verify
from openics.cli.runtime import main
from openics.cli.workforce import workforce_group

for command in (
    ledger_group,
    money_group,
    arranging_group,
    export_group,
    boards_group,
    verify,
    checkpoint,
    workforce_group,
    capital_group,
    plans_group,
):
    main.add_command(command)

__all__ = ["main"]
