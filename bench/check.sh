#!/usr/bin/env bash
# Rule-library benchmark: generate a 局机关 ledger of N lines from the rules-test templates
# (clean look-alikes at scale with the seed 002 vouchers in it) and run `reeval check` on it,
# printing the load time, the time of each rule and the peak memory.
# Usage: bench/check.sh [LINES]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${BENCH_DIR:-target/bench}
cargo build --release -q
mkdir -p "$dir"
file="$dir/fx/rules-test/scale-$n.xlsx"
if [ ! -f "$file" ]; then
  /usr/bin/time -f "generated in %e s" ./target/release/reeval gen-fixtures "$dir/fx" --rules-test --lines "$n" | tail -1
fi
ls -l "$file"
/usr/bin/time -f "%e s elapsed, %M KiB peak RSS" \
  ./target/release/reeval check "$file" --timings --show 0 --json "$dir/findings-$n.json"
