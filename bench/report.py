#!/usr/bin/env python3
"""Turns bench/run's JSON results into one Markdown table (table.md) and a chart (chart.png).

Every figure is also given as a ratio to the best server in the same run: lower is better for
CPU per message, p99 latency and memory; higher is better for throughput. A row measured in
rounds (bench/median.py) shows each server's median round and the range of its rounds. An older
tcpkit build run beside it (BENCH_BASELINE: tcpkit-baseline, tcpkit-command-baseline) gets its
ratios too but is never the best: the ratios of the others stay those of a run without it.
"""
import glob
import json
import os
import subprocess
import sys

WORKLOADS = [
    ("echo-50x1", "50 conns x 64 B x 1 in flight"),
    ("echo-50x16", "50 conns x 64 B x 16 in flight"),
    ("stream-64k", "1 conn x 64 KiB x 4 in flight"),
    ("echo-1000x1", "1,000 conns x 64 B x 1 in flight"),
    ("idle", "10,000 connections idle after one echo"),
    ("idle-command", "10,000 command connections idle after a PING"),
    ("idle-subscriber", "10,000 subscribers idle after SUBSCRIBE"),
    ("idle-chat", "2,000 chat members idle in the lobby"),
    ("ping-P1", "PING, redis-benchmark -c 50 -P 1"),
    ("ping-P16", "PING, redis-benchmark -c 50 -P 16"),
    ("pingbench-P1", "PING, tcpkit bench -c 50, 1 in flight"),
    ("pingbench-P16", "PING, tcpkit bench -c 50, 16 in flight"),
    ("fanout-1000", "PUBLISH to 1,000 subscribers, 1 publisher (per delivery)"),
    ("fanout-1000x100", "PUBLISH to 1,000 subscribers, 100 publishers (per delivery)"),
    ("generator", "the generator: PING -c 50 against redis-server"),
]
SERVERS = ["c-epoll", "go", "netty", "tcpkit", "tcpkit-baseline", "redis", "tcpkit-command", "tcpkit-command-baseline",
           "tcpkit-chat", "tcpkit-bench", "redis-benchmark"]


def peer(server):
    """Whether a server may be the best of its row: an older build of tcpkit (a baseline) may not."""
    return not server.endswith("-baseline")


def load(results):
    data = {}
    for path in glob.glob(os.path.join(results, "*.json")):
        name = os.path.basename(path)[:-5]
        if "." not in name:
            continue  # not a workload.server result (bench/cluster writes cluster-N.json here)
        workload, server = name.split(".", 1)
        try:
            with open(path) as f:
                data[(workload, server)] = json.load(f)
        except (ValueError, OSError):
            data[(workload, server)] = None
    return data


def ratio(value, best, higher_better=False):
    if value is None or best is None or best <= 0 or value <= 0:
        return ""
    r = best / value if higher_better else value / best
    return f" ({r:.2f}x)"


def table(data):
    lines = ["| workload | server | server CPU per message | throughput | p99 latency | memory |",
             "| --- | --- | --- | --- | --- | --- |"]
    for workload, title in WORKLOADS:
        rows = [(s, data.get((workload, s))) for s in SERVERS if (workload, s) in data]
        if not rows:
            continue
        ok = [(s, r) for s, r in rows if r and r.get("errors", 1) == 0]
        if workload.startswith("idle"):
            per = {s: r["idleRssBytesPerConnection"] / 1024 for s, r in ok if r.get("idleRssBytesPerConnection") is not None}
            best = min((v for v in per.values() if v > 0.1), default=None)
            for s, r in rows:
                if s not in per:
                    lines.append(f"| {title} | {s} | | | | failed |")
                    continue
                heap = r.get("idleHeapBytesPerConnection")
                heap_text = f"; {heap / 1024:.2f} KiB live heap" if heap is not None else ""
                lines.append(f"| {title} | {s} | | | | {per[s]:.2f} KiB RSS per connection"
                             f"{ratio(per[s], best) if per[s] > 0.1 else ''}{heap_text} |")
            continue
        cpu = {s: r.get("serverMicrosPerReply") for s, r in ok}
        tput = {s: r.get("repliesPerSecond") for s, r in ok}
        p99 = {s: (r.get("latencyMs") or {}).get("p99") for s, r in ok}
        best_cpu = min((v for s, v in cpu.items() if v and peer(s)), default=None)
        best_tput = max((v for s, v in tput.items() if v and peer(s)), default=None)
        best_p99 = min((v for s, v in p99.items() if v and peer(s)), default=None)
        for s, r in rows:
            if not r or r.get("errors", 1) != 0:
                lines.append(f"| {title} | {s} | failed | | | |")
                continue
            c, t, p = cpu.get(s), tput.get(s), p99.get(s)
            rss = r.get("serverRssBytes")
            spread = (r.get("rounds") or {}).get("serverMicrosPerReply") or []
            spread_text = f"; {min(spread):.2f}-{max(spread):.2f}" if len(spread) > 1 else ""
            lines.append("| {} | {} | {} | {} | {} | {} |".format(
                title, s,
                f"{c:.2f} us{ratio(c, best_cpu)}{spread_text}" if c else "",
                f"{t:,.0f}/s{ratio(t, best_tput, True)}" if t else "",
                f"{p:.3f} ms{ratio(p, best_p99)}" if p else "",
                f"{rss / 1048576:.0f} MiB RSS" if rss else ""))
    if any(not peer(s) for _, s in data):
        lines += ["", "tcpkit-baseline and tcpkit-command-baseline: an older build of tcpkit run in the same rounds"
                  " (machine.txt says which); never counted as the best."]
    if any((r or {}).get("rounds") for r in data.values()):
        lines += ["", "Rows measured in rounds (echo, PING): each server's median round; after the ';' the range"
                  " of its rounds' CPU per message. The ratios are those of the medians."]
    return "\n".join(lines) + "\n"


def chart(data, results):
    """Server CPU per message as a ratio to the best server, per workload: one group of bars each."""
    rows = []
    servers = [s for s in SERVERS if peer(s)]  # the chart is of the run itself, baseline or not
    for workload, title in WORKLOADS:
        if workload.startswith("idle") or workload == "generator":
            continue
        vals = {s: (data.get((workload, s)) or {}).get("serverMicrosPerReply") for s in servers}
        vals = {s: v for s, v in vals.items() if v}
        if not vals:
            continue
        best = min(vals.values())
        rows.append((workload, [vals.get(s, 0) / best if vals.get(s) else 0 for s in servers]))
    if not rows:
        return
    dat = os.path.join(results, "chart.dat")
    with open(dat, "w") as f:
        f.write("workload " + " ".join(servers) + "\n")
        for workload, vals in rows:
            f.write(workload + " " + " ".join(f"{v:.3f}" for v in vals) + "\n")
    plot = "\n".join([
        "set terminal png size 1000,500 font ',10'",
        f"set output '{os.path.join(results, 'chart.png')}'",
        "set title 'Server CPU per message, as a ratio to the best server (lower is better)'",
        "set style data histograms", "set style histogram clustered gap 1", "set style fill solid 0.8 border -1",
        "set yrange [0:*]", "set grid ytics", "set key outside right", "set ylabel 'x best'",
        "set xtics rotate by -20", "set bmargin 5",
        f"plot for [i=2:{len(servers) - 1}] '{dat}' using i:xtic(1) title columnheader(i)",
    ])
    subprocess.run(["gnuplot"], input=plot.encode(), check=False)


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "bench/results/latest"
    data = load(results)
    md = table(data)
    with open(os.path.join(results, "table.md"), "w") as f:
        f.write(md)
    chart(data, results)
    print(md)
    machine = os.path.join(results, "machine.txt")
    if os.path.exists(machine):
        print(open(machine).read())


if __name__ == "__main__":
    main()
