#!/usr/bin/env python3
"""HTTP benchmark (build/bench-http.sh): our http and h2 clients against wrk and h2load, and our
HTTP server against nginx, on loopback only, every run bounded in time. The server is warmed up
first (its JIT and pools), so that no client meets it cold; each pair of clients runs BENCH_ROUNDS
times, interleaved, and the median round is reported. Prints a table with the ratios, and writes
the figures as JSON."""
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.environ["BENCH_BIN"]
BUILD = os.environ.get("BENCH_BUILD", f"the build at {BIN}")
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNS = [int(c) for c in os.environ.get("BENCH_CONNS", "10,100").split(",")]
OUT = os.environ.get("BENCH_OUT", "")
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "5")))
H1, H2, NGINX, ECHO = 18080, 18081, 18090, 18003
TICK = os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def run(cmd, timeout):
    """Runs a load generator; returns its output and the CPU seconds it used."""
    before = children_cpu()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.exit(f"[bench-http] {' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p.stdout + p.stderr, children_cpu() - before


def wait_port(port):
    import socket
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"[bench-http] nothing listens on 127.0.0.1:{port}")


def ours(client, port, conns):
    out, cpu = run([BIN, "-client", client, "-address", f"127.0.0.1:{port}", "-nconn", str(conns),
                    "-rate", "1e9", "-timeout", f"{SECONDS}s", "-stats", "summary"], SECONDS * 4 + 30)
    stats = json.loads(out.strip().splitlines()[-1] if out.strip().startswith("{") else next(l for l in out.splitlines() if l.startswith("{")))
    if stats.get("FailedRequests", 0) or stats.get("FailedConnections", 0):
        print(f"[bench-http] warning: {client} x{conns}: {stats.get('FailedRequests')} failed requests", file=sys.stderr)
    seconds = stats["Duration"] / 1e9
    return {"rps": stats["Received"] / seconds, "cpu_us": cpu / max(1, stats["Received"]) * 1e6, "requests": stats["Received"]}


def fixed(client, port, conns, rate):
    """Our client at a fixed rate: its round trips, raw and corrected for coordinated omission."""
    out, _ = run([BIN, "-client", client, "-address", f"127.0.0.1:{port}", "-nconn", str(conns),
                  "-rate", str(rate), "-timeout", f"{SECONDS}s", "-stats", "summary"], SECONDS * 4 + 30)
    stats = json.loads(next(l for l in out.splitlines() if l.startswith("{")))
    return {"rate": rate, "received": stats["Received"], "dropped": stats["Dropped"], "rtt": stats["Rtt"], "corrected": stats["CorrectedRtt"]}


def wrk(conns, port=H1):
    out, cpu = run(["wrk", "-t2", f"-c{conns}", f"-d{int(SECONDS)}s", f"http://127.0.0.1:{port}/"], SECONDS * 4 + 30)
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "cpu_us": cpu / max(1, total) * 1e6, "requests": total}


def h2load(conns):
    out, cpu = run(["h2load", "-t2", f"-c{conns}", "-m1", "-D", str(int(SECONDS)), f"http://127.0.0.1:{H2}/"], SECONDS * 4 + 30)
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    total = int(re.search(r"requests: \d+ total, \d+ started, (\d+) done", out).group(1))
    return {"rps": rps, "cpu_us": cpu / max(1, total) * 1e6, "requests": total}


def median(runs):
    """The run of median requests/s, with every round's requests/s beside it."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return dict(ordered[len(ordered) // 2], rounds=[round(r["rps"]) for r in runs])


def main():
    work = tempfile.mkdtemp(prefix="ctraffic-bench-http.")
    server = subprocess.Popen([BIN, "-server", "-address", f"127.0.0.1:{ECHO}", "-http", f"127.0.0.1:{H1}",
                               "-h2", f"127.0.0.1:{H2}", "-hostname", "bench"], stderr=subprocess.DEVNULL)
    nginx = None
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 2; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; keepalive_requests 1000000;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{NGINX}; location / {{ add_header ctraffic-host nginx; return 200 "ok\\n"; }} }} }}
""")
    results = {"build": BUILD, "seconds": SECONDS, "clients": {}, "servers": {}}
    try:
        wait_port(H1)
        wait_port(H2)
        # Warm-up: the server's JIT, thread pool and buffers, at the largest load, for both protocols.
        run(["wrk", "-t2", f"-c{max(CONNS)}", "-d2s", f"http://127.0.0.1:{H1}/"], 60)
        run(["h2load", "-t2", f"-c{max(CONNS)}", "-m1", "-D", "2", f"http://127.0.0.1:{H2}/"], 60)
        for c in CONNS:
            rounds = {"http": [], "wrk": [], "h2": [], "h2load": []}
            for _ in range(ROUNDS):
                rounds["http"].append(ours("http", H1, c))
                rounds["wrk"].append(wrk(c))
                rounds["h2"].append(ours("h2", H2, c))
                rounds["h2load"].append(h2load(c))
            results["clients"][str(c)] = {name: median(rs) for name, rs in rounds.items()}
        # At a fixed rate (a fifth of the unlimited one): round trips free of coordinated omission.
        rate = max(100, int(results["clients"][str(min(CONNS))]["http"]["rps"] / 5 / 100) * 100)
        results["fixed"] = {"http": fixed("http", H1, min(CONNS), rate), "h2": fixed("h2", H2, min(CONNS), rate)}
        # Our server against nginx: the same load (wrk, 100 connections), server CPU per request.
        nginx = subprocess.Popen(["nginx", "-c", conf], stderr=subprocess.DEVNULL)
        wait_port(NGINX)
        for name, port, pid in (("ctraffic", H1, server.pid), ("nginx", NGINX, None)):
            pids = [pid] if pid else [int(p) for p in subprocess.run(["pgrep", "-P", str(nginx.pid)], capture_output=True, text=True).stdout.split()] + [nginx.pid]
            before = sum(proc_cpu(p) for p in pids)
            r = wrk(max(CONNS), port)
            r["server_cpu_us"] = (sum(proc_cpu(p) for p in pids) - before) / max(1, r["requests"]) * 1e6
            results["servers"][name] = r
    finally:
        for p in (server, nginx):
            if p is not None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()

    print(f"HTTP benchmark ({BUILD}), loopback, {SECONDS:g} s per run, median of {ROUNDS} rounds, unlimited rate, one request in flight per connection")
    print(f"{'conns':>5}  {'client':<8} {'req/s':>10} {'CPU us/req':>11}   {'vs':<7} {'req/s':>10} {'CPU us/req':>11}   {'ratio':>6}")
    for c, row in results["clients"].items():
        for ours_name, theirs in (("http", "wrk"), ("h2", "h2load")):
            a, b = row[ours_name], row[theirs]
            ratio = a["rps"] / b["rps"] if b["rps"] else 0
            row[f"{ours_name}_ratio"] = ratio
            print(f"{c:>5}  {ours_name:<8} {a['rps']:>10.0f} {a['cpu_us']:>11.1f}   {theirs:<7} {b['rps']:>10.0f} {b['cpu_us']:>11.1f}   {ratio:>5.2f}x")
    for name, f in results["fixed"].items():
        ms = lambda ns: f"{ns / 1e6:.2f}"
        r, c = f["rtt"], f["corrected"]
        print(f"{name} x{min(CONNS)} at {f['rate']} req/s: {f['received']} answered, {f['dropped']} dropped; round trips ms p50/p99/p999/max"
              f" {ms(r['P50'])}/{ms(r['P99'])}/{ms(r['P999'])}/{ms(r['Max'])}, corrected for coordinated omission"
              f" {ms(c['P50'])}/{ms(c['P99'])}/{ms(c['P999'])}/{ms(c['Max'])}")
    s = results["servers"]
    print(f"server (wrk -c{max(CONNS)}): ctraffic {s['ctraffic']['rps']:.0f} req/s, {s['ctraffic']['server_cpu_us']:.1f} us CPU/req;"
          f" nginx {s['nginx']['rps']:.0f} req/s, {s['nginx']['server_cpu_us']:.1f} us CPU/req;"
          f" ratio {s['ctraffic']['rps'] / s['nginx']['rps']:.2f}x")
    if OUT:
        with open(OUT, "w") as f:
            json.dump(results, f, indent=1)


main()
