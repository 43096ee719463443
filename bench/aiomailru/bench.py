"""The aiomailru side of `cargo xtask bench`: N signed users.getInfo calls, C in flight.

    python bench.py --base-url http://127.0.0.1:PORT --requests N --concurrency C

Runs aiomailru 0.1.1.post1 (installed by the xtask into a virtual environment under
target/) the way its users do: one ClientSession (client-server circuit, the documented
demo account), API(session).users.getInfo(), an asyncio semaphore bounding the calls in
flight. aiomailru requests `API_URL + '/'` and reads the answer as JSON only with the
content type `text/javascript; charset=utf-8`, so the server must send that. The last line
printed is exactly `N requests in S s: R req/s`, like `loadgen`.
"""

import argparse
import asyncio
import sys
import time

from aiomailru import API, ClientSession

APP_ID = 423004
PRIVATE_KEY = "7815696ecbf1c96e6894b779456d330e"
SESSION_KEY = "be6ef89965d58e56dec21acb9b62bdaa"
UID = 1324730981306483817


async def run(base_url, requests, concurrency):
    session = ClientSession(APP_ID, PRIVATE_KEY, SESSION_KEY, UID)
    # A class attribute of aiomailru's sessions; the instance one points this session at
    # the local server.
    session.API_URL = base_url.rstrip("/") + "/platform/api"
    api = API(session)
    semaphore = asyncio.Semaphore(concurrency)
    failures = 0

    async def one():
        nonlocal failures
        async with semaphore:
            try:
                users = await api.users.getInfo()
                if not users or "uid" not in users[0]:
                    raise ValueError("no profile in the answer")
            except Exception as e:  # counted and reported, like loadgen
                if failures == 0:
                    print(f"aiomailru: a call failed: {e!r}", file=sys.stderr)
                failures += 1

    try:
        await one()  # warm up: the first connection, and a wrong URL fails fast
        if failures:
            return 1
        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        seconds = time.perf_counter() - started
    finally:
        await session.close()
    if failures:
        print(f"aiomailru: {failures} of {requests} calls failed", file=sys.stderr)
    print(f"{requests} requests in {seconds:.3f} s: {requests / seconds:.0f} req/s")
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base-url", required=True)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--concurrency", type=int, required=True)
    a = p.parse_args()
    sys.exit(asyncio.run(run(a.base_url, a.requests, a.concurrency)))


if __name__ == "__main__":
    main()
