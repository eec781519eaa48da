"""gunicorn for plandesk behind nginx (deploy/systemd/plandesk-web.service: `gunicorn -c deploy/gunicorn.conf.py`).

Sync workers: nginx buffers every request and answer, so a worker is busy only while Django works, and a slow
client costs nginx a little memory rather than a worker (docs/DEPLOY.md "Slow clients").
"""

import multiprocessing
import os

# 127.0.0.1:8001 on one host; the host's private address on several (the load balancer's nginx reaches it).
bind = os.environ.get("PLANDESK_UPSTREAM_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("PLANDESK_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
# Recycle workers now and then (memory held by a big PDF or GIS import goes back to the system).
max_requests = 2000
max_requests_jitter = 200
# nginx logs the requests (with the client's address, without query strings); gunicorn logs its own events.
accesslog = None
errorlog = "-"
control_socket_disable = True


def child_exit(server, worker):
    # Under PROMETHEUS_MULTIPROC_DIR each worker writes its counters to files; a dead worker's live gauges go.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
