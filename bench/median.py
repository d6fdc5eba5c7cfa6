#!/usr/bin/env python3
"""bench/median.py RESULTS ID SERVER...: keeps each server's median round of a row measured in rounds.

bench/run measures the echo and PING rows in rounds (RESULTS/rounds/ID.SERVER.N.json, one
generator's JSON each) and writes RESULTS/ID.SERVER.json for bench/report.py: the round whose
server CPU per message is the median of that server's good rounds (the lower of the two middle
ones for an even count), so its throughput and latency come from the same window, plus "rounds":
every good round's CPU per message in the order measured and how many rounds failed.
"""
import glob
import json
import os
import re
import sys


def main():
    results, row, servers = sys.argv[1], sys.argv[2], sys.argv[3:]
    for server in servers:
        runs = []
        pattern = os.path.join(results, "rounds", f"{glob.escape(row)}.{glob.escape(server)}.*.json")
        for path in glob.glob(pattern):
            number = re.search(r"\.(\d+)\.json$", path)
            if not number:
                continue
            try:
                with open(path) as f:
                    runs.append((int(number.group(1)), json.load(f)))
            except (ValueError, OSError):
                runs.append((int(number.group(1)), None))
        runs.sort(key=lambda r: r[0])
        good = [d for _, d in runs if d and d.get("errors", 1) == 0 and d.get("serverMicrosPerReply")]
        if good:
            by_cpu = sorted(good, key=lambda d: d["serverMicrosPerReply"])
            chosen = dict(by_cpu[(len(by_cpu) - 1) // 2])
        else:
            failed = [d for _, d in runs if d]
            chosen = dict(failed[0]) if failed else {"target": server, "errors": 1}
            chosen["errors"] = chosen.get("errors") or 1
        chosen["rounds"] = {"serverMicrosPerReply": [d["serverMicrosPerReply"] for d in good],
                            "failed": len(runs) - len(good)}
        with open(os.path.join(results, f"{row}.{server}.json"), "w") as f:
            json.dump(chosen, f)
            f.write("\n")


if __name__ == "__main__":
    main()
