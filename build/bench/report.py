#!/usr/bin/env python3
"""Markdown tables from a results JSON of build/bench.sh (for docs/performance.md).

    python3 build/bench/report.py build/bench-results.json
"""
import json
import sys


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def main(path):
    d = json.load(open(path))
    m = d["machine"]
    print(f"Machine: {m['nproc']} cores, {m.get('mem_total_kb', 0) / 1048576:.0f} GiB, kernel {m['kernel']}; "
          f"run started {m['started']}, took {m['bench_seconds']:.0f} s; load average {m['load_average_start']:.1f} → "
          f"{m['load_average_end']:.1f}; client idle RSS (1 connection) {m['client_idle_rss_kb'] / 1024:.1f} MB.\n")
    print("| target | run | figure | ours | goal | original | met |")
    print("|---|---|---|--:|---|--:|---|")
    for t in d["targets"]:
        ok = {True: "yes", False: "**no**", None: ""}[t["ok"]]
        print(f"| {t['target']} | {t['run']} | {t['figure']} | {fmt(t['value'], 2)} | {t['goal']} | {fmt(t['original'])} | {ok} |")

    for title, rows in (("Growth against connections (1 packet/s per connection)", d["growth"]),
                        ("Growth against rate", d["rate_growth"])):
        if not rows:
            continue
        print(f"\n{title}:\n")
        print("| conns | packets/s | server RSS MB | server KB/conn | client RSS MB | client KB/conn | server CPU % | client CPU % "
              "| server µs/packet | client µs/packet | Sent vs asked % | failed | dropped | others' CPU % |")
        print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for r in rows:
            cells = (r["connections"], r["pps"], r["server_rss_mb"], r["server_kb_per_conn"], r["client_rss_mb"],
                     r["client_kb_per_conn"], r["server_cpu_pct"], r["client_cpu_pct"], r["server_us_per_pkt"],
                     r["client_us_per_pkt"], r["sent_vs_expected_pct"], r["failed"], r["dropped"], r["others_cpu_pct"])
            print("| " + " | ".join(fmt(c) for c in cells) + " |")

    print("\nPer run (µs/packet, B/packet, work items and context switches per packet: steady window):\n")
    print("| run | conns | KB/s | s | MB/s | Sent | Dropped | Failed | server CPU % | client CPU % | server µs/p | client µs/p "
          "| server B/p | client B/p | server work items/p | client work items/p | server switches/p | client switches/p | others' CPU % |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for key, run in d["runs"].items():
        f = run["figures"]
        cells = (key, run["connections"], run["rate_kbps"], run["seconds"], f.get("echoed_mbs"), f.get("sent"),
                 f.get("dropped"), f.get("failed_connections"), f.get("server_cpu_pct"), f.get("client_cpu_pct"),
                 f.get("server_steady_us_per_pkt"), f.get("client_steady_us_per_pkt"),
                 f.get("server_alloc_bytes_per_pkt"), f.get("client_alloc_bytes_per_pkt"),
                 f.get("server_workitems_per_pkt"), f.get("client_workitems_per_pkt"),
                 f.get("server_switches_per_pkt"), f.get("client_switches_per_pkt"), f.get("others_cpu_pct"))
        print("| " + " | ".join(fmt(c) for c in cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench-results.json")
