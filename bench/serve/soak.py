#!/usr/bin/env python3
"""A soak of the explorer: mixed traffic against a live `blowback serve` for a fixed time.

Starts the explorer on a free port and keeps CLIENTS keep-alive clients busy for SECONDS with a mix
of requests: the page and its modules, the case overview, single runs (a policy lever moved),
overlay runs (an uncertain parameter moved, every scenario re-runs), explanations, and bad
requests (malformed JSON, an unknown scenario, a lever out of range, random bytes, a wrong
method). Two more threads play slow clients (a stalled body, headers sent a line at a time). Every
ten seconds it samples the server's resident memory and open descriptors. At the end it prints
throughput, latency percentiles per kind of request, the status codes, and memory at start and end,
and says whether memory stayed flat: the least-squares growth of resident memory against requests
answered over the second half of the run is under 2% of the memory there. A leak grows with the
requests served; the first minutes are left out because the server's caches (loop and conflict
documents, built on first use) and the allocator's per-thread arenas reach their high-water mark
only after every kind of request has run on both worker threads, which took about 150 s in the
first 10-minute soak.

Usage: bench/serve/soak.py BLOWBACK [CASE] [SECONDS] [CLIENTS]
"""
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

blowback = sys.argv[1]
case = sys.argv[2] if len(sys.argv) > 2 else "cases/afpak"
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 600
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 4

server = subprocess.Popen([blowback, "serve", case, "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
line = server.stdout.readline()
if not line.startswith("listening on http://"):
    sys.exit(f"the server did not start: {line!r}")
host, port = line.strip().removeprefix("listening on http://").rsplit(":", 1)
port = int(port)


def server_state():
    fds = len(os.listdir(f"/proc/{server.pid}/fd"))
    with open(f"/proc/{server.pid}/status") as status:
        rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
    return rss / 1024, fds


probe = http.client.HTTPConnection(host, port, timeout=30)
probe.request("GET", "/api/case")
overview = json.loads(probe.getresponse().read())
probe.close()
policy = [l for l in overview.get("levers", []) if l.get("kind") == "policy"]
uncertain = [l for l in overview.get("levers", []) if l.get("kind") == "uncertain"]
scenarios = [s["name"] for s in overview.get("scenarios", [])] or ["status_quo"]
variables = [v["name"] for v in overview.get("variables", [])][:50] or ["x"]


def lever_value(lever, rng):
    return lever["min"] + rng.random() * (lever["max"] - lever["min"])


def request_for(kind, rng):
    """(method, path, body) for one request of `kind`."""
    if kind == "page":
        return "GET", rng.choice(["/", "/app.js", "/style.css", "/charts.js", "/api/openapi.json"]), None
    if kind == "case":
        return "GET", rng.choice(["/api/case", "/api/diagram", "/api/loops", "/api/conflict"]), None
    if kind == "run":
        overrides = {l["name"]: lever_value(l, rng) for l in rng.sample(policy, min(2, len(policy)))}
        return "POST", "/api/run", {"scenario": rng.choice(scenarios), "overrides": overrides}
    if kind == "overlay":
        lever = rng.choice(uncertain) if uncertain else None
        overrides = {lever["name"]: lever_value(lever, rng)} if lever else {}
        return "POST", "/api/run", {"scenario": "status_quo", "overlay": True, "overrides": overrides}
    if kind == "explain":
        return "POST", "/api/explain", {"scenario": rng.choice(scenarios),
                                        "variable": rng.choice(variables), "at": 2022.5}
    bad = rng.randrange(5)
    if bad == 0:
        return "POST", "/api/run", b'{"scenario": "status_quo", "overrides": {'
    if bad == 1:
        return "POST", "/api/run", {"scenario": "no_such_scenario"}
    if bad == 2 and policy:
        return "POST", "/api/run", {"scenario": "status_quo", "overrides": {policy[0]["name"]: 1e9}}
    if bad == 3:
        return "POST", "/api/run", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
    return "DELETE", "/api/run", None


KINDS = ["page"] * 2 + ["case"] * 2 + ["run"] * 6 + ["overlay"] * 2 + ["explain"] * 2 + ["bad"] * 3
lock = threading.Lock()
latencies = {}
statuses = {}
failures = []
stop_at = time.monotonic() + seconds


def client(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while time.monotonic() < stop_at:
        kind = rng.choice(KINDS)
        method, path, body = request_for(kind, rng)
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        headers = {"Content-Type": "application/json"} if data is not None else {}
        start = time.monotonic()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        elapsed = time.monotonic() - start
        with lock:
            latencies.setdefault(kind, []).append(elapsed)
            statuses[(kind, status)] = statuses.get((kind, status), 0) + 1
            if isinstance(status, int) and status >= 500:
                failures.append((kind, path, status))
    conn.close()


def slow_client(seed):
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        try:
            s = socket.create_connection((host, port), timeout=60)
            if rng.random() < 0.5:
                s.sendall(b"POST /api/run HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 5000\r\n\r\n{\"scen")
            else:
                s.sendall(b"GET / HTTP/1.1\r\n")
                for i in range(30):
                    time.sleep(1)
                    s.sendall(b"X-Slow: %d\r\n" % i)
            while s.recv(4096):
                pass
            s.close()
            with lock:
                statuses[("slow", "closed by server")] = statuses.get(("slow", "closed by server"), 0) + 1
        except OSError:
            with lock:
                statuses[("slow", "reset")] = statuses.get(("slow", "reset"), 0) + 1


samples = []
threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
threads += [threading.Thread(target=slow_client, args=(100 + i,)) for i in range(2)]
began = time.monotonic()
for t in threads:
    t.start()
def answered():
    with lock:
        return sum(statuses.values())


while time.monotonic() < stop_at:
    samples.append((time.monotonic() - began, *server_state(), answered()))
    time.sleep(min(10, max(0.0, stop_at - time.monotonic())))
for t in threads:
    t.join()
samples.append((time.monotonic() - began, *server_state(), answered()))

total = sum(len(v) for v in latencies.values())
elapsed = time.monotonic() - began
print(f"soak: {elapsed:.0f} s, {clients} clients + 2 slow clients, {total} requests "
      f"({total / elapsed:.0f}/s)")
print(f"{'kind':8s} {'n':>7s} {'p50 ms':>8s} {'p90 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
for kind in sorted(latencies):
    v = sorted(latencies[kind])
    q = lambda p: 1000 * v[min(len(v) - 1, int(p * len(v)))]
    print(f"{kind:8s} {len(v):7d} {q(0.5):8.1f} {q(0.9):8.1f} {q(0.99):8.1f} {1000 * v[-1]:8.1f}")
print("status codes: " + ", ".join(f"{k}/{s}: {n}" for (k, s), n in sorted(statuses.items(), key=str)))
print(f"5xx answers: {len(failures)}")
print("resident MB / descriptors over time: " +
      ", ".join(f"{t:.0f}s {m:.1f}/{f}" for t, m, f, _ in samples))
peak_t, peak_m = max(((t, m) for t, m, _, _ in samples), key=lambda s: s[1])
print(f"memory: {samples[0][1]:.1f} MB at the start, {samples[-1][1]:.1f} MB at the end, "
      f"highest {peak_m:.1f} MB (first reached at {peak_t:.0f} s)")
half = [(n, m) for t, m, _, n in samples if t >= elapsed / 2]
if len(half) >= 3 and half[-1][0] > half[0][0]:
    mean_n = sum(n for n, _ in half) / len(half)
    mean_m = sum(m for _, m in half) / len(half)
    slope = (sum((n - mean_n) * (m - mean_m) for n, m in half)
             / sum((n - mean_n) ** 2 for n, _ in half))  # MB per request
    growth = slope * (half[-1][0] - half[0][0])
    print(f"second half: {half[-1][0] - half[0][0]} requests, memory {growth:+.2f} MB by "
          f"least squares ({1e6 * slope:+.1f} bytes per request, {100 * growth / mean_m:+.2f}% "
          f"of {mean_m:.1f} MB): {'flat' if abs(growth) < 0.02 * mean_m else 'NOT flat'}")
server.terminate()
server.wait()
