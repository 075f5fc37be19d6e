#!/usr/bin/env bash
# HTTP benchmarks on loopback (BENCHMARKS.md): one tier of the synthetic directory served
# by the release binary, each query mix run with `oha` at 1 connection (latency) and at 8
# connections (throughput). Needs `oha` (cargo install oha) and the geo pack.
#
#   benches/http.sh 100k            # tier: 1k, 100k or 1m
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh "$@"
port=18093
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet
SIGNPOST_BENCH_TIERS="$tier" SIGNPOST_BENCH_EXPORT="$work/services.ndjson" \
    cargo bench --quiet --bench suite
started=$(date +%s%N)
target/release/signpost import --data-dir "$work/data" --geo-dir "$geo" "$work/services.ndjson" >/dev/null 2>&1
echo "import to searchable (command line, JSON parse + sled + tantivy): $(( ($(date +%s%N) - started) / 1000000 )) ms"
serve target/release/signpost "$port" "$work"

echo "| mix | connections | requests/s | p50 ms | p90 ms | p99 ms |"
echo "|---|---|---|---|---|---|"
python3 - "$port" <<'PY' > "$work/mixes.tsv"
import json, sys
port = sys.argv[1]
mixes = json.load(open("benches/queries.json"))["mixes"]
for name, queries in mixes.items():
    with open(f"/tmp/signpost-mix-{name}.txt", "w") as urls:
        for q in queries:
            urls.write(f"http://127.0.0.1:{port}/services?{q}&per_page=20\n")
    print(name)
PY
while read -r mix; do
    for connections in 1 8; do
        oha --no-tui --output-format json -z "${seconds}s" -c "$connections" \
            --urls-from-file "/tmp/signpost-mix-$mix.txt" > "$work/oha.json"
        python3 - "$mix" "$connections" "$work/oha.json" <<'PY'
import json, sys
mix, connections, path = sys.argv[1], sys.argv[2], sys.argv[3]
result = json.load(open(path))
summary, percentiles = result["summary"], result["latencyPercentiles"]
ms = lambda v: f"{v * 1000:.2f}"
ok = result.get("statusCodeDistribution", {})
bad = {k: v for k, v in ok.items() if k != "200"}
note = f" (non-200: {bad})" if bad else ""
print(f"| {mix} | {connections} | {summary['requestsPerSec']:.0f} | {ms(percentiles['p50'])} | {ms(percentiles['p90'])} | {ms(percentiles['p99'])} |{note}")
PY
    done
done < "$work/mixes.tsv"
echo
echo "server resident memory after the runs: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$server/status)"
echo "data directory: $(du -sm "$work/data" | cut -f1) MB"
