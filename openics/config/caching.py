"""Public answers computed once per change of the data, and a limit on how often one client
may make the server compute an expensive one.

`PublicPageCache` keeps every public GET answer (portal pages, downloads, the API) under a
key made of the data version (core.versions: it moves when any write service commits),
the day (pages show "today" by default), the host and the full address. A change of the
data is therefore its own invalidation: the services that write move the version, and an
answer made before it is never served after it. Signed-in people (a session cookie), the
workspace and answers that set a cookie or are marked private are never kept.

Small answers are kept in Django's cache (in memory in each server process by default);
large ones, a national spend file say, are written once to a file under var/ and streamed
from it to every client that asks.

`LimitExpensiveWork` sits behind the cache: only answers that must be computed count
against a client's allowance, so a crowd reading the same pages is never refused while a
client sweeping through uncached traces or downloads is told to wait (429, Retry-After).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from django.conf import settings

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
from django.core.cache import cache
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils import timezone

from openics.core.versions import current_version

# Addresses whose answers depend on who asks: never kept.
PRIVATE_PREFIXES = ("/workspace/", "/sign-in/", "/sign-out/", "/oidc/", "/admin/")
# Answers above this size are kept in a file rather than in memory.
LARGEST_IN_MEMORY = 1_000_000
VERSION_HEADER = "X-OpenICS-Data-Version"
_KEPT_HEADERS_SKIP = {"set-cookie", "content-length"}


def _key(request, version: int) -> str:
    address = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"openics:page:{version}:{timezone.localdate().isoformat()}:{digest}"


def _keepable_request(request) -> bool:
    return (
        request.method == "GET"
        and not request.path.startswith(PRIVATE_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _keepable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


class PublicPageCache:
    """Serves a public answer kept for this data version, or computes and keeps it.

    Two stores: each process's memory (Django's cache) for small answers, and files under
    var/ shared by every process. Only one process computes a given answer: the others
    wait on a lock on its file and then read what it wrote, so a crowd arriving just after
    a change (or sixteen clients starting the same national download) costs one
    computation, not one per process and thread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.OPENICS_PAGE_CACHE and _keepable_request(request)):
            return self.get_response(request)
        version = current_version()
        key = _key(request, version)
        kept = cache.get(key)
        if kept is None:
            store = _AnswerFiles(key)
            kept = store.read()
            if kept is None:
                with store.computing():
                    kept = store.read()  # another process may have finished meanwhile
                    if kept is None:
                        response = self.get_response(request)
                        if not _keepable_response(response) or current_version() != version:
                            return response  # not for keeping, or the data moved meanwhile
                        kept = store.write(response, version)
            cache.set(key, kept, timeout=settings.OPENICS_PAGE_CACHE_SECONDS)
        return _replay(kept, version) or self.get_response(request)


class _AnswerFiles:
    """One kept answer on disk: its body and its headers, written once, atomically."""

    def __init__(self, key: str) -> None:
        self.folder = Path(settings.VAR_DIR) / "cache" / "answers"
        self.name = key.replace(":", "_")
        self.body = self.folder / f"{self.name}.body"
        self.meta = self.folder / f"{self.name}.json"

    def read(self) -> dict | None:
        try:
            kept = json.loads(self.meta.read_text())
        except (FileNotFoundError, ValueError):
            return None
        if kept["size"] <= LARGEST_IN_MEMORY:
            try:
                kept["body"] = self.body.read_bytes()
            except FileNotFoundError:
                return None
        return kept

    @contextlib.contextmanager
    def computing(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if fcntl is None:  # Windows: no lock; at worst two processes compute the same answer
            yield
            return
        with open(self.folder / f"{self.name}.lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def write(self, response, version: int) -> dict:
        body = b"".join(response) if response.streaming else response.content
        headers = [(k, v) for k, v in response.items() if k.lower() not in _KEPT_HEADERS_SKIP]
        kept = {"status": 200, "headers": headers, "size": len(body), "file": str(self.body)}
        _write_atomically(self.body, body)
        _write_atomically(self.meta, json.dumps(kept).encode())
        self._clear_older()
        if len(body) <= LARGEST_IN_MEMORY:
            kept["body"] = body
        return kept

    def _clear_older(self) -> None:
        """Removes answers of earlier versions and days (a reader holding one open can
        still read it to the end)."""
        current = self.name.rsplit("_", 1)[0] + "_"
        for path in self.folder.iterdir():
            if path.name.startswith("openics_page_") and not path.name.startswith(current):
                with contextlib.suppress(OSError):
                    path.unlink()


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)  # a reader sees the whole file or none


def _replay(kept: dict, version: int) -> HttpResponse | FileResponse | None:
    if "body" in kept:
        response = HttpResponse(kept["body"], status=kept["status"])
    else:
        try:
            response = FileResponse(open(kept["file"], "rb"))  # noqa: SIM115 (closed by Django)
        except FileNotFoundError:  # cleared away by a newer version: compute it again
            return None
    for name, value in kept["headers"]:
        response[name] = value
    response[VERSION_HEADER] = str(version)
    return response


# --- the limit on expensive work --------------------------------------------------------


def client_address(request) -> str:
    """The client's address: the socket's peer, or, behind a proxy named in
    OPENICS_TRUSTED_PROXIES, the nearest address that proxy reports in X-Forwarded-For."""
    peer = request.META.get("REMOTE_ADDR", "")
    if peer in settings.OPENICS_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


class LimitExpensiveWork:
    """Refuses (429) a client that asks the server to compute more expensive answers than
    OPENICS_RATE_LIMIT allows in its window. Counts only what reaches it: answers served
    from the cache never do."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.patterns = [re.compile(p) for p in settings.OPENICS_RATE_LIMITED_PATHS]

    def __call__(self, request):
        if not settings.OPENICS_RATE_LIMIT or not any(
            p.search(request.path) for p in self.patterns
        ):
            return self.get_response(request)
        allowed, window = settings.OPENICS_RATE_LIMIT
        now = time.time()
        start = int(now // window) * window
        counter = f"openics:rate:{start}:{client_address(request)}"
        cache.add(counter, 0, timeout=window + 1)
        try:
            used = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, timeout=window + 1)
            used = 1
        if used <= allowed:
            return self.get_response(request)
        wait = max(1, int(start + window - now) + 1)
        message = (
            f"Too many requests for pages that must be computed: {allowed} in {window} "
            f"seconds from one client. Try again in {wait} seconds."
        )
        headers = {"Retry-After": str(wait)}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=429, headers=headers)
        return HttpResponse(
            message, status=429, content_type="text/plain; charset=utf-8", headers=headers
        )
