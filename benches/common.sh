# Settings shared by the benchmark scripts; sourced from the repository root with the
# script's arguments: `. benches/common.sh "$@"`.
tier="${1:-1k}"
shared="${SIGNPOST_SHARED_DIR:-../shared}"
geo="$shared/data/geo"
seconds="${SIGNPOST_BENCH_SECONDS:-10}"

# serve BIN PORT WORK: serves WORK/data with the geo pack (no seed data) in the background,
# sets $server to its pid and waits until it is ready; exits with its log if it never is.
serve() {
    "$1" serve --addr "127.0.0.1:$2" --data-dir "$3/data" --geo-dir "$geo" \
        --no-seed >"$3/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && return 0
        sleep 0.2
    done
    tail -20 "$3/server.log" >&2
    exit 1
}
