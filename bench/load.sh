#!/usr/bin/env bash
# Load-time benchmark: generate a ledger of N lines (GRP-U8 layout, shared strings, as
# Excel writes them) and time `reeval load` on it with hyperfine when present, else `time`.
# Usage: bench/load.sh [LINES]   (default 50000, a county ledger)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
dir=${BENCH_DIR:-target/bench}
cargo build --release -q
mkdir -p "$dir"
./target/release/reeval gen-fixtures "$dir/fx" --lines "$n" >/dev/null
file="$dir/fx/scale-$n.xlsx"
ls -l "$file"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 1 --runs 10 "./target/release/reeval load '$file' --json $dir/report.json"
else
  for _ in 1 2 3; do
    /usr/bin/time -f "%e s elapsed, %M KiB peak RSS" ./target/release/reeval load "$file" --json "$dir/report.json" >/dev/null
  done
fi
