"""Named random streams from one seed.

Every source of randomness asks for its own stream by name (``stream(seed, "workload", "db01")``).
Streams come from ``numpy.random.SeedSequence(seed, spawn_key=...)`` with a key derived from the
names, so they are independent of each other and of the order in which they are created: adding a
partition to a scenario does not change the random numbers another partition sees (common random
numbers across scenarios). There is no global seeding anywhere in lpmsim.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *names: str) -> np.random.Generator:
    key = tuple(zlib.crc32(name.encode()) for name in names)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
