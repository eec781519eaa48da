"""A barrier race: n threads released at once, each running the same action; what each returned or raised."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def race(n: int, action: Callable[[int], object]) -> list[object]:
    """Run `action(i)` in n threads started together behind a barrier; the results (or the exceptions raised) in
    thread order. Each thread closes its database connections, as a web worker's request would."""
    results: list[object] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = action(i)
        except Exception as exc:  # the test looks at what went wrong
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
