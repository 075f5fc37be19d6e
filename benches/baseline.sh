#!/usr/bin/env bash
# The PostgreSQL full-text + PostGIS baseline (BENCHMARKS.md): one tier of the synthetic
# directory loaded into Signpost (the release binary's import) and into a throwaway
# PostgreSQL cluster (benches/baseline/load.py: COPY, GIN/GiST indexes, untuned defaults),
# every mix of benches/queries.json timed on each side in turn (oha over HTTP for Signpost,
# pgbench for PostgreSQL; 1 connection for latency, 8 for throughput), then the parity
# checks (PostGIS as the reference). Prints Markdown tables with the ratios; exits non-zero
# when a parity check failed ("RUN INVALID").
#
#   benches/baseline.sh 100k                    # tier: 1k, 100k or 1m
#
# Needs: PostgreSQL 15 with PostGIS 3 (Debian: apt-get install postgresql
# postgresql-15-postgis-3 postgresql-contrib), oha (cargo install oha), python3, curl, and
# the geo pack (${SIGNPOST_SHARED_DIR:-../shared}/data/geo).
# Environment:
#   SIGNPOST_BENCH_SECONDS=10        seconds a mix, side and concurrency
#   SIGNPOST_BIN=path                use this signpost binary (skips cargo build)
#   SIGNPOST_BENCH_NDJSON=path       use this NDJSON export of the tier (skips cargo bench)
#   SIGNPOST_BASELINE_STRICT_ORDER=1 text near a postcode must come nearest first, too
#   SIGNPOST_BASELINE_KEEP=dir       keep results.json (every figure and parity message),
#                                    load.json and the generated pgbench scripts there
#   PG_BIN=dir                       PostgreSQL server binaries (initdb, pg_ctl)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh "$@"
say() { echo "baseline: $*" >&2; }

packages="postgresql postgresql-15-postgis-3 postgresql-contrib"
pg_bin="${PG_BIN:-}"
find_pg() {
    if [ -z "$pg_bin" ]; then
        pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
        [ -n "$pg_bin" ] || pg_bin="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
    fi
    [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] && command -v psql >/dev/null &&
        command -v pgbench >/dev/null && [ -x "$pg_bin/pg_config" ] &&
        [ -f "$("$pg_bin/pg_config" --sharedir)/extension/postgis.control" ]
}
if ! find_pg; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "PostgreSQL or PostGIS missing: apt-get install -y $packages"
        apt-get install -y $packages >&2 || { apt-get update >&2 && apt-get install -y $packages >&2; }
        pg_bin="${PG_BIN:-}"
    fi
    find_pg || {
        say "needs PostgreSQL (initdb, pg_ctl, psql, pgbench) and PostGIS 3; on Debian 12:"
        say "    sudo apt-get install $packages"
        say "(or set PG_BIN to the directory holding initdb and pg_ctl)"
        exit 2
    }
fi
find_oha
[ -n "$oha" ] || { say "needs oha: cargo install oha"; exit 2; }
for tool in python3 curl; do
    command -v "$tool" >/dev/null || { say "needs $tool"; exit 2; }
done
[ -d "$geo" ] || { say "no geo pack at $geo (set SIGNPOST_SHARED_DIR)"; exit 2; }

work="$(mktemp -d)"
pgdir="$(mktemp -d)"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    # initdb refuses root: the cluster belongs to the postgres user (or nobody).
    pg_user=postgres
    id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$pgdir"
    as_pg=(runuser -u "$pg_user" --)
fi
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    [ -f "$pgdir/data/postmaster.pid" ] &&
        "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$work" "$pgdir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Signpost: the binary and the tier's NDJSON (built here unless given).
signpost_and_tier "$work"

say "importing $ndjson into Signpost"
started=$(date +%s%N)
status=0
"$bin" import --data-dir "$work/data" --geo-dir "$geo" "$ndjson" >"$work/import.log" 2>&1 || status=$?
import_ms=$(( ($(date +%s%N) - started) / 1000000 ))
if [ "$status" != 0 ]; then
    tail -5 "$work/import.log" >&2
    say "signpost import exited $status (2: some records rejected)"
    [ "$status" = 2 ] || exit 1
fi

say "loading PostgreSQL (throwaway cluster in $pgdir)"
locale=C.UTF-8
locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || locale=C
"${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 \
    --locale="$locale" >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
pg_port=$(free_port)
# Only what it takes to run: the port, loopback only, the socket in the cluster's directory.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-c port=$pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pgdir" \
    start >/dev/null
export PGHOST="$pgdir" PGPORT="$pg_port" PGUSER=postgres
createdb signpost
PGDATABASE=signpost python3 benches/baseline/load.py --ndjson "$ndjson" --geo-dir "$geo" \
    --taxonomies seed/taxonomies.json --work "$work" >"$work/load.json"

port=$(free_port)
serve "$bin" "$port" "$work"

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "Commit $commit; $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM; $ndjson."
echo
status=0
python3 benches/baseline/run.py --tier "$tier" --port "$port" --pg-host "$pgdir" \
    --pg-port "$pg_port" --pg-db signpost --seconds "$seconds" --work "$work" --oha "$oha" \
    --load-json "$work/load.json" --import-ms "$import_ms" --server-pid "$server" \
    --signpost-data-mb "$(du -sm "$work/data" | cut -f1)" || status=$?
if [ -n "${SIGNPOST_BASELINE_KEEP:-}" ]; then
    mkdir -p "$SIGNPOST_BASELINE_KEEP"
    cp -r "$work/results.json" "$work/load.json" "$work/sql" "$SIGNPOST_BASELINE_KEEP/" 2>/dev/null || true
fi
exit "$status"
