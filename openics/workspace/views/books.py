"""The books in the workspace (issue 17): a finance dashboard per ICB and year, from the same
selectors as the portal's books page and `openics ledger balance`, and the everyday writes,
each calling one ledger (or allocation) service as the person signed in. A refusal is shown
in the error summary with the rule it was refused on and where the rule comes from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from openics.allocation import services as allocation
from openics.allocation.models import PlaceAllocationRun, RunStatus
from openics.contracts.models import Contract
from openics.core.audit import Refused
from openics.kernel.years import FinancialYear
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.models import Account, Transaction, TransactionKind
from openics.population.selectors import registered_by_icb
from openics.workspace import access
from openics.workspace import ledger_forms as lf
from openics.workspace.views.common import actor, error_list, organisation, page, today


def refusal_lines(exc: Refused) -> list[str]:
    """Each reason of a refusal, with its rule and citation where the service named them."""
    rule = f" (rule {exc.rule}: {exc.citation})" if exc.rule else ""
    return [f"{reason}{rule}" for reason in exc.reasons]


def _years(org) -> list[str]:
    held = Transaction.objects.filter(postings__account__organisation=org).order_by()
    return sorted(held.values_list("financial_year", flat=True).distinct(), reverse=True)


def _year(request, years: list[str]) -> FinancialYear:
    """The year asked for; else this year, or the latest in the books if this has none."""
    asked = request.GET.get("year", "")
    try:
        if asked:
            return FinancialYear.parse(asked)
    except ValueError:
        raise Http404(f"{asked[:20]!r} is not a financial year, like 2025-26") from None
    current = FinancialYear.containing(today())
    return current if current.label in years or not years else FinancialYear.parse(years[0])


@login_required
def dashboard(request, code: str):
    org = organisation(code)
    years = _years(org)
    fy = _year(request, years)
    balance = selectors.icb_balance(org, fy.label)
    population = int((registered_by_icb(fy.label).get(org.pk) or (0, 0))[1] or 0)
    duties = selectors.system_duties(org, fy.label, population=population, balance=balance)
    runs = PlaceAllocationRun.objects.filter(icb=org, financial_year=fy.label).exclude(
        status=RunStatus.SUPERSEDED
    )
    delegated_runs = set(
        Transaction.objects.filter(
            kind=TransactionKind.DELEGATION, source_type="allocation.placeallocationrun"
        ).values_list("source_id", flat=True)
    )
    recent = (
        Transaction.objects.filter(postings__account__organisation=org, financial_year=fy.label)
        .distinct()
        .select_related("reverses")
        .order_by("-recorded_at")[:25]
    )
    done = Transaction.objects.filter(number=request.GET.get("done", "")[:20]).first()
    return page(
        request,
        "books/dashboard.jinja",
        {
            "year": fy,
            "years": years,
            "result": balance,
            "delegated": selectors.delegated_to_places(org, fy.label),
            "duties": duties,
            "runs": [(run, str(run.pk) in delegated_runs) for run in runs],
            "recent": list(recent),
            "done": done,
            "reversed": set(
                Transaction.objects.filter(reverses__in=list(recent)).values_list(
                    "reverses__number", flat=True
                )
            ),
        },
        org=org,
    )


def _done(org, txn, on):
    url = reverse("workspace:books", args=[org.code])
    number = txn[0].number if isinstance(txn, list) and txn else getattr(txn, "number", "")
    return redirect(f"{url}?year={FinancialYear.containing(on).slug}&done={number}")


def _account(org, key: str) -> Account:
    found = Account.objects.filter(organisation=org, key=key).first()
    if found is None:
        raise Refused(f"{org.name} has no account {key}")
    return found


def _contract(org, reference: str) -> Contract:
    found = Contract.objects.filter(commissioner=org, reference=reference).first()
    if found is None:
        raise Refused(f"{org.name} commissions no contract {reference}")
    return found


def _write(request, code: str, action: str, form_class, call, *, intro: str = "", obj=None):
    """One books form: checked, then the service called as the person; refusals shown."""
    org = organisation(code)
    access.require(request, action, org.code)
    target = obj(org) if obj else None
    form = form_class(request.POST or None, org=org, initial={"on": today()})
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            txn, on = call(org, target, data, actor(request), data["reason"])
        except Refused as exc:
            refusals = refusal_lines(exc)
        else:
            return _done(org, txn, on)
    return page(
        request,
        "books/write.jinja",
        {
            "form": form,
            "errors": error_list(form, refusals),
            "title": access.BY_NAME[action].title,
            "intro": intro,
            "target": target,
        },
        org=org,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request, code: str):
    def call(org, _, data, who, why):
        source, target = _account(org, data["source"]), _account(org, data["target"])
        text = data["description"] or f"Virement: {source.name} to {target.name}"
        txn = books.transfer_budget(
            source=source, target=target, amount=data["amount"], on=data["on"],
            description=text, actor=who, reason=why,
        )  # fmt: skip
        return txn, data["on"]

    return _write(request, code, "transfer_budget", lf.TransferForm, call)


@login_required
@require_http_methods(["GET", "POST"])
def commit(request, code: str):
    def call(org, _, data, who, why):
        txn = books.commit(
            contract=_contract(org, data["contract"]), source=_account(org, data["source"]),
            amount=data["amount"], on=data["on"], actor=who, reason=why,
        )  # fmt: skip
        return txn, data["on"]

    return _write(request, code, "commit", lf.CommitForm, call)


@login_required
@require_http_methods(["GET", "POST"])
def approve_invoice(request, code: str):
    def call(org, _, data, who, why):
        txn = books.approve_invoice(
            contract=_contract(org, data["contract"]), amount=data["amount"], on=data["on"],
            invoice_number=data["invoice_number"], actor=who, reason=why,
        )  # fmt: skip
        return txn, data["on"]

    return _write(
        request, code, "approve_invoice", lf.InvoiceForm, call,
        intro="The invoice moves from the contract's commitment to its payables until paid.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, code: str):
    def call(org, _, data, who, why):
        txn = books.pay(
            contract=_contract(org, data["contract"]), amount=data["amount"], on=data["on"],
            invoice_number=data["invoice_number"], actor=who, reason=why,
        )  # fmt: skip
        return txn, data["on"]

    return _write(
        request, code, "pay", lf.InvoiceForm, call,
        intro="An approved invoice is paid from its payables; any other from the commitment.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def pay_month(request, code: str):
    def call(org, _, data, who, why):
        txns = books.pay_month(
            contract=_contract(org, data["contract"]), month_end=data["month_end"],
            activity_units=data["activity_units"], actor=who, reason=why,
        )  # fmt: skip
        return txns, data["month_end"]

    return _write(
        request, code, "pay_month", lf.MonthForm, call,
        intro="The fixed element and the variable element on the month's activity.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def reverse_transaction(request, code: str, number: str):
    def find(org):
        txn = (
            Transaction.objects.filter(number=number, postings__account__organisation=org)
            .distinct()
            .first()
        )
        if txn is None:
            raise Http404(f"{org.name}'s books hold no transaction {number}")
        return txn

    def call(org, original, data, who, why):
        return books.reverse(original=original, on=data["on"], actor=who, reason=why), data["on"]

    return _write(
        request, code, "reverse", lf.DatedForm, call, obj=find,
        intro="An equal and opposite transaction cancels it; the original stays on the record.",
    )  # fmt: skip


def _run(org, run_id: str) -> PlaceAllocationRun:
    run = PlaceAllocationRun.objects.filter(icb=org, pk=run_id).first()
    if run is None:
        raise Http404(f"{org.name} has no such place allocation run")
    return run


@login_required
@require_http_methods(["GET", "POST"])
def approve_run(request, code: str, run: str):
    def call(org, found, data, who, why):
        allocation.approve_run(run=found, actor=who, reason=why)
        return None, today()

    return _write(
        request, code, "approve_run", lf.ConfirmForm, call, obj=lambda org: _run(org, run),
        intro="Approving a run makes its place budgets the ones the books will use; "
        "an earlier approved run of the same line is superseded.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def delegate_run(request, code: str, run: str):
    def call(org, found, data, who, why):
        txn = books.delegate_to_places(run=found, on=data["on"], actor=who, reason=why)
        return txn, data["on"]

    return _write(
        request, code, "delegate_run", lf.DatedForm, call, obj=lambda org: _run(org, run),
        intro="The approved run's place budgets move from the allocation to each place.",
    )  # fmt: skip
