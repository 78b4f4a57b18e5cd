"""A small asyncio HTTP/1.1 load client with keep-alive, for benchmarks on this machine (there is
no wrk): many GETs of one path as fast as the server answers, or POSTs at a steady rate. It
talks to 127.0.0.1 only, and every run stops by itself at its deadline.
"""

import asyncio
import time


async def read_response(reader) -> tuple[int, bytes]:
    """(status, body) of one response; ConnectionResetError when the server closes after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, chunked, close = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and b"close" in value.lower():
            close = True
    body = b""
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
        body = b"".join(parts)
    elif length:
        body = await reader.readexactly(length)
    if close:
        raise ConnectionResetError("server closed the connection")
    return status, body


def percentile(sorted_values: list[float], p: float) -> float:
    """The p-th fraction of already-sorted seconds, in milliseconds (0 when empty)."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))] * 1000


def summary(latencies: list[float], statuses: dict, elapsed: float) -> dict:
    latencies.sort()
    return {
        "rate": len(latencies) / elapsed,
        "count": len(latencies),
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "non_200": sum(n for s, n in statuses.items() if s != 200),
        "statuses": dict(statuses),
    }


class _Connection:
    """One keep-alive connection to 127.0.0.1, opened again after an error or a close."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def ask(self, request: bytes, statuses: dict) -> tuple[int, float] | None:
        """(status, seconds) of one request, or None after an error; counted in ``statuses``."""
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            began = time.monotonic()
            self.writer.write(request)
            status, _body = await read_response(self.reader)
        except (OSError, asyncio.IncompleteReadError, ConnectionError):
            statuses["error"] = statuses.get("error", 0) + 1
            self.close()
            return None
        statuses[status] = statuses.get(status, 0) + 1
        return status, time.monotonic() - began

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _get_connection(port, request, until, latencies, statuses):
    connection = _Connection(port)
    while time.monotonic() < until:
        answer = await connection.ask(request, statuses)
        if answer is not None:
            latencies.append(answer[1])
    connection.close()


async def get_load(port: int, path: str, *, cookie="", connections=50, duration=5.0) -> dict:
    """GET ``path`` over ``connections`` keep-alive connections for ``duration`` seconds."""
    headers = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/html"]
    if cookie:
        headers.append(f"Cookie: {cookie}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode()
    latencies: list[float] = []
    statuses: dict = {}
    started = time.monotonic()
    until = started + duration
    await asyncio.gather(
        *(_get_connection(port, request, until, latencies, statuses) for _ in range(connections))
    )
    return summary(latencies, statuses, time.monotonic() - started)


def post_request(port: int, path: str, body: bytes, headers: dict) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def post_at_rate(port: int, requests: list[bytes], *, rate: float, connections: int,
                       duration: float) -> dict:  # fmt: skip
    """Send ``requests`` in turn at ``rate`` a second for ``duration`` seconds over at most
    ``connections`` keep-alive connections; a request waits for a free connection when all
    are busy (so a slow server is asked less, and the shortfall shows in the rate done)."""
    latencies: list[float] = []
    statuses: dict = {}
    started = time.monotonic()
    until = started + duration
    sent = 0

    async def connection():
        nonlocal sent
        link = _Connection(port)
        while True:
            due = started + sent / rate
            if due >= until or time.monotonic() >= until:
                break  # a slow server is asked what it could not take in time: never
            request = requests[sent % len(requests)]
            sent += 1
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            answer = await link.ask(request, statuses)
            if answer is None:
                continue
            status, seconds = answer
            latencies.append(seconds)
            if status == 200:
                second = int(time.monotonic() - started)
                per_second[second] = per_second.get(second, 0) + 1
        link.close()

    per_second: dict[int, int] = {}
    await asyncio.gather(*(connection() for _ in range(connections)))
    result = summary(latencies, statuses, time.monotonic() - started)
    result["asked"] = sent
    # 200s answered in each second since the start (second 0, 1, …).
    result["per_second"] = [per_second.get(n, 0) for n in range(int(duration) + 1)]
    return result
