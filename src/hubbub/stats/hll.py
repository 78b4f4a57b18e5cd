"""A HyperLogLog counter of distinct 64-bit hashes (Flajolet et al., 2007), Django-free.

2**14 one-byte registers (16 KB) give a standard error of about 0.8 %. Two counters merge by
taking the larger register of each pair, so per-process counters add up exactly as one would.
Redis's PFADD/PFCOUNT do the same on the server when the broker is Redis.
"""

import math

PRECISION = 14
REGISTERS = 1 << PRECISION
_VALUE_BITS = 64 - PRECISION
_VALUE_MASK = (1 << _VALUE_BITS) - 1
_ALPHA = 0.7213 / (1 + 1.079 / REGISTERS)


class HyperLogLog:
    __slots__ = ("registers",)

    def __init__(self, registers: bytes | None = None):
        if registers is not None and len(registers) != REGISTERS:
            registers = None  # a row from another precision: start again rather than misread
        self.registers = bytearray(registers or REGISTERS)

    def add(self, hashed: int) -> None:
        """``hashed``: a uniformly distributed 64-bit integer."""
        index = hashed >> _VALUE_BITS
        rest = hashed & _VALUE_MASK
        rank = _VALUE_BITS - rest.bit_length() + 1
        if rank > self.registers[index]:
            self.registers[index] = rank

    def merge(self, other: "HyperLogLog") -> None:
        self.registers = bytearray(map(max, self.registers, other.registers))

    def count(self) -> int:
        registers = self.registers
        total = math.fsum(2.0**-r for r in registers)
        estimate = _ALPHA * REGISTERS * REGISTERS / total
        zeros = registers.count(0)
        if estimate <= 2.5 * REGISTERS and zeros:
            # Few items: linear counting over the empty registers is the better estimate.
            estimate = REGISTERS * math.log(REGISTERS / zeros)
        return round(estimate)

    def to_bytes(self) -> bytes:
        return bytes(self.registers)
