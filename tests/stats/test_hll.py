"""The in-process HyperLogLog: close to the true count, and mergeable like Redis's."""

import random

import pytest

from hubbub.stats.hll import HyperLogLog


def _hashes(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.getrandbits(64) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 10, 1000, 50_000])
def test_hll_counts_a_known_set_within_two_percent(n):
    counter = HyperLogLog()
    for hashed in _hashes(n, seed=n):
        counter.add(hashed)
    assert abs(counter.count() - n) <= max(1, 0.02 * n)


def test_hll_counts_repeats_once():
    counter = HyperLogLog()
    items = _hashes(500, seed=1)
    for _ in range(3):
        for hashed in items:
            counter.add(hashed)
    assert abs(counter.count() - 500) <= 10


def test_hll_merged_halves_count_the_union():
    items = _hashes(20_000, seed=2)
    first, second, whole = HyperLogLog(), HyperLogLog(), HyperLogLog()
    for index, hashed in enumerate(items):
        (first if index % 2 else second).add(hashed)
        whole.add(hashed)
    # Overlap: the second half sees some of the first's readers again.
    for hashed in items[:5000]:
        second.add(hashed)
    first.merge(second)
    assert first.count() == whole.count()
    assert HyperLogLog(first.to_bytes()).count() == whole.count()


def test_hll_starts_empty_from_bytes_of_another_size():
    assert HyperLogLog(b"\x05" * 10).count() == 0
