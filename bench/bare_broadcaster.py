"""Bare asyncio SSE broadcaster: the floor for the live fan-out benchmark.

GET /stream holds the connection open as text/event-stream. POST /publish with a JSON body
broadcasts `id: N / event: entry.created / data: <json>` to every open stream and answers 201
only once the event has been written to all of them. Same wire format as hubbub's live stream;
no replay (a reconnect starts from now).

    python bench/bare_broadcaster.py --port 8701
"""

import argparse
import asyncio
import json
import resource

import uvloop

STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
)
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class Hub:
    def __init__(self):
        self.streams = set()
        self.seq = 0

    def publish(self, body):
        self.seq += 1
        entry = json.loads(body or b"{}")
        entry["id"] = self.seq
        data = json.dumps(entry, separators=(",", ":"))
        msg = f"id: {self.seq}\nevent: entry.created\ndata: {data}\n\n".encode()
        # uvloop tries the send() right away, so this loop really pushes bytes to every socket
        for transport in list(self.streams):
            if not transport.is_closing():
                transport.write(msg)
        out = data.encode()
        head = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
        return f"{head}Content-Length: {len(out)}\r\n\r\n".encode() + out

    async def heartbeat(self, every):
        while True:
            await asyncio.sleep(every)
            for transport in list(self.streams):
                transport.write(b": hb\n\n")


class Conn(asyncio.Protocol):
    __slots__ = ("buf", "hub", "transport")

    def __init__(self, hub):
        self.hub = hub
        self.buf = b""

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.hub.streams.discard(self.transport)

    def data_received(self, data):
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            lines = self.buf[:end].decode("latin-1").split("\r\n")
            method, target = lines[0].split(" ")[:2]
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buf) < end + 4 + length:
                return
            body = self.buf[end + 4 : end + 4 + length]
            self.buf = self.buf[end + 4 + length :]
            path = target.split("?")[0]
            if method == "GET" and path == "/stream":
                self.transport.write(STREAM_HEAD)
                self.hub.streams.add(self.transport)
            elif method == "POST" and path == "/publish":
                self.transport.write(self.hub.publish(body))
            else:
                self.transport.write(NOT_FOUND)


async def serve(host, port, heartbeat):
    hub = Hub()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Conn(hub), host, port, backlog=4096)
    print(f"listening on {host}:{port}", flush=True)
    async with server:
        await hub.heartbeat(heartbeat)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8701)
    ap.add_argument("--heartbeat", type=float, default=15.0)
    args = ap.parse_args()
    # one socket per reader: take the whole hard limit
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    uvloop.run(serve(args.host, args.port, args.heartbeat))


if __name__ == "__main__":
    main()
