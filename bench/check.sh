#!/usr/bin/env bash
# Rule-library benchmark: generate a 局机关 ledger of N lines from the rules-test templates
# (clean look-alikes at scale, with the seed 002 vouchers in it), then
#   1. `reeval check FILE`           — Excel parsed, then every rule;
#   2. `reeval load FILE --out DIR`  — the Parquet cache, written once;
#   3. `reeval check DIR`            — every rule from the cache (what repeated checks cost).
# Each step prints its wall time and peak memory; check prints the time of each rule.
# Usage: bench/check.sh [LINES]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${BENCH_DIR:-target/bench}
cargo build --release -q
mkdir -p "$dir"
file="$dir/fx/rules-test/scale-$n.xlsx"
cache="$dir/cache-$n"
if [ ! -f "$file" ]; then
  /usr/bin/time -f "generated in %e s" ./target/release/reeval gen-fixtures "$dir/fx" --rules-test --lines "$n" | tail -1
fi
ls -l "$file"
echo "== check from the workbook"
/usr/bin/time -f "%e s elapsed, %M KiB peak RSS" \
  ./target/release/reeval check "$file" --timings --show 0 --json "$dir/findings-$n.json" > "$dir/check.txt"
head -1 "$dir/check.txt"
echo "== load into the Parquet cache"
/usr/bin/time -f "%e s elapsed, %M KiB peak RSS" \
  ./target/release/reeval load "$file" --out "$cache" > "$dir/load.txt"
tail -1 "$dir/load.txt"
du -sh "$cache"
echo "== check from the cache"
/usr/bin/time -f "%e s elapsed, %M KiB peak RSS" \
  ./target/release/reeval check "$cache" --timings --show 0 --json "$dir/findings-cache-$n.json" > "$dir/check.txt"
head -1 "$dir/check.txt"
cmp "$dir/findings-$n.json" "$dir/findings-cache-$n.json" && echo "findings identical from workbook and cache"
