"""Spread independent work (Markdown conversion, page rendering) over the machine's cores.

Worker processes are forked, so they inherit the work function and its data: only indices go out
and results come back. Where fork is unavailable (Windows, macOS default) or the batch is small,
the work runs in this process, which gives the same results.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")
MIN_BATCH = 150         # below this, starting processes costs more than it saves
MAX_WORKERS = 8

_job: Callable[[int], object] | None = None


def _run_chunk(indices: range) -> list:
    return [_job(i) for i in indices]


def workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def map_indices(job: Callable[[int], T], count: int, min_batch: int = MIN_BATCH) -> list[T]:
    """[job(0), job(1), …, job(count - 1)], in parallel when it pays (at least min_batch jobs)."""
    return list(iter_indices(job, count, min_batch))


def iter_indices(job: Callable[[int], T], count: int, min_batch: int = MIN_BATCH) -> Iterator[T]:
    """job(0), job(1), … job(count - 1) in order, each as soon as it is done (in parallel when it pays,
    as map_indices). The worker processes are forked by this call, not when the first result is asked
    for: threads started after it are never in a fork."""
    global _job
    n = workers()
    if n < 2 or count < min_batch or "fork" not in multiprocessing.get_all_start_methods():
        return (job(i) for i in range(count))
    size = max(1 if min_batch < MIN_BATCH else 8, count // (n * 4))
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    _job = job
    try:
        pool = multiprocessing.get_context("fork").Pool(n)
    finally:
        _job = None
    return _results(pool, pool.imap(_run_chunk, chunks))


def _results(pool, chunks: Iterator[list]) -> Iterator:
    with pool:   # (ends the workers also when the results are not all taken: a build that failed)
        for chunk in chunks:
            yield from chunk
