"""Gunicorn settings of the web process (read by `gunicorn` from the working directory).

The application is loaded in the master (`preload_app`) and its objects are moved out of the
garbage collector's generations (`gc.freeze()`) before the workers fork: a worker then scans
only what requests allocate, not the ~280k objects of the loaded project, and the frozen pages
stay shared between workers. The young generation is collected after 20,000 allocations, not
700, and the older ones ten times less often: a page of 100 clients or 25 workout logs allocates
tens of thousands of short-lived objects and the default thresholds ran several collections per
request (16–22 % of their CPU, measured in-process). See docs/performance.md.
"""

import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Threaded workers: a request spends a third to a half of its time waiting on PostgreSQL and
# Redis, and a second thread uses that time; 2 processes x 4 threads served 1.3-2.9x the
# requests of 2 (or 4) sync workers at 20 connections on the bench, with less CPU per request and
# the memory of two processes (docs/performance.md, "Server settings").
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
accesslog = "-"
preload_app = True


GC_THRESHOLDS = (20_000, 50, 100)


def when_ready(server):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)  # inherited by the workers forked after this
