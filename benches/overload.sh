#!/usr/bin/env bash
# Overload on loopback (BENCHMARKS.md, issue 9): one tier served by the release binary,
# its capacity for the text mix measured at 8 connections, then 60 s offered at twice that
# rate over 64 connections. Reported: what was answered 200 and how fast (accepted
# requests only), what was refused with 503 + Retry-After and how fast, the server's
# resident memory through the run, and the latency right after the flood (recovery).
# Needs `oha` (cargo install oha) and the geo pack.
#
#   benches/overload.sh 100k      # SIGNPOST_BENCH_NDJSON=file skips generating the tier
#   SIGNPOST_OVERLOAD_SECONDS=60 (default) SIGNPOST_OVERLOAD_FACTOR=2 (default)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh "$@"
flood="${SIGNPOST_OVERLOAD_SECONDS:-60}"
factor="${SIGNPOST_OVERLOAD_FACTOR:-2}"
port=18094
work="$(mktemp -d)"
trap 'kill "${server:-0}" "${sampler:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet
ndjson="${SIGNPOST_BENCH_NDJSON:-}"
if [ -z "$ndjson" ]; then
    SIGNPOST_BENCH_TIERS="$tier" SIGNPOST_BENCH_EXPORT="$work/services.ndjson" \
        cargo bench --quiet --bench suite
    ndjson="$work/services.ndjson"
fi
target/release/signpost import --data-dir "$work/data" --geo-dir "$geo" "$ndjson" >/dev/null 2>&1 || true
serve target/release/signpost "$port" "$work"
# Let the idle merge finish, as a server that has been up a while would have.
sleep 8

python3 - "$port" > "$work/urls.txt" <<'PY'
import json, sys
for q in json.load(open("benches/queries.json"))["mixes"]["text"]:
    print(f"http://127.0.0.1:{sys.argv[1]}/services?{q}&per_page=20")
PY
run() { # NAME then oha arguments; writes $work/NAME.json
    local name="$1"; shift
    oha --no-tui --output-format json --urls-from-file "$work/urls.txt" "$@" > "$work/$name.json"
}
summary() { # NAME
    python3 - "$work/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
print(f"{r['summary']['requestsPerSec']:.0f} req/s, p50 {p['p50']*1000:.2f} ms, p99 {p['p99']*1000:.2f} ms, statuses {codes}")
PY
}

run before -c 1 -z 10s
echo "before, 1 connection: $(summary before)"
run capacity -c 8 -z 15s
# Capacity counts answers (200s) only: with few search slots, 8 connections already get 503s.
capacity=$(python3 -c "import json; r = json.load(open('$work/capacity.json')); print(int(r.get('statusCodeDistribution', {}).get('200', 0) / r['summary']['total']))")
echo "capacity, 8 connections: $(summary capacity)"
rate=$(( capacity * factor ))
echo "max searches at once: $(curl -s "http://127.0.0.1:$port/metrics" | awk '/^signpost_searches_limit/ {print $2}')"

# Resident memory every second through the flood.
( while kill -0 "$server" 2>/dev/null; do
      awk '/VmRSS/ {print $2}' "/proc/$server/status"; sleep 1
  done ) > "$work/rss.txt" &
sampler=$!
echo "offering $rate req/s ($factor x capacity) over 64 connections for ${flood}s"
oha --no-tui --output-format csv --urls-from-file "$work/urls.txt" -c 64 -q "$rate" \
    -z "${flood}s" > "$work/flood.csv"
kill "$sampler" 2>/dev/null || true
run after -c 1 -z 10s
echo "right after, 1 connection: $(summary after)"

python3 - "$work/flood.csv" "$work/rss.txt" "$flood" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
seconds = float(sys.argv[3])
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else float("nan")
by = {}
for row in rows:
    by.setdefault(row.get("status") or "error", []).append(float(row["request-duration"]))
for status, durations in sorted(by.items()):
    print(f"flood: status {status}: {len(durations)} ({len(durations)/seconds:.0f}/s), "
          f"p50 {pct(durations, 50):.2f} ms, p99 {pct(durations, 99):.2f} ms, max {max(durations)*1000:.1f} ms")
rss = [int(line) / 1024 for line in open(sys.argv[2]) if line.strip()]
if rss:
    print(f"resident memory during the flood: start {rss[0]:.0f} MB, max {max(rss):.0f} MB, end {rss[-1]:.0f} MB")
PY
echo "refusals counted by the server: $(curl -s "http://127.0.0.1:$port/metrics" | grep '^signpost_rejected_requests_total' | tr '\n' ' ')"
