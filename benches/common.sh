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

# signpost_and_tier WORK: sets $bin to the signpost binary ($SIGNPOST_BIN, or the release
# build made here) and $ndjson to the tier's NDJSON export ($SIGNPOST_BENCH_NDJSON, or one
# written into WORK by the suite).
signpost_and_tier() {
    if [ -n "${SIGNPOST_BIN:-}" ]; then
        bin="$SIGNPOST_BIN"
    else
        cargo build --release --quiet
        bin=target/release/signpost
    fi
    if [ -n "${SIGNPOST_BENCH_NDJSON:-}" ]; then
        ndjson="$SIGNPOST_BENCH_NDJSON"
    else
        ndjson="$1/services.ndjson"
        SIGNPOST_BENCH_TIERS="$tier" SIGNPOST_BENCH_EXPORT="$ndjson" \
            cargo bench --quiet --bench suite >&2
    fi
}

# find_oha: sets $oha to the oha on the PATH or in ~/.cargo/bin, or to "" when there is none.
find_oha() {
    oha="$(command -v oha || true)"
    if [ -z "$oha" ] && [ -x "$HOME/.cargo/bin/oha" ]; then
        oha="$HOME/.cargo/bin/oha"
    fi
}
