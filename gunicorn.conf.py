"""Gunicorn settings of the web process (read by `gunicorn` from the working directory).

The application is loaded in the master (`preload_app`) and its objects are moved out of the
garbage collector's generations (`gc.freeze()`) before the workers fork: a worker then scans
only what requests allocate, not the ~280k objects of the loaded project, and the frozen pages
stay shared between workers. See docs/performance.md.
"""

import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
preload_app = True


def when_ready(server):
    gc.collect()
    gc.freeze()
