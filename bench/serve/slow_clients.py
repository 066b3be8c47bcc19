#!/usr/bin/env python3
"""Slow clients against a live `blowback serve`: do they get closed, and is everyone else served?

Starts the explorer on a free port, opens N connections that each send the headers of a POST with
a declared 100 KB body and then only its first bytes (the stall the explorer once kept open for
ever), plus N/4 that send their headers one line at a time (slowloris). Meanwhile a live client
asks for /api/case every half second. Prints when the slow connections were closed and with what,
the live client's latencies, and the server's open descriptors and resident memory over time.

Usage: bench/serve/slow_clients.py BLOWBACK [CASE] [N] [extra serve flags...]
"""
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time

blowback = sys.argv[1]
case = sys.argv[2] if len(sys.argv) > 2 else "cases/afpak"
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1100
extra = sys.argv[4:]

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * n + 256)), hard))

server = subprocess.Popen([blowback, "serve", case, "--port", "0", *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
line = server.stdout.readline()
if not line.startswith("listening on http://"):
    sys.exit(f"the server did not start: {line!r}")
host, port = line.strip().removeprefix("listening on http://").rsplit(":", 1)
address = (host, int(port))


def server_state():
    fds = len(os.listdir(f"/proc/{server.pid}/fd"))
    with open(f"/proc/{server.pid}/status") as status:
        rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
    return fds, rss / 1024


def live_request():
    start = time.monotonic()
    try:
        with socket.create_connection(address, timeout=30) as s:
            s.sendall(b"GET /api/case HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        status = data.split(b" ", 2)[1].decode() if data else "closed"
    except OSError as e:
        status = type(e).__name__
    return status, time.monotonic() - start


fds0, rss0 = server_state()
print(f"server up on {host}:{port}: {fds0} descriptors, {rss0:.1f} MB resident")
print(f"warm-up live request: {live_request()}")

body_stall = (b"POST /api/run HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100000\r\n\r\n{\"scenario\":")
selector = selectors.DefaultSelector()
opened = time.monotonic()
slow = []
for i in range(n + n // 4):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(address)
    except BlockingIOError:
        pass
    kind = "body" if i < n else "headers"
    slow.append({"sock": s, "kind": kind, "sent": 0, "closed": None, "reply": b""})
    selector.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ, slow[-1])
print(f"opened {n} body-stalling and {n // 4} header-trickling connections "
      f"in {time.monotonic() - opened:.2f} s")

live, states, next_trickle = [], [], time.monotonic()
done = threading.Event()


def live_client():
    # Its own thread, so a live request waiting for a slot does not stall the slow clients' loop.
    while not done.is_set():
        start = time.monotonic()
        live.append((start - opened, *live_request()))
        states.append((time.monotonic() - opened, *server_state()))
        time.sleep(max(0.0, 0.5 - (time.monotonic() - start)))


watcher = threading.Thread(target=live_client)
watcher.start()
deadline = opened + 180
while time.monotonic() < deadline and any(c["closed"] is None for c in slow):
    now = time.monotonic()
    for key, events in selector.select(timeout=0.05):
        c = key.data
        if events & selectors.EVENT_READ:
            try:
                chunk = c["sock"].recv(4096)
            except OSError:
                chunk = b""
            if chunk:
                c["reply"] += chunk
            else:
                c["closed"] = time.monotonic() - opened
                selector.unregister(c["sock"])
                c["sock"].close()
                continue
        if events & selectors.EVENT_WRITE and c["kind"] == "body" and c["sent"] == 0:
            try:
                c["sock"].send(body_stall)
                c["sent"] = 1
                selector.modify(c["sock"], selectors.EVENT_READ, c)
            except OSError:
                pass
    if now >= next_trickle:
        next_trickle = now + 1.0
        for c in slow:
            if c["kind"] == "headers" and c["closed"] is None:
                piece = b"GET / HTTP/1.1\r\n" if c["sent"] == 0 else b"X-Slow: %d\r\n" % c["sent"]
                try:
                    c["sock"].send(piece)
                    c["sent"] += 1
                except OSError:
                    pass

done.set()
watcher.join()
closed = [c for c in slow if c["closed"] is not None]
print(f"\nslow connections closed by the server: {len(closed)} of {len(slow)} "
      f"(the last {max(c['closed'] for c in closed):.1f} s after they opened)")
for kind in ("body", "headers"):
    times = sorted(c["closed"] for c in closed if c["kind"] == kind)
    replies = {}
    for c in closed:
        if c["kind"] == kind:
            code = c["reply"].split(b" ", 2)[1].decode() if c["reply"] else "no reply"
            replies[code] = replies.get(code, 0) + 1
    if times:
        print(f"  {kind:8s}: first closed at {times[0]:.1f} s, median {times[len(times) // 2]:.1f} s, "
              f"last {times[-1]:.1f} s; replies {replies}")
latencies = sorted(t for _, status, t in live if status == "200")
statuses = {}
for _, status, _ in live:
    statuses[status] = statuses.get(status, 0) + 1
if latencies:
    print(f"live client during the attack: {len(live)} requests {statuses}, latency median "
          f"{1000 * latencies[len(latencies) // 2]:.0f} ms, max {1000 * latencies[-1]:.0f} ms")
peak_fds = max(f for _, f, _ in states) if states else fds0
fds1, rss1 = server_state()
print(f"server descriptors: {fds0} before, at most {peak_fds} during, {fds1} after; "
      f"resident {rss0:.1f} MB before, {rss1:.1f} MB after")
print(f"after the attack: {live_request()}")
server.terminate()
server.wait()
