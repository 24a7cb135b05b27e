"""The web faces' guard against input no view could read: one place for the rules, before
any view or database sees the request."""

from django.http import HttpResponseBadRequest, JsonResponse

# The longest text a query parameter may carry: far above any name, code or search a person
# types, far below what a database's pattern matching refuses (SQLite's LIKE stops at 50,000).
MAX_PARAMETER_LENGTH = 1_000


class RefuseUnreadableInput:
    """Answers 400, with the reason, a request whose path or query holds a NUL byte (which
    PostgreSQL cannot store or compare) or a query parameter longer than
    MAX_PARAMETER_LENGTH characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": problem}, status=400)
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")


def _problem(request) -> str | None:
    if "\x00" in request.path:
        return "The address holds a NUL byte (%00), which no page or record can contain."
    for name, values in request.GET.lists():
        for value in [name, *values]:
            if "\x00" in value:
                return f"The query parameter {name!r} holds a NUL byte (%00)."
            if len(value) > MAX_PARAMETER_LENGTH:
                return (
                    f"The query parameter {name[:40]!r} is {len(value):,} characters long; "
                    f"the most any parameter may be is {MAX_PARAMETER_LENGTH:,}."
                )
    return None
