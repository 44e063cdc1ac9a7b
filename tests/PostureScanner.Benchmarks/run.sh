#!/usr/bin/env bash
# Reproduces the README's benchmark figures on this machine (no timing is asserted anywhere).
#   tests/PostureScanner.Benchmarks/run.sh stream     1 GB generated snapshot: wall time and peak RSS of `posture scan`
#   tests/PostureScanner.Benchmarks/run.sh pipeline   per-stage throughput (read / normalize / evaluate) on 150k records
#   tests/PostureScanner.Benchmarks/run.sh store [N]  N (default 1,000,000) resources into the local PostgreSQL, then a re-scan with 2% changed
#   tests/PostureScanner.Benchmarks/run.sh load [N]   what a re-scan of that store loads before its first record (stored records, scope digests)
# Work files go to $BENCH_DIR (default /tmp/posture-bench); they are large (about 2 GB per million records).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${BENCH_DIR:-/tmp/posture-bench}"
mkdir -p "$dir"
dotnet build -c Release "$repo/src/PostureScanner.Worker" -v q -nologo >/dev/null
posture="$repo/src/PostureScanner.Worker/bin/Release/net10.0/posture"
timed() { /usr/bin/time -f "  wall %e s, peak RSS %M KB" "$@"; }

case "${1:-}" in
  stream)
    [ -d "$dir/1gb" ] || "$posture" dev generate --output "$dir/1gb" --size 1GB --seed 42
    du -sh "$dir/1gb"
    echo "posture scan (json report to a file):"
    timed "$posture" scan --snapshot "$dir/1gb" --format json --output "$dir/1gb.json" 2>&1 | grep -E "scanned|evaluations:|wall"
    ;;
  pipeline)
    [ -d "$dir/150k" ] || "$posture" dev generate --output "$dir/150k" --resources 150000 --seed 42
    dotnet run -c Release --project "$repo/tests/PostureScanner.Benchmarks" -- pipeline "$dir/150k"
    ;;
  store)
    n="${2:-1000000}"
    [ -d "$dir/day1-$n" ] || "$posture" dev generate --output "$dir/day1-$n" --resources "$n" --seed 42
    [ -d "$dir/day2-$n" ] || "$posture" dev generate --output "$dir/day2-$n" --resources "$n" --seed 42 --change-percent 2
    rm -rf "$dir/pg-$n"
    # --format summary: store and count, no per-result report (what a scheduled scan does); a re-scan
    # then keeps unchanged records unparsed. The last line re-scans day 2 with a JSON report of every
    # failure, which evaluates every record.
    for day in day1 day2; do
      echo "$day: posture scan --database auto --format summary (first scan, then re-scan with 2% changed)"
      timed "$posture" scan --snapshot "$dir/$day-$n" --database auto --data-dir "$dir/pg-$n" --target bench \
        --format summary 2>&1 | grep -Ev "^\s+read |^input "
    done
    echo "day2 again, with a JSON report (every record evaluated):"
    timed "$posture" scan --snapshot "$dir/day2-$n" --database auto --data-dir "$dir/pg-$n" --target bench \
      --format json --output "$dir/day2-$n.json" 2>&1 | grep -Ev "^\s+read |^input "

    ;;
  load)
    n="${2:-1000000}"
    # db migrate starts the store's server if it is not running (and changes nothing in a migrated store).
    "$posture" db migrate --database auto --data-dir "$dir/pg-$n" >/dev/null
    port="$(sed -n 4p "$dir/pg-$n/postmaster.pid")"
    dotnet run -c Release --project "$repo/tests/PostureScanner.Benchmarks" -- load "Host=127.0.0.1;Port=$port;Username=postgres;Database=posture" bench
    ;;
  *)
    sed -n '2,7p' "$0"; exit 2 ;;
esac
