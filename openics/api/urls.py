"""The read API: one NinjaAPI, one router per bounded context."""

from ninja import NinjaAPI

from openics.api.arranging import router as arranging_router
from openics.api.capital import router as capital_router
from openics.api.governance import router as governance_router
from openics.api.ledger import router as ledger_router
from openics.api.organisations import router as organisations_router
from openics.api.plans import router as plans_router
from openics.api.record import router as record_router
from openics.api.regimes import router as regimes_router
from openics.api.workforce import router as workforce_router

api = NinjaAPI(
    title="OpenICS read API",
    version="1",
    description=(
        "Read-only, public data of an NHS integrated care system: "
        "rules, organisations, money, decisions."
    ),
)
api.add_router("/regimes", regimes_router)
api.add_router("/organisations", organisations_router)
api.add_router("/ledger", ledger_router)
api.add_router("/arranging", arranging_router)
api.add_router("/governance", governance_router)
api.add_router("/record", record_router)
api.add_router("/workforce", workforce_router)
api.add_router("/capital", capital_router)
api.add_router("/plans", plans_router)
