"""cio-coach: cited coaching answers and jargon checks for IT leaders."""

import os

# One BLAS thread unless the environment says otherwise. Set in the package's first
# module, before anything imports numpy: OpenBLAS reads it once, when it loads. On two
# cores that other work also wants, OpenBLAS threads waiting for each other made one
# question 70 ms at the median and 780 ms at p99, against 11 and 27 ms with one thread,
# and batches ran three times slower (bench/bench_embedding.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
