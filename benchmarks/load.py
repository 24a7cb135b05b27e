"""Serving under load: public pages with 50 concurrent clients, before and after.

    .venv/bin/python benchmarks/load.py                  # SQLite, a new demo in a temporary folder
    .venv/bin/python benchmarks/load.py --var-dir var    # an existing installation's database
    .venv/bin/python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/NAME

Two servers are measured one after the other on the same database, in one run:
  baseline  the way OpenICS served before: `openics serve --workers 1 --threads 8` (waitress, one
            process) with the page cache and the rate limit off;
  now       `openics serve --workers N` (granian, N processes) with the page cache on.
For each, C clients (default 50), each with one keep-alive connection, ask for the public
pages in turn for a fixed time, after a warm-up that is reported on its own (it is the
cost of the first answer after a change of the data). Then a download storm: 16 of the
clients fetch the spend-over-£25k CSV without pause while the others ask for the home
page, and the home page's latency is compared with the same run without the storm.

The run is bounded (at most 120 s of load per server) and only ever talks to 127.0.0.1.
It prints median and 95th percentile latency per page, requests per second, and the
ratio of each figure to the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anywhere else
MAX_SECONDS = 120

PAGES = [
    "/",
    "/organisations/",
    "/organisations/search/?q=leeds",
    "/organisations/coterminosity/",
    "/organisations/icb/QUA/",
    "/money/",
    "/money/follow/",
    "/money/books/",
    "/money/books/QUA/2025-26/",
    "/money/fair-shares/",
    "/money/QUA/",
    "/arranging/decisions/",
    "/arranging/standstill/",
    "/arranging/annual-summary/",
    "/boards/",
    "/boards/interests/",
    "/boards/record/",
    "/boards/powers/",
    "/boards/qua-board/",
    "/regimes/",
    "/regimes/hca-2022/",
    "/api/organisations/",
    "/api/ledger/balance/QUA/2025-26",
]
DOWNLOAD = "/money/books/QUA/2025-26/spend-over-25k.csv"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def openics(env: dict, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from openics.cli import main; main()", *args],
        env=env,
        cwd=ROOT,
        **kwargs,
    )


class Connection:
    """One keep-alive HTTP/1.1 connection; reads each answer whole, as a browser would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.reader = self.writer = None
        return status, len(body)


async def client(port: int, paths: list[str], until: float, times: dict, errors: list) -> None:
    connection = Connection(port)
    turn = 0
    while time.perf_counter() < until:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.perf_counter()
        try:
            status, _ = await connection.get(path)
        except (OSError, asyncio.IncompleteReadError) as exc:
            errors.append(f"{path}: {exc!r}")
            connection = Connection(port)
            continue
        elapsed = time.perf_counter() - started
        if status != 200:
            errors.append(f"{path}: HTTP {status}")
        times.setdefault(path, []).append(elapsed)


async def load(port: int, groups: list[tuple[int, list[str]]], seconds: float):
    times: dict[str, list[float]] = {}
    errors: list[str] = []
    until = time.perf_counter() + seconds
    tasks = []
    for count, paths in groups:
        for i in range(count):
            rotated = paths[i % len(paths) :] + paths[: i % len(paths)]
            tasks.append(client(port, rotated, until, times, errors))
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    return times, errors, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server stopped before answering (exit {process.returncode})")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start within 60 s")


def measure(name: str, env: dict, serve_args: list[str], args) -> dict:
    port = free_port()
    server = openics(
        env,
        "serve",
        "--port",
        str(port),
        *serve_args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
        for path in [*PAGES, DOWNLOAD]:  # every page must answer before it is timed
            status, _ = asyncio.run(Connection(port).get(path))
            if status != 200:
                sys.exit(f"{name}: {path} answered HTTP {status}; nothing is measured")
        warm, _, _ = asyncio.run(load(port, [(args.clients, PAGES)], args.warmup))
        times, errors, took = asyncio.run(load(port, [(args.clients, PAGES)], args.seconds))
        calm, _, _ = asyncio.run(load(port, [(args.clients, ["/"])], args.storm_seconds))
        storm, storm_errors, _ = asyncio.run(
            load(
                port,
                [(args.clients - 16, ["/"]), (16, [DOWNLOAD])],
                args.storm_seconds,
            )
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    count = sum(len(v) for v in times.values())
    return {
        "pages": times,
        "warm_max": max(max(v) for v in warm.values()),
        "rate": count / took,
        "errors": errors + storm_errors,
        "home_calm_p95": percentile(calm["/"], 0.95),
        "home_storm_p95": percentile(storm["/"], 0.95),
        "downloads": len(storm.get(DOWNLOAD, [])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", help="an installation's var folder (default: a new demo)")
    parser.add_argument("--database-url", help="PostgreSQL instead of SQLite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=min((os.cpu_count() or 1) + 1, 9))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--storm-seconds", type=float, default=8)
    args = parser.parse_args()
    if args.seconds + args.warmup + 2 * args.storm_seconds > MAX_SECONDS:
        sys.exit(f"a run is bounded: at most {MAX_SECONDS} s of load per server")

    env = {**os.environ, "OPENICS_DEMO": "1", "PYTHONPATH": str(ROOT)}
    env.pop("OPENICS_DEBUG", None)
    made = None
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    if args.var_dir:
        env["OPENICS_VAR_DIR"] = str(Path(args.var_dir).resolve())
    else:
        made = tempfile.mkdtemp(prefix="openics-load-")
        env["OPENICS_VAR_DIR"] = made
    if not args.var_dir or args.database_url:
        print("Loading the demonstration data …", flush=True)
        if openics(env, "demo", "--no-serve", stdout=subprocess.DEVNULL).wait():
            sys.exit("openics demo failed")

    try:
        baseline_env = {**env, "OPENICS_PAGE_CACHE": "0", "OPENICS_RATE_LIMIT": "off"}
        print("Measuring the baseline (waitress, one process, no cache) …", flush=True)
        before = measure("baseline", baseline_env, ["--workers", "1", "--threads", "8"], args)
        print(f"Measuring now (granian, {args.workers} workers, page cache) …", flush=True)
        after = measure("now", env, ["--workers", str(args.workers)], args)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)
    report(before, after, args)


def report(before: dict, after: dict, args) -> None:
    ms = 1000
    print()
    print(
        f"{args.clients} concurrent clients, {args.seconds:.0f} s per server, "
        f"{os.cpu_count()} CPU cores, load generator on the same machine"
    )
    print(
        f"{'page':<42} {'base p50':>9} {'base p95':>9} {'now p50':>8} {'now p95':>8} "
        f"{'p95 ratio':>9}"
    )
    worst = 0.0
    for path in PAGES:
        b, a = before["pages"].get(path, [0]), after["pages"].get(path, [0])
        b95, a95 = percentile(b, 0.95), percentile(a, 0.95)
        worst = max(worst, a95)
        print(
            f"{path[:42]:<42} {statistics.median(b) * ms:>8.1f}  {b95 * ms:>8.1f} "
            f"{statistics.median(a) * ms:>7.1f}  {a95 * ms:>7.1f}  {a95 / b95 if b95 else 0:>8.3f}"
        )
    home95 = percentile(after["pages"]["/"], 0.95)
    print()
    print(
        f"requests per second: baseline {before['rate']:.0f}, now {after['rate']:.0f} "
        f"({after['rate'] / before['rate']:.1f}×)"
    )
    print(
        f"slowest first answer during warm-up: baseline {before['warm_max'] * ms:.0f} ms, "
        f"now {after['warm_max'] * ms:.0f} ms"
    )
    for name, run in (("baseline", before), ("now", after)):
        delay = (run["home_storm_p95"] - run["home_calm_p95"]) * ms
        print(
            f"download storm ({name}): home page p95 {run['home_calm_p95'] * ms:.1f} ms calm, "
            f"{run['home_storm_p95'] * ms:.1f} ms with 16 clients downloading "
            f"({run['downloads']} downloads): {delay:+.1f} ms"
        )
    print(f"errors: baseline {len(before['errors'])}, now {len(after['errors'])}")
    for line in after["errors"][:5]:
        print(f"  {line}")
    print()
    storm_delay = (after["home_storm_p95"] - after["home_calm_p95"]) * ms
    print(
        "targets: every page p95 ≤ 100 ms: "
        f"{'met' if worst <= 0.1 else 'missed'} (worst {worst * ms:.1f} ms); home page p95 "
        f"≤ 50 ms: {'met' if home95 <= 0.05 else 'missed'} ({home95 * ms:.1f} ms); storm "
        f"delay ≤ 100 ms: {'met' if storm_delay <= 100 else 'missed'} ({storm_delay:+.1f} ms)"
    )


if __name__ == "__main__":
    main()
