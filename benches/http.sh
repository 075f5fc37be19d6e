#!/usr/bin/env bash
# HTTP benchmarks on loopback (BENCHMARKS.md): one tier of the synthetic directory served
# by the release binary, each query mix run at 1 connection (latency) and at 8 connections
# (throughput) with each load tool found: `oha` (cargo install oha) and `wrk` (Debian:
# apt-get install wrk). Both cycle through the mix's URLs. On a small machine the client
# shares the cores with the server, and the two clients cost differently (BENCHMARKS.md,
# "The load tool"), so each row names its tool. Needs the geo pack.
#
#   benches/http.sh 100k            # tier: 1k, 100k or 1m
# Environment:
#   SIGNPOST_BENCH_SECONDS=10        seconds a mix, tool and concurrency
#   SIGNPOST_BIN=path                use this signpost binary (skips cargo build)
#   SIGNPOST_BENCH_NDJSON=path       use this NDJSON export of the tier (skips cargo bench)
#   SIGNPOST_LOAD_TOOLS="oha wrk"    the load tools to run, in this order
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh "$@"
port=18093
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

find_oha
tools=()
for tool in ${SIGNPOST_LOAD_TOOLS:-oha wrk}; do
    case "$tool" in
        oha) [ -n "$oha" ] && tools+=(oha) || echo "http: no oha (cargo install oha); skipped" >&2 ;;
        wrk) command -v wrk >/dev/null && tools+=(wrk) || echo "http: no wrk (apt-get install wrk); skipped" >&2 ;;
        *) echo "http: unknown load tool $tool (oha or wrk)" >&2; exit 2 ;;
    esac
done
[ "${#tools[@]}" -gt 0 ] || { echo "http: needs oha or wrk" >&2; exit 2; }

signpost_and_tier "$work"
started=$(date +%s%N)
"$bin" import --data-dir "$work/data" --geo-dir "$geo" "$ndjson" >/dev/null 2>&1
echo "import to searchable (command line, JSON parse + sled + tantivy): $(( ($(date +%s%N) - started) / 1000000 )) ms"
serve "$bin" "$port" "$work"

# Each mix's paths, one a line (wrk), and its URLs (oha).
python3 - "$port" "$work" <<'PY' > "$work/mixes.txt"
import json, sys
port, work = sys.argv[1], sys.argv[2]
mixes = json.load(open("benches/queries.json"))["mixes"]
for name, queries in mixes.items():
    paths = [f"/services?{q}&per_page=20" for q in queries]
    with open(f"{work}/{name}.paths", "w") as out:
        out.write("".join(f"{p}\n" for p in paths))
    with open(f"{work}/{name}.urls", "w") as out:
        out.write("".join(f"http://127.0.0.1:{port}{p}\n" for p in paths))
    print(name)
PY

# run TOOL MIX CONNECTIONS: one row of the table.
run() {
    local tool=$1 mix=$2 connections=$3
    case "$tool" in
        oha)
            "$oha" --no-tui --output-format json -z "${seconds}s" -c "$connections" \
                --urls-from-file "$work/$mix.urls" > "$work/oha.json"
            python3 - "$work/oha.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
p = result["latencyPercentiles"]
bad = {k: v for k, v in result.get("statusCodeDistribution", {}).items() if k != "200"}
print(f"{result['summary']['requestsPerSec']:.0f} | {p['p50'] * 1000:.2f} | {p['p90'] * 1000:.2f} | {p['p99'] * 1000:.2f} |"
      + (f" (non-200: {bad})" if bad else ""))
PY
            ;;
        wrk)
            # One client thread: wrk's event loop keeps 8 connections busy from one core.
            PATHS="$work/$mix.paths" wrk -t1 -c"$connections" -d"${seconds}s" \
                -s benches/support/cycle.lua "http://127.0.0.1:$port" |
                awk '/^RESULT/ {
                    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
                    note = f["errors"] != "0" ? " (errors or non-2xx: " f["errors"] ")" : ""
                    printf "%.0f | %.2f | %.2f | %.2f |%s\n", f["rps"], f["p50"], f["p90"], f["p99"], note
                    seen = 1
                }
                END { if (!seen) print "wrk failed | | | |" }'
            ;;
    esac
}

echo "| mix | tool | connections | requests/s | p50 ms | p90 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|"
while read -r mix; do
    for connections in 1 8; do
        # The tools take turns within a mix, so that a drifting machine moves both alike.
        for tool in "${tools[@]}"; do
            echo "| $mix | $tool | $connections | $(run "$tool" "$mix" "$connections" </dev/null)"
        done
    done
done < "$work/mixes.txt"
echo
echo "server resident memory after the runs: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$server/status)"
echo "data directory: $(du -sm "$work/data" | cut -f1) MB"
