"""Portal search over the bigram index: indexing cost and query time at a bureau's scale.

Fills the index with N notices (default 2000) made of sentences from the demo regulations and handbook, times
search_index for a few queries, then rolls everything back (the database is left as it was).

Run: PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/plandesk migrate && \
     PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/python bench/portal_search.py
     (and the same with PLANDESK_DATABASE_URL=postgis://postgres@127.0.0.1:5432/<db>)
"""

import os
import random
import re
import statistics
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from plandesk.handbook.demo_handbook import CHAPTERS  # noqa: E402
from plandesk.handbook.demo_regulations import REGULATIONS  # noqa: E402
from plandesk.portal.index import search_index  # noqa: E402
from plandesk.portal.models import Notice, SearchEntry, SearchGram  # noqa: E402

N = int(os.environ.get("BENCH_DOCS", "2000"))
QUERIES = ["许可", "结构", "规划许可", "建设工程规划许可证", "容积率 绿地率", "GB 50137", "法"]


class Rollback(Exception):
    pass


def sentences() -> list[str]:
    texts = [r["summary"] + r.get("key_articles", "") for r in REGULATIONS]
    for _n, _t, _p, sections in CHAPTERS:
        for _sn, _st, _sp, articles in sections:
            for _an, _at, _ap, versions in articles:
                texts.extend(body for _d, body, _c in versions)
    return [s for t in texts for s in re.split(r"(?<=[。；])", t) if len(s) > 8]


def main() -> None:
    rng = random.Random(7)
    pool = sentences()
    try:
        with transaction.atomic():
            start = time.perf_counter()
            for i in range(N):
                body = "".join(rng.choice(pool) for _ in range(6))
                Notice.objects.create(title=f"通知 {i}：" + rng.choice(pool)[:20], body=body,
                                      published_on=date(2026, 1, 1))
            took = time.perf_counter() - start
            print(f"{connection.vendor}: indexed {N} notices in {took:.1f} s ({took / N * 1000:.1f} ms each, "
                  f"save + index); entries {SearchEntry.objects.count()}, gram rows {SearchGram.objects.count()}")
            for query in QUERIES:
                hits = search_index(query, None)
                times = []
                for _ in range(30):
                    t0 = time.perf_counter()
                    search_index(query, None)
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                print(f"  {query!r:24s} hits {len(hits):4d}  median {statistics.median(times):7.1f} ms  "
                      f"p95 {times[int(len(times) * .95)]:7.1f} ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
