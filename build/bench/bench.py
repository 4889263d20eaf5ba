#!/usr/bin/env python3
"""The ctraffic benchmark: our server and client as separate processes on loopback.

Runs bounded scenarios (throughput, scale, pacing, no false alarms under a CPU competitor,
growth against connections and rate, allocations per packet) and prints one table of figures
against the targets of the performance issue and the original's figures, plus a JSON file.

Measures from outside the processes: CPU from /proc/PID/stat and wait4() rusage, memory from
/proc/PID/status (VmRSS, VmHWM), machine load from /proc/stat. Inside the unchanged processes a
.NET startup hook (ProcessProbe) writes the runtime's counters: bytes allocated, GCs, thread-pool
work items (thread hops), lock contentions. Packets come from the client's `-stats all` JSON.

Every scenario is bounded in time (the client's -timeout plus fixed margins) and sends traffic
only to 127.0.0.1. Parameters come from environment variables (see PARAMS below); BENCH_QUICK=1
scales everything down to a run of about a minute.
"""

import json
import os
import resource
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone

CLK = os.sysconf("SC_CLK_TCK")
QUICK = os.environ.get("BENCH_QUICK", "0") not in ("", "0")

# name: (full run, quick run, meaning)
PARAMS = {
    "PSIZE": (1024, 1024, "packet size, bytes"),
    "NOFILE": (20000, 20000, "open-file limit of each process"),
    "TP_CONNS": ("10,100", "10,100", "connections of the throughput runs"),
    "TP_RATE": (200000, 200000, "KB/s of the throughput runs ('unlimited', as the original was measured)"),
    "TP_SECONDS": (10, 3, "length of each throughput run"),
    "SCALE_CONNS": (19000, 2000, "connections of the scale run (1 packet/s each)"),
    "SCALE_SECONDS": (60, 8, "length of the scale run"),
    "PACE_CONNS": (10000, 2000, "connections of the pacing run (1 packet/s each; also the original's 10k x 10 s figure)"),
    "PACE_SECONDS": (10, 5, "length of the pacing run (10 s: the original's 10k-connection figures were for 10 s)"),
    "CAPTURE_SECONDS": (3, 2, "tcpdump window of the pacing run (packet spread on the wire); 0 = none"),
    "FA_CONNS": (2000, 500, "connections of the no-false-alarm run"),
    "FA_RATE": (10000, 2500, "KB/s of the no-false-alarm run"),
    "FA_SECONDS": (60, 8, "length of the no-false-alarm run"),
    "FA_HOGS": (1, 1, "CPU-bound competitors during the no-false-alarm run"),
    "GROWTH_CONNS": ("1000,5000,10000,19000", "500,1000,2000", "connections of the growth table (1 packet/s each)"),
    "GROWTH_SECONDS": (15, 4, "length of each growth run (not already run above)"),
    "RATE_CONNS": (1000, 200, "connections of the rate growth table"),
    "RATE_PPS": ("1,10,50", "1,10", "packets/s per connection of the rate growth table"),
    "ALLOC_SECONDS": (8, 4, "length of each allocation run"),
    "IDLE_SECONDS": (1.5, 1.0, "wait after the server starts before its idle memory is read"),
    "PORT_RANGE": ("10000 65535", "10000 65535", "ephemeral port range set for the run when it is narrower and this process may (root), restored after; 'keep' = leave it"),
    "ONLY": ("", "", "comma-separated scenario groups to run: tp,scale,pace,fa,growth,rate,alloc (empty = all)"),
}


def param(name):
    full, quick, _ = PARAMS[name]
    raw = os.environ.get("BENCH_" + name)
    value = quick if QUICK else full
    if raw is not None and raw != "":
        value = type(full)(raw) if not isinstance(full, str) else raw
    return value


def int_list(name):
    return [int(x) for x in str(param(name)).split(",") if x.strip()]


BIN = os.environ.get("BENCH_BIN") or sys.exit("BENCH_BIN (path of the published ctraffic) is not set")
SERVER_BIN = os.environ.get("BENCH_SERVER_BIN") or BIN
PROBE = os.environ.get("BENCH_PROBE", "")
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="ctraffic-bench-")
OUT = os.environ.get("BENCH_OUT", "bench-results.json")
CLIENT_ENV = os.environ.get("BENCH_CLIENT_ENV", "")
SERVER_ENV = os.environ.get("BENCH_SERVER_ENV", "")
PSIZE = param("PSIZE")
ONLY = {x.strip() for x in str(param("ONLY")).split(",") if x.strip()}

# The original's figures (SPEC.md, "Figures of the original"): 2 cores, loopback, separate processes.
ORIGINAL = {
    "tp10_mbs": 95.0, "tp10_client_cpu": 88.0, "tp10_server_cpu": 75.0,
    "tp100_mbs": 116.0,
    "k10_client_rss_mb": 153.0, "k10_server_rss_mb": 98.0,
    "k10_client_cpu_s": 1.7 + 2.7, "k10_server_cpu_s": 0.8 + 2.4,
    # 10 000 connections x 1 packet/s x 10 s = 100 000 packets (taken as sent; the original's
    # early close at low rates makes it somewhat fewer, so these per-packet figures are generous to it).
    "k10_packets": 100000,
}
ORIGINAL["k10_client_us_per_pkt"] = ORIGINAL["k10_client_cpu_s"] / ORIGINAL["k10_packets"] * 1e6
ORIGINAL["k10_server_us_per_pkt"] = ORIGINAL["k10_server_cpu_s"] / ORIGINAL["k10_packets"] * 1e6


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc readers

def proc_cpu(pid):
    """user+system CPU seconds of a process (all threads), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (OSError, IndexError, ValueError):
        return None


def proc_mem(pid):
    """(VmRSS, VmHWM) in KiB, or (None, None)."""
    rss = hwm = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def proc_switches(pid):
    """Context switches (voluntary + involuntary) summed over the threads of a process, or None."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    for line in f:
                        if "ctxt_switches" in line:
                            total += int(line.split()[1])
            except OSError:
                pass
    except OSError:
        return None
    return total


def machine_jiffies():
    """(busy, total) jiffies of all CPUs."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]
    total = sum(parts[:8])
    return total - idle, total


def tcp_sockstat():
    """(in use, TIME_WAIT) TCP sockets of the machine, from /proc/net/sockstat."""
    try:
        with open("/proc/net/sockstat") as f:
            for line in f:
                if line.startswith("TCP:"):
                    p = line.split()
                    return int(p[p.index("inuse") + 1]), int(p[p.index("tw") + 1])
    except (OSError, ValueError):
        pass
    return None, None


def port_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo, hi = (int(x) for x in f.read().split())
            return lo, hi
    except (OSError, ValueError):
        return None, None


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def listening(port):
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    cols = line.split()
                    if cols[1].endswith(want) and cols[3] == "0A":
                        return True
        except OSError:
            pass
    return False


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sampler(threading.Thread):
    """Samples CPU and memory of some processes every `period` seconds."""

    def __init__(self, period=0.25):
        super().__init__(daemon=True)
        self.period = period
        self.pids = {}
        self.samples = {}
        self.stop_event = threading.Event()

    def watch(self, name, pid):
        self.pids[name] = pid
        self.samples.setdefault(name, [])

    def run(self):
        while not self.stop_event.is_set():
            now = time.time()
            for name, pid in list(self.pids.items()):
                cpu = proc_cpu(pid)
                if cpu is None:
                    continue
                rss, hwm = proc_mem(pid)
                self.samples[name].append((now, cpu, rss, hwm, proc_switches(pid) or 0))
            self.stop_event.wait(self.period)

    def stop(self):
        self.stop_event.set()
        self.join()


def read_probe(path):
    """Lines of the startup hook: (unix_s, alloc, gen0, gen1, gen2, workitems, threads, contentions, pause_ms, heap, jit_ms, jit_methods)."""
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 12:
                    v = [int(x) for x in parts]
                    rows.append((v[0] / 1000.0, *v[1:]))
    except OSError:
        pass
    return rows


def at(rows, t, col):
    """Linear interpolation of column `col` of time-ordered rows (rows[i][0] = time) at time t."""
    if not rows:
        return None
    if t <= rows[0][0]:
        return rows[0][col]
    for a, b in zip(rows, rows[1:]):
        if a[0] <= t <= b[0]:
            if b[0] == a[0]:
                return b[col]
            return a[col] + (b[col] - a[col]) * (t - a[0]) / (b[0] - a[0])
    return rows[-1][col]


def num(v):
    """A number as a flag value: 19000, not 19000.0."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def parse_env(text):
    env = {}
    for item in text.split():
        if "=" in item:
            k, v = item.split("=", 1)
            env[k] = v
    return env


def limits():
    resource.setrlimit(resource.RLIMIT_NOFILE, (param("NOFILE"), max(param("NOFILE"), resource.getrlimit(resource.RLIMIT_NOFILE)[1])))


def process_env(probe_file, extra, alloc_types=False):
    env = dict(os.environ)
    env.pop("DOTNET_gcServer", None)
    if PROBE:
        env["DOTNET_STARTUP_HOOKS"] = PROBE
        env["CTRAFFIC_PROBE_FILE"] = probe_file
        env["CTRAFFIC_PROBE_MS"] = "250"
        if alloc_types:
            env["CTRAFFIC_PROBE_ALLOC"] = "1"
    env.update(parse_env(extra))
    return env


def stop_process(p, grace=5.0):
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


# ---------------------------------------------------------------- one scenario

def run_pair(name, nconn, rate, seconds, hogs=0, capture_seconds=0, alloc_types=False):
    """Starts a server, lets it idle, runs one client against it, and returns the raw figures."""
    port = free_port()
    d = os.path.join(WORK, name)
    os.makedirs(d, exist_ok=True)
    inuse, tw = tcp_sockstat()
    log(f"{name}: {nconn} connections, -rate {rate} KB/s, {seconds} s, port {port}"
        + (f", {hogs} CPU hog(s)" if hogs else "") + f" (load average {loadavg():.1f}, TCP TIME_WAIT {tw})")
    server = subprocess.Popen([SERVER_BIN, "-server", "-address", f"127.0.0.1:{port}", "-hostname", "bench"],
                              stdout=open(os.path.join(d, "server.out"), "w"),
                              stderr=open(os.path.join(d, "server.err"), "w"),
                              env=process_env(os.path.join(d, "server.probe"), SERVER_ENV, alloc_types),
                              preexec_fn=limits)
    hog_procs = []
    try:
        deadline = time.time() + 20
        while not listening(port):
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{name}: the server did not listen on {port}")
            time.sleep(0.05)
        time.sleep(param("IDLE_SECONDS"))
        server_idle_rss, _ = proc_mem(server.pid)
        server_cpu0 = proc_cpu(server.pid)
        sampler = Sampler()
        sampler.watch("server", server.pid)
        sampler.start()

        for _ in range(hogs):
            hog_procs.append(subprocess.Popen(
                ["timeout", str(int(seconds) + 15), "sh", "-c", "while :; do :; done"],
                start_new_session=True))

        busy0, total0 = machine_jiffies()
        t_start = time.time()
        client_out = os.path.join(d, "client.json")
        client = subprocess.Popen([BIN, "-address", f"127.0.0.1:{port}", "-nconn", str(nconn),
                                   "-rate", num(rate), "-timeout", f"{seconds}s", "-psize", str(PSIZE),
                                   "-stats", "all"],
                                  stdout=open(client_out, "w"),
                                  stderr=open(os.path.join(d, "client.err"), "w"),
                                  env=process_env(os.path.join(d, "client.probe"), CLIENT_ENV, alloc_types),
                                  preexec_fn=limits)
        sampler.watch("client", client.pid)

        capture = None
        if capture_seconds > 0:
            capture = threading.Thread(target=capture_spread,
                                       args=(d, port, t_start + min(seconds / 2, seconds - capture_seconds - 1),
                                             capture_seconds), daemon=True)
            capture.start()

        # The client ends by itself after -timeout; a hung client is stopped after a margin.
        killer = threading.Timer(seconds + 60, lambda: client.poll() is None and client.kill())
        killer.start()
        _, status, usage = os.wait4(client.pid, 0)
        killer.cancel()
        client.returncode = os.waitstatus_to_exitcode(status)
        t_end = time.time()
        busy1, total1 = machine_jiffies()
        server_cpu1 = proc_cpu(server.pid)
        server_rss_end, server_hwm = proc_mem(server.pid)
        for h in hog_procs:
            try:
                os.killpg(h.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            h.wait()
        hog_procs = []
        if capture is not None:
            capture.join(capture_seconds + 10)
        sampler.stop()
    finally:
        for h in hog_procs:
            try:
                os.killpg(h.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        stop_process(server)

    with open(client_out) as f:
        text = f.read().strip()
    stats = json.loads(text) if text else {}
    client_cpu = usage.ru_utime + usage.ru_stime
    ours = client_cpu + (server_cpu1 - server_cpu0)
    jiffies = busy1 - busy0
    machine_cpu = jiffies / CLK
    wall = t_end - t_start
    result = {
        "name": name, "connections": nconn, "rate_kbps": rate, "seconds": seconds, "hogs": hogs,
        "client_exit": client.returncode,
        "wall_s": wall,
        "stats": {k: v for k, v in stats.items() if k not in ("ConnStats", "Samples")},
        "samples": stats.get("Samples", []),
        "conn_stats": stats.get("ConnStats", []),
        "client_cpu_s": client_cpu, "client_user_s": usage.ru_utime, "client_sys_s": usage.ru_stime,
        "client_maxrss_kb": usage.ru_maxrss,
        "server_cpu_s": server_cpu1 - server_cpu0,
        "server_idle_rss_kb": server_idle_rss, "server_rss_end_kb": server_rss_end, "server_hwm_kb": server_hwm,
        "machine_busy_pct": 100.0 * jiffies / max(1, total1 - total0) * os.cpu_count(),
        "others_cpu_pct": 100.0 * max(0.0, machine_cpu - ours - (hogs * wall)) / wall,
        "load_average_end": loadavg(),
        "tcp_time_wait_before": tw,
        "t_start": t_start, "t_end": t_end,
        "sampler": sampler.samples,
        "server_probe": read_probe(os.path.join(d, "server.probe")),
        "client_probe": read_probe(os.path.join(d, "client.probe")),
        "dir": d,
    }
    if capture_seconds > 0:
        result["spread"] = read_spread(d)
    if alloc_types:
        for who in ("client", "server"):
            result[f"{who}_alloc_types"] = read_alloc_types(os.path.join(d, f"{who}.probe.alloc"))
    # Everything measured, to derive the figures again later (e.g. after a change of derive()).
    with open(os.path.join(d, "raw.json"), "w") as f:
        json.dump({k: v for k, v in result.items() if k != "conn_stats"}, f)
    return result


def read_alloc_types(path, top=12):
    """The probe's sampled allocations by type: [(type, bytes, share)], largest first."""
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 2)
                if len(parts) == 3:
                    rows.append((parts[2], int(parts[0])))
    except OSError:
        return []
    total = sum(b for _, b in rows) or 1
    return [{"type": t, "bytes": b, "share": b / total} for t, b in rows[:top]]


# ---------------------------------------------------------------- packet spread on the wire

# tcpdump's own start competes for the CPU with the processes it watches (on 2 cores it held
# up the client's sends for a few milliseconds, then they came out together): the capture starts
# this much earlier and its first packets are left out of the spread figures.
CAPTURE_LEAD_S = 0.5


def capture_spread(d, port, at_time, seconds):
    """tcpdump of the client's data segments to the server, for `seconds` from `at_time` (plus the lead before)."""
    at_time -= CAPTURE_LEAD_S
    seconds += CAPTURE_LEAD_S
    delay = at_time - time.time()
    if delay > 0:
        time.sleep(delay)
    path = os.path.join(d, "spread.pcap")
    try:
        subprocess.run(["timeout", str(round(seconds, 1)), "tcpdump", "-i", "lo", "-nn", "-q", "-s", "64", "-B", "16384",
                        "-c", "2000000", "-w", path,
                        f"tcp dst port {port} and (tcp[tcpflags] & tcp-push != 0)"],
                       stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "tcpdump.err"), "w"), check=False)
    except FileNotFoundError:
        pass


def read_spread(d):
    """Packets per 10 ms and per 100 ms bin of the capture: how evenly the connections are spread."""
    path = os.path.join(d, "spread.pcap")
    times = []
    try:
        with open(path, "rb") as f:
            header = f.read(24)
            if len(header) < 24:
                return None
            magic = struct.unpack("<I", header[:4])[0]
            endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
            nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
            while True:
                rec = f.read(16)
                if len(rec) < 16:
                    break
                sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
                f.seek(incl, 1)
                times.append(sec + frac / (1e9 if nano else 1e6))
    except OSError:
        return None
    if times:
        times = [t for t in times if t >= times[0] + CAPTURE_LEAD_S]
    if len(times) < 100:
        return None
    t0, t1 = times[0], times[-1]
    out = {"packets": len(times), "seconds": t1 - t0}
    for width, key in ((0.01, "10ms"), (0.1, "100ms")):
        n = int((t1 - t0) / width)
        if n < 3:
            continue
        bins = [0] * n
        for t in times:
            i = int((t - t0) / width)
            if i < n:
                bins[i] += 1
        mean = statistics.mean(bins)
        cv = statistics.pstdev(bins) / mean if mean else None
        out[key] = {
            "bins": n, "mean": mean, "cv": cv,
            "poisson_cv": (1 / mean ** 0.5) if mean else None,
            "max_dev": max(abs(b - mean) for b in bins) / mean if mean else None,
        }
    return out


# ---------------------------------------------------------------- derived figures

def started_unix(stats):
    s = stats.get("Started")
    if not s:
        return None
    # RFC 3339 with up to 9 fractional digits and Z.
    main, _, frac = s.rstrip("Z").partition(".")
    base = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return base + (float("0." + frac) if frac else 0.0)


def sample_rows(r):
    """Samples as (unix time, sent, received, dropped)."""
    t0 = started_unix(r["stats"])
    if t0 is None:
        return []
    rows = [(t0, 0, 0, 0)]
    for s in r["samples"]:
        rows.append((t0 + s["Time"] / 1e9, s["Sent"], s["Received"], s["Dropped"]))
    return rows


def steady_window(r):
    """The window for steady-state figures: after the connects and most of the tiered JIT (35% of the
    run, at least 2 s where the run is long enough, at most 10 s) to 1 s before the end."""
    t0 = started_unix(r["stats"]) or r["t_start"]
    return (t0 + min(10.0, max(min(2.0, r["seconds"] * 0.3), r["seconds"] * 0.35)),
            t0 + r["seconds"] - min(1.0, r["seconds"] * 0.1))


def derive(r):
    st = r["stats"]
    f = {}
    dur = st.get("Duration", 0) / 1e9 or r["wall_s"]
    sent, recv = st.get("Sent", 0), st.get("Received", 0)
    f["sent"], f["received"], f["dropped"] = sent, recv, st.get("Dropped", 0)
    f["failed_connections"] = st.get("FailedConnections")
    # Figures the client adds to the original's JSON, where it has them.
    for key, name in (("PacingLagP99", "pacing_lag_p99_ms"), ("PacingLagMax", "pacing_lag_max_ms")):
        if key in st:
            f[name] = st[key] / 1e6
    if "DroppedLocal" in st:
        f["dropped_local"] = st["DroppedLocal"]
    f["failed_connects"] = st.get("FailedConnects")
    f["echoed_mbs"] = recv * PSIZE / dur / 1e6 if dur else 0
    f["asked_pps"] = r["rate_kbps"] * 1024 / PSIZE
    f["expected_sent"] = f["asked_pps"] * r["seconds"]
    f["sent_vs_expected_pct"] = 100.0 * (sent - f["expected_sent"]) / f["expected_sent"] if f["expected_sent"] else None
    f["client_us_per_pkt"] = r["client_cpu_s"] / sent * 1e6 if sent else None
    f["server_us_per_pkt"] = r["server_cpu_s"] / recv * 1e6 if recv else None
    f["client_cpu_pct"] = 100.0 * r["client_cpu_s"] / r["wall_s"]
    f["server_cpu_pct"] = 100.0 * r["server_cpu_s"] / r["wall_s"]

    rows = sample_rows(r)
    w0, w1 = steady_window(r)
    if rows:
        w1 = min(w1, rows[-1][0])
    sent_w = recv_w = None
    if len(rows) >= 3 and w1 - w0 >= 0.5:
        sent_w = at(rows, w1, 1) - at(rows, w0, 1)
        recv_w = at(rows, w1, 2) - at(rows, w0, 2)
        f["steady_echoed_mbs"] = recv_w * PSIZE / (w1 - w0) / 1e6
        # A run that collapsed (few packets in the window) has no meaningful per-packet figures.
        if f["asked_pps"] <= 50000 and recv_w < 0.25 * f["asked_pps"] * (w1 - w0):
            f["steady_collapsed"] = True
            sent_w = recv_w = None
    for who in ("client", "server"):
        smp = r["sampler"].get(who, [])
        if sent_w and len(smp) > 2 and smp[0][0] <= w0 and smp[-1][0] >= w1:
            cpu = at(smp, w1, 1) - at(smp, w0, 1)
            f[f"{who}_steady_cpu_pct"] = 100.0 * cpu / (w1 - w0)
            f[f"{who}_steady_us_per_pkt"] = cpu / (sent_w if who == "client" else recv_w) * 1e6
            f[f"{who}_switches_per_pkt"] = (at(smp, w1, 4) - at(smp, w0, 4)) / (sent_w if who == "client" else recv_w)
        late = [s for s in smp if w0 + (w1 - w0) * 0.5 <= s[0] <= w1 and s[2]]
        if late:
            f[f"{who}_steady_rss_kb"] = statistics.median(s[2] for s in late)
        if smp:
            f[f"{who}_peak_rss_kb"] = max((s[3] or 0) for s in smp)
        probe = r[f"{who}_probe"]
        if sent_w and len(probe) > 2 and probe[0][0] <= w0 and probe[-1][0] >= w1:
            pk = sent_w if who == "client" else recv_w
            alloc = at(probe, w1, 1) - at(probe, w0, 1)
            f[f"{who}_alloc_bytes_per_pkt"] = alloc / pk if pk else None
            f[f"{who}_alloc_kb_per_s"] = alloc / (w1 - w0) / 1024
            f[f"{who}_gen0_per_s"] = (at(probe, w1, 2) - at(probe, w0, 2)) / (w1 - w0)
            f[f"{who}_gen2_in_window"] = at(probe, w1, 4) - at(probe, w0, 4)
            f[f"{who}_workitems_per_pkt"] = (at(probe, w1, 5) - at(probe, w0, 5)) / pk if pk else None
            f[f"{who}_threads"] = max(p[6] for p in probe)
            f[f"{who}_lock_contentions_per_s"] = (at(probe, w1, 7) - at(probe, w0, 7)) / (w1 - w0)
            f[f"{who}_gc_pause_ms_in_window"] = at(probe, w1, 8) - at(probe, w0, 8)
            f[f"{who}_jit_ms_in_window"] = at(probe, w1, 10) - at(probe, w0, 10)
        if probe:
            f[f"{who}_jit_ms_total"] = probe[-1][10]
            f[f"{who}_gc_pause_ms_total"] = probe[-1][8]
            f[f"{who}_gcs_total"] = [probe[-1][2], probe[-1][3], probe[-1][4]]
            f[f"{who}_allocated_mb_total"] = probe[-1][1] / 1e6
    f["server_idle_rss_kb"] = r["server_idle_rss_kb"]
    # Memory per connection only where the connections were held (else it divides by absent ones).
    held = sum(1 for c in r["conn_stats"] if not c.get("Err") and c.get("Connect", 0) > 0
               and c.get("Ended", 0) >= r["seconds"] * 1_000_000_000)
    f["memory_per_conn_valid"] = held >= 0.95 * r["connections"]
    if not f["memory_per_conn_valid"]:
        pass
    elif r["server_idle_rss_kb"] and f.get("server_steady_rss_kb"):
        f["server_kb_per_conn"] = (f["server_steady_rss_kb"] - r["server_idle_rss_kb"]) / r["connections"]
    if f["memory_per_conn_valid"] and r["server_idle_rss_kb"] and r["server_hwm_kb"]:
        f["server_peak_kb_per_conn"] = (r["server_hwm_kb"] - r["server_idle_rss_kb"]) / r["connections"]

    # Pacing: the rate of every 1 s sample interval after the first two samples, up to the last
    # sample taken before the end (the one taken as the run ends covers a part-second).
    devs = []
    samples = [x for x in r["samples"] if x["Time"] <= r["seconds"] * 1e9]
    for a, b in zip(samples[2:], samples[3:]):
        dt = (b["Time"] - a["Time"]) / 1e9
        if dt > 0:
            devs.append(100.0 * ((b["Sent"] - a["Sent"]) / dt - f["asked_pps"]) / f["asked_pps"])
    f["sample_rate_devs_pct"] = devs
    f["worst_sample_dev_pct"] = max(devs, key=abs) if devs else None
    gaps = [(b["Time"] - a["Time"]) / 1e9 for a, b in zip(samples, samples[1:])]
    f["longest_sample_gap_s"] = max(gaps) if gaps else None

    # Connections: how many were held to the end.
    conns = r["conn_stats"]
    timeout_ns = r["seconds"] * 1_000_000_000
    f["slots_used"] = len(conns)
    f["held_to_end"] = sum(1 for c in conns if not c.get("Err") and c.get("Connect", 0) > 0 and c.get("Ended", 0) >= timeout_ns)
    f["errors"] = sum(1 for c in conns if c.get("Err"))
    f["never_connected"] = sum(1 for c in conns if c.get("Connect", 0) == 0)
    connects = sorted(c["Connect"] / 1e9 for c in conns if c.get("Connect", 0) > 0)
    if connects:
        f["connect_span_s"] = connects[-1] - connects[0]
        f["last_connect_s"] = connects[-1]
    f["others_cpu_pct"] = r["others_cpu_pct"]
    f["machine_busy_pct"] = r["machine_busy_pct"]
    f["tcp_time_wait_before"] = r.get("tcp_time_wait_before")
    if r.get("spread"):
        f["spread"] = r["spread"]
    return f


# ---------------------------------------------------------------- the run

def client_idle_rss():
    """RSS of a client holding one connection: 'the idle process' for the client's memory per connection."""
    r = run_pair("client-idle", 1, 1, 3)
    f = derive(r)
    return f.get("client_steady_rss_kb") or r["client_maxrss_kb"], r, f


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def want_scale_warning(lo, hi):
    """Linux gives connect() one half (one parity) of the ephemeral range first; past it, each connect scans."""
    return (not ONLY or "scale" in ONLY) and (hi - lo + 1) // 2 < param("SCALE_CONNS")


def main():
    os.makedirs(WORK, exist_ok=True)
    t_begin = time.time()
    results = {"machine": {"nproc": os.cpu_count(), "quick": QUICK, "client_bin": BIN, "server_bin": SERVER_BIN,
                           "client_env": CLIENT_ENV, "server_env": SERVER_ENV,
                           "kernel": os.uname().release, "load_average_start": loadavg(),
                           "started": datetime.now(timezone.utc).isoformat(timespec="seconds")},
               "params": {k: param(k) for k in PARAMS},
               "original": ORIGINAL, "runs": {}, "targets": [], "growth": [], "rate_growth": []}
    try:
        with open("/proc/meminfo") as f:
            results["machine"]["mem_total_kb"] = int(f.readline().split()[1])
    except OSError:
        pass
    lo, hi = port_range()
    results["machine"]["ip_local_port_range_before"] = [lo, hi]
    saved = widen_port_range(lo, hi)
    try:
        run_all(results, t_begin)
    finally:
        if saved:
            set_port_range(*saved)
            log(f"ephemeral port range restored to {saved[0]}-{saved[1]}")


def set_port_range(lo, hi):
    with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as f:
        f.write(f"{lo} {hi}\n")


def widen_port_range(lo, hi):
    """Sets BENCH_PORT_RANGE for the run if the range is narrower; returns the range to restore."""
    wanted = str(param("PORT_RANGE")).split()
    if lo is None or len(wanted) != 2:
        return None
    wlo, whi = int(wanted[0]), int(wanted[1])
    if wlo >= lo and whi <= hi:
        return None
    try:
        set_port_range(min(lo, wlo), max(hi, whi))
    except OSError as e:
        log(f"cannot widen the ephemeral port range ({e}); keeping {lo}-{hi}")
        return None
    log(f"ephemeral port range widened from {lo}-{hi} to {min(lo, wlo)}-{max(hi, whi)} for the run "
        "(connect() prefers ports of one parity: 19 000 connections from one address need more than 14 116; ports below 10 000 stay free for servers)")
    return lo, hi


def run_all(results, t_begin):
    lo, hi = port_range()
    results["machine"]["ip_local_port_range"] = [lo, hi]
    if lo is not None and want_scale_warning(lo, hi):
        log(f"the ephemeral port range {lo}-{hi} gives connect() {(hi - lo + 1) // 2} preferred ports for "
            f"{param('SCALE_CONNS')} connections: past that each connect() scans the whole half (milliseconds "
            "each), and the scale run's connects crawl. sysctl -w net.ipv4.ip_local_port_range='10000 65535' avoids it.")
    runs = results["runs"]
    want = lambda group: not ONLY or group in ONLY  # noqa: E731

    idle_rss, _, _ = client_idle_rss()
    results["machine"]["client_idle_rss_kb"] = idle_rss

    def keep(key, r):
        f = derive(r)
        runs[key] = {"connections": r["connections"], "rate_kbps": r["rate_kbps"], "seconds": r["seconds"],
                     "hogs": r["hogs"], "client_exit": r["client_exit"], "stats": r["stats"],
                     "client_cpu_s": r["client_cpu_s"], "client_user_s": r["client_user_s"],
                     "client_sys_s": r["client_sys_s"], "server_cpu_s": r["server_cpu_s"],
                     "client_maxrss_kb": r["client_maxrss_kb"], "server_hwm_kb": r["server_hwm_kb"],
                     "figures": f}
        if f.get("client_steady_rss_kb") and f["memory_per_conn_valid"]:
            f["client_kb_per_conn"] = (f["client_steady_rss_kb"] - idle_rss) / r["connections"]
        if r["client_maxrss_kb"] and f["memory_per_conn_valid"]:
            f["client_peak_kb_per_conn"] = (r["client_maxrss_kb"] - idle_rss) / r["connections"]
        return f

    if want("tp"):
        for n in int_list("TP_CONNS"):
            keep(f"tp{n}", run_pair(f"tp{n}", n, param("TP_RATE"), param("TP_SECONDS")))
    if want("scale"):
        n = param("SCALE_CONNS")
        keep("scale", run_pair("scale", n, n * PSIZE / 1024, param("SCALE_SECONDS")))
    if want("pace"):
        n = param("PACE_CONNS")
        keep("pace", run_pair("pace", n, n * PSIZE / 1024, param("PACE_SECONDS"),
                              capture_seconds=param("CAPTURE_SECONDS")))
    if want("fa"):
        keep("fa", run_pair("fa", param("FA_CONNS"), param("FA_RATE"), param("FA_SECONDS"), hogs=param("FA_HOGS")))
    if want("alloc"):
        # Allocation and thread hops per packet at a moderate packet rate on few connections.
        r = run_pair("alloc100", 100, 100 * 100 * PSIZE / 1024, param("ALLOC_SECONDS"), alloc_types=True)
        keep("alloc100", r)
        runs["alloc100"]["alloc_types"] = {"client": r.get("client_alloc_types"), "server": r.get("server_alloc_types")}
    if want("growth"):
        for n in int_list("GROWTH_CONNS"):
            key = next((k for k in ("scale", "pace") if k in runs and runs[k]["connections"] == n), None)
            if key is None:
                key = f"growth{n}"
                keep(key, run_pair(key, n, n * PSIZE / 1024, param("GROWTH_SECONDS")))
            results["growth"].append(growth_row(key, runs[key]))
    if want("rate"):
        n = param("RATE_CONNS")
        for pps in int_list("RATE_PPS"):
            key = next((k for k in runs if runs[k]["connections"] == n and runs[k]["rate_kbps"] == n * pps * PSIZE / 1024 and runs[k]["hogs"] == 0), None)
            if key is None:
                key = f"rate{n}x{pps}"
                keep(key, run_pair(key, n, n * pps * PSIZE / 1024, param("GROWTH_SECONDS")))
            results["rate_growth"].append(growth_row(key, runs[key]))
        for n in int_list("TP_CONNS"):
            if f"tp{n}" in runs:
                results["rate_growth"].append(growth_row(f"tp{n}", runs[f"tp{n}"]))

    results["targets"] = targets(runs, idle_rss)
    results["machine"]["load_average_end"] = loadavg()
    results["machine"]["bench_seconds"] = round(time.time() - t_begin, 1)
    with open(OUT, "w") as f:
        json.dump(results, f, indent=1)
    print_tables(results)
    print(f"\nJSON: {OUT}   raw files: {WORK}   ({results['machine']['bench_seconds']} s)")


def growth_row(key, run):
    f = run["figures"]
    return {
        "run": key, "connections": run["connections"], "rate_kbps": run["rate_kbps"],
        "pps": f["asked_pps"], "seconds": run["seconds"],
        "server_rss_mb": (f.get("server_steady_rss_kb") or 0) / 1024,
        "server_kb_per_conn": f.get("server_kb_per_conn"),
        "client_rss_mb": (f.get("client_steady_rss_kb") or 0) / 1024,
        "client_kb_per_conn": f.get("client_kb_per_conn"),
        "server_cpu_pct": f.get("server_steady_cpu_pct"), "client_cpu_pct": f.get("client_steady_cpu_pct"),
        "server_us_per_pkt": f.get("server_steady_us_per_pkt"), "client_us_per_pkt": f.get("client_steady_us_per_pkt"),
        "sent_vs_expected_pct": f.get("sent_vs_expected_pct"),
        "failed": f.get("failed_connections"), "dropped": f.get("dropped"),
        "others_cpu_pct": f.get("others_cpu_pct"),
    }


def targets(runs, idle_rss):
    rows = []

    def add(target, key, figure, value, goal, ok, original=None, note=""):
        rows.append({"target": target, "run": key, "figure": figure, "value": value, "goal": goal,
                     "ok": ok, "original": original, "note": note})

    def fig(key, name):
        return runs.get(key, {}).get("figures", {}).get(name)

    o = ORIGINAL
    if "tp10" in runs:
        v = fig("tp10", "echoed_mbs")
        add("1 throughput", "tp10", "echoed MB/s, 10 conns", v, ">= 150", v is not None and v >= 150, o["tp10_mbs"])
        add("1 throughput", "tp10", "client CPU %", fig("tp10", "client_cpu_pct"), "", None, o["tp10_client_cpu"])
        add("1 throughput", "tp10", "server CPU %", fig("tp10", "server_cpu_pct"), "", None, o["tp10_server_cpu"])
        add("1 throughput", "tp10", "client CPU us/packet", fig("tp10", "client_us_per_pkt"), "", None)
        add("1 throughput", "tp10", "server CPU us/packet", fig("tp10", "server_us_per_pkt"), "", None)
        add("1 throughput", "tp10", "Dropped (sender behind)", fig("tp10", "dropped"), "", None)
    if "tp100" in runs:
        v = fig("tp100", "echoed_mbs")
        add("1 throughput", "tp100", "echoed MB/s, 100 conns", v, ">= 170", v is not None and v >= 170, o["tp100_mbs"])
        add("1 throughput", "tp100", "client CPU us/packet", fig("tp100", "client_us_per_pkt"), "", None)
        add("1 throughput", "tp100", "server CPU us/packet", fig("tp100", "server_us_per_pkt"), "", None)
    for key in ("tp10", "tp100"):
        if key in runs:
            add("1 throughput", key, "others' CPU on the machine, % of one core", fig(key, "others_cpu_pct"), "", None)
    if "scale" in runs:
        n = runs["scale"]["connections"]
        f = runs["scale"]["figures"]
        add("2 scale", "scale", f"connections held to the end (of {n})", f.get("held_to_end"), f"= {n}",
            f.get("held_to_end") == n and f.get("slots_used") == n)
        add("2 scale", "scale", "FailedConnections", f.get("failed_connections"), "= 0", f.get("failed_connections") == 0)
        v = f.get("sent_vs_expected_pct")
        add("2 scale", "scale", "Sent vs rate x time, %", v, "within 0.5", v is not None and abs(v) <= 0.5)
        v = f.get("server_kb_per_conn")
        add("2 scale", "scale", "server KB/conn above idle (steady RSS)", v, "<= 3", v is not None and v <= 3,
            o["k10_server_rss_mb"] * 1024 / 10000, "original: whole RSS / 10k conns")
        add("2 scale", "scale", "server KB/conn above idle (peak RSS)", f.get("server_peak_kb_per_conn"), "", None)
        v = f.get("client_kb_per_conn")
        add("2 scale", "scale", "client KB/conn above idle (steady RSS)", v, "<= 6", v is not None and v <= 6,
            o["k10_client_rss_mb"] * 1024 / 10000, "original: whole RSS / 10k conns")
        add("2 scale", "scale", "client KB/conn above idle (peak RSS)", f.get("client_peak_kb_per_conn"), "", None)
        goal_c = o["k10_client_us_per_pkt"] * 0.7
        goal_s = o["k10_server_us_per_pkt"] * 0.7
        v = f.get("client_us_per_pkt")
        add("2 scale", "scale", "client CPU us/packet (whole run)", v, f"<= {goal_c:.1f}", v is not None and v <= goal_c,
            o["k10_client_us_per_pkt"])
        v = f.get("server_us_per_pkt")
        add("2 scale", "scale", "server CPU us/packet (whole run)", v, f"<= {goal_s:.1f}", v is not None and v <= goal_s,
            o["k10_server_us_per_pkt"])
        add("2 scale", "scale", "client CPU us/packet (steady)", f.get("client_steady_us_per_pkt"), "", None)
        add("2 scale", "scale", "server CPU us/packet (steady)", f.get("server_steady_us_per_pkt"), "", None)
        add("2 scale", "scale", "client JIT ms (whole run)", f.get("client_jit_ms_total"), "", None)
        add("2 scale", "scale", "server JIT ms (whole run)", f.get("server_jit_ms_total"), "", None)
        add("2 scale", "scale", "last connect, s after start", f.get("last_connect_s"), "", None)
        add("2 scale", "scale", "FailedConnects (connect retries)", f.get("failed_connects"), "", None)
        add("2 scale", "scale", "server GC pauses, ms (whole run)", f.get("server_gc_pause_ms_total"), "", None)
        add("2 scale", "scale", "client GC pauses, ms (whole run)", f.get("client_gc_pause_ms_total"), "", None)
        add("2 scale", "scale", "others' CPU on the machine, % of one core", f.get("others_cpu_pct"), "", None)
    if "pace" in runs:
        f = runs["pace"]["figures"]
        r = runs["pace"]
        n = r["connections"]
        v = f.get("worst_sample_dev_pct")
        add("3 pacing", "pace", "worst 1 s sample vs asked rate, % (after the first two)", v, "within 1",
            v is not None and abs(v) <= 1)
        sp = (f.get("spread") or {}).get("100ms")
        add("3 pacing", "pace", "spread on the wire: worst 100 ms bin vs mean, %",
            sp["max_dev"] * 100 if sp else None, "within 5", (sp["max_dev"] <= 0.05) if sp else None)
        sp10 = (f.get("spread") or {}).get("10ms")
        add("3 pacing", "pace", "spread on the wire: 10 ms bins CV / Poisson CV",
            (sp10["cv"] / sp10["poisson_cv"]) if sp10 and sp10["poisson_cv"] else None, "< 1 (evener than random)",
            (sp10["cv"] < sp10["poisson_cv"]) if sp10 and sp10["poisson_cv"] else None)
        add("3 pacing", "pace", f"connections held to the end (of {n})", f.get("held_to_end"), f"= {n}", f.get("held_to_end") == n)
        add("3 pacing", "pace", "client's PacingLagP99, ms", f.get("pacing_lag_p99_ms"), "", None)
        add("3 pacing", "pace", "others' CPU on the machine, % of one core", f.get("others_cpu_pct"), "", None)
        add("3 pacing", "pace", "client RSS MB (10k conns)", (f.get("client_steady_rss_kb") or 0) / 1024, "", None,
            o["k10_client_rss_mb"] if n == 10000 else None)
        add("3 pacing", "pace", "server RSS MB (10k conns)", (f.get("server_steady_rss_kb") or 0) / 1024, "", None,
            o["k10_server_rss_mb"] if n == 10000 else None)
        add("3 pacing", "pace", "client CPU s user+sys", r["client_cpu_s"], "", None, o["k10_client_cpu_s"] if n == 10000 else None)
        add("3 pacing", "pace", "server CPU s user+sys", r["server_cpu_s"], "", None, o["k10_server_cpu_s"] if n == 10000 else None)
    if "fa" in runs:
        f = runs["fa"]["figures"]
        add("4 no false alarms", "fa", "Dropped", f.get("dropped"), "= 0", f.get("dropped") == 0)
        add("4 no false alarms", "fa", "FailedConnections", f.get("failed_connections"), "= 0", f.get("failed_connections") == 0)
        add("4 no false alarms", "fa", "Sent vs rate x time, % (pacing lag)", f.get("sent_vs_expected_pct"), "", None)
        add("4 no false alarms", "fa", "worst 1 s sample vs asked rate, %", f.get("worst_sample_dev_pct"), "", None)
        add("4 no false alarms", "fa", "client's PacingLagP99, ms (the machine behind, not the network)", f.get("pacing_lag_p99_ms"), "", None)
        add("4 no false alarms", "fa", "client's PacingLagMax, ms", f.get("pacing_lag_max_ms"), "", None)
        add("4 no false alarms", "fa", "client's DroppedLocal (drops blamed on the client itself)", f.get("dropped_local"), "", None)
        add("4 no false alarms", "fa", "others' CPU on the machine, % of one core", f.get("others_cpu_pct"), "", None)
    for key in ("alloc100", "tp10", "scale"):
        if key not in runs:
            continue
        f = runs[key]["figures"]
        for who in ("client", "server"):
            v = f.get(f"{who}_alloc_bytes_per_pkt")
            add("6 allocation-free", key, f"{who} bytes allocated/packet (steady)", v, "~0", v is not None and v < 8)
            add("6 allocation-free", key, f"{who} thread-pool work items/packet", f.get(f"{who}_workitems_per_pkt"), "", None)
            add("6 allocation-free", key, f"{who} context switches/packet", f.get(f"{who}_switches_per_pkt"), "", None)
            add("6 allocation-free", key, f"{who} gen0 GCs/s", f.get(f"{who}_gen0_per_s"), "", None)
    return rows


def print_tables(results):
    m = results["machine"]
    print(f"\nctraffic benchmark — {m['nproc']} cores, kernel {m['kernel']}, load average {m['load_average_start']:.1f} -> "
          f"{m['load_average_end']:.1f}{' (QUICK: scaled down, not the targets)' if m['quick'] else ''}")
    print(f"client idle RSS (1 connection): {m['client_idle_rss_kb'] / 1024:.1f} MB\n")
    w = (20, 8, 52, 12, 14, 10, 6)
    head = ("target", "run", "figure", "value", "goal", "original", "ok")
    print("  ".join(h.ljust(x) for h, x in zip(head, w)))
    print("  ".join("-" * x for x in w))
    for t in results["targets"]:
        ok = {True: "yes", False: "NO", None: ""}[t["ok"]]
        print("  ".join(str(c).ljust(x) for c, x in zip(
            (t["target"], t["run"], t["figure"], fmt(t["value"], 2), t["goal"], fmt(t["original"], 1), ok), w)))

    for title, rows in (("growth against connections (1 packet/s each)", results["growth"]),
                        ("growth against rate", results["rate_growth"])):
        if not rows:
            continue
        print(f"\n{title}")
        cols = ("connections", "pps", "server_rss_mb", "server_kb_per_conn", "client_rss_mb", "client_kb_per_conn",
                "server_cpu_pct", "client_cpu_pct", "server_us_per_pkt", "client_us_per_pkt", "sent_vs_expected_pct",
                "failed", "dropped", "others_cpu_pct")
        names = ("conns", "pkt/s", "srv MB", "srv KB/c", "cli MB", "cli KB/c", "srv CPU%", "cli CPU%",
                 "srv us/p", "cli us/p", "sent-exp %", "failed", "dropped", "others%")
        print("  ".join(n.rjust(10) for n in names))
        for row in rows:
            print("  ".join(fmt(row[c], 1).rjust(10) for c in cols))

    print("\nper run")
    names = ("run", "conns", "KB/s", "s", "MB/s", "Sent", "Dropped", "Failed", "srv CPU%", "cli CPU%",
             "srv us/p", "cli us/p", "srv B/pkt", "cli B/pkt", "srv wi/p", "cli wi/p", "srv sw/p", "cli sw/p", "others%")
    print("  ".join(n.rjust(10) for n in names))
    for key, run in results["runs"].items():
        f = run["figures"]
        vals = (key, run["connections"], run["rate_kbps"], run["seconds"], f.get("echoed_mbs"), f.get("sent"),
                f.get("dropped"), f.get("failed_connections"), f.get("server_cpu_pct"), f.get("client_cpu_pct"),
                f.get("server_steady_us_per_pkt"), f.get("client_steady_us_per_pkt"),
                f.get("server_alloc_bytes_per_pkt"), f.get("client_alloc_bytes_per_pkt"),
                f.get("server_workitems_per_pkt"), f.get("client_workitems_per_pkt"),
                f.get("server_switches_per_pkt"), f.get("client_switches_per_pkt"), f.get("others_cpu_pct"))
        print("  ".join(fmt(v, 1).rjust(10) for v in vals))


if __name__ == "__main__":
    main()
