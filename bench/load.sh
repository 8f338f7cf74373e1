#!/usr/bin/env bash
# Load benchmark: generate a ledger of N lines (shared strings, as Excel writes them) and, on
# the same file in the same run, time
#   1. calamine's bare read of every cell (`reeval bare-read`, the floor for Excel input);
#   2. `reeval load` (parse, map, reconcile, build the frames);
#   3. polars.read_excel (fastexcel) from a Python venv this script makes (skipped when pip
#      cannot install it; set BENCH_NO_PYTHON=1 to skip on purpose).
# Each with wall time and peak RSS (/usr/bin/time). Usage: bench/load.sh [LINES] (default 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
dir=${BENCH_DIR:-target/bench}
cargo build --release -q
mkdir -p "$dir"
# LAYOUT=plain (default): one 通用序时账 sheet, up to Excel's 1,048,576 rows (the rules-test
# templates); LAYOUT=grp: the 用友 GRP-U8 layout with page headers and totals (≤ ~900k lines).
if [ "${LAYOUT:-plain}" = grp ]; then
  file="$dir/fx/scale-$n.xlsx"
  [ -f "$file" ] || ./target/release/reeval gen-fixtures "$dir/fx" --lines "$n" >/dev/null
else
  file="$dir/fx/rules-test/scale-$n.xlsx"
  [ -f "$file" ] || ./target/release/reeval gen-fixtures "$dir/fx" --rules-test --lines "$n" >/dev/null
fi
ls -l "$file"
t() { /usr/bin/time -f "  %e s wall, %M KiB peak RSS" "$@"; }
echo "== calamine bare read"
t ./target/release/reeval bare-read "$file"
echo "== reeval load"
t ./target/release/reeval load "$file" --json "$dir/report.json" > "$dir/load.txt"; grep "^合计" "$dir/load.txt"
if [ -z "${BENCH_NO_PYTHON:-}" ]; then
  venv="$dir/venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q polars fastexcel || echo "  (pip install failed: Python comparison skipped)"
  fi
  if "$venv/bin/python" -c "import polars, fastexcel" 2>/dev/null; then
    echo "== polars.read_excel (fastexcel)"
    t "$venv/bin/python" -c "import polars as pl, sys; df = pl.read_excel(sys.argv[1], has_header=False); print(df.shape)" "$file"
  fi
fi
