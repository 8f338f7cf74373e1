#!/usr/bin/env bash
# Load benchmark: every figure as a ratio measured on the same files in the same run (so a
# busy machine slows both sides alike). For LINES (default 50000) it generates, seeded:
#   xlsx  a ledger of LINES lines with shared strings, as Excel writes them (one 通用序时账
#         sheet; LAYOUT=grp for the GRP-U8 layout with page headers and totals, ≤ ~900k lines)
#   csv   the sample engagement's two ledgers scaled to LINES lines as UTF-8 CSV, a title row
#         above the header (`gen-fixtures --engagement --csv`)
# and times, with wall time and peak RSS (/usr/bin/time):
#   calamine's bare read of every cell (`reeval bare-read`, the floor for Excel input),
#   `reeval load` (parse, map, reconcile, build the frames) of the .xlsx and of the CSVs,
#   polars.read_excel (fastexcel) and polars.read_csv from a Python venv this script makes
#   (skipped when pip cannot install them; BENCH_NO_PYTHON=1 skips on purpose),
#   and, with BEFORE=path/to/an-older-reeval, that binary's load of the same files.
# Each with its wall time, peak RSS and CPU time (user + system, every thread).
# Then prints the ratios: load ÷ calamine, load ÷ polars (xlsx and CSV), load ÷ BEFORE.
# Usage: bench/load.sh [LINES]      BENCH_DIR=target/bench by default.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
dir=${BENCH_DIR:-target/bench}
cargo build --release -q
bin=./target/release/reeval
mkdir -p "$dir"
if [ "${LAYOUT:-plain}" = grp ]; then
  file="$dir/fx-$n/scale-$n.xlsx"
  [ -f "$file" ] || $bin gen-fixtures "$dir/fx-$n" --lines "$n" >/dev/null
else
  file="$dir/fx-$n/rules-test/scale-$n.xlsx"
  [ -f "$file" ] || $bin gen-fixtures "$dir/fx-$n" --rules-test --lines "$n" >/dev/null
fi
eng="$dir/csv-$n"
[ -f "$eng/engagement.toml" ] || $bin gen-fixtures "$eng" --engagement --csv --lines "$n" >/dev/null
mapfile -t csvs < <(ls "$eng"/data/*.csv)
ls -l "$file" "${csvs[@]}"

declare -A secs mib cpu
# measure KEY CMD...: wall seconds, peak MiB and CPU seconds (user + system, all threads) of
# one run of CMD (its output discarded). On a machine others are using, wall time is what
# the other work leaves: the CPU seconds say how much work the run itself did, and a wall
# time below them is work done on two cores at once.
measure() {
  local key=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" >/dev/null
  read -r s m u k <"$dir/time.txt"
  secs[$key]=$s
  mib[$key]=$((m / 1024))
  cpu[$key]=$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.2f}')" "$u" "$k")
  printf "  %-28s %7.2f s %7d MiB %7.2f s CPU\n" "$key" "$s" "${mib[$key]}" "${cpu[$key]}"
}
ratio() { # ratio A B LABEL: A ÷ B when both were measured
  if [ -n "${secs[$1]:-}" ] && [ -n "${secs[$2]:-}" ]; then
    python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'  {sys.argv[3]:<44} {a:.2f} s ÷ {b:.2f} s = {a/max(b,0.005):.2f}×')" "${secs[$1]}" "${secs[$2]}" "$3"
  fi
}

py=""
if [ -z "${BENCH_NO_PYTHON:-}" ]; then
  venv="$dir/venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q polars fastexcel || echo "  (pip install failed: Python comparison skipped)"
  fi
  "$venv/bin/python" -c "import polars, fastexcel" 2>/dev/null && py="$venv/bin/python"
fi

echo "== .xlsx, $n lines"
measure "calamine bare read" $bin bare-read "$file"
measure "reeval load" $bin load "$file" --show 0
[ -n "${BEFORE:-}" ] && measure "BEFORE load" "$BEFORE" load "$file" --show 0
[ -n "$py" ] && measure "polars.read_excel" "$py" -c "import polars as pl, sys; pl.read_excel(sys.argv[1], has_header=False)" "$file"
echo "== CSV (UTF-8, title row above the header), $n lines in ${#csvs[@]} files"
measure "reeval load (CSV)" $bin load "${csvs[@]}" --show 0
[ -n "${BEFORE:-}" ] && measure "BEFORE load (CSV)" "$BEFORE" load "${csvs[@]}" --show 0
[ -n "$py" ] && measure "polars.read_csv" "$py" -c "import polars as pl, sys
for f in sys.argv[1:]: pl.read_csv(f, skip_rows=1, infer_schema=False)" "${csvs[@]}"
echo "== ratios (same files, same run)"
ratio "reeval load" "calamine bare read" "reeval load ÷ calamine bare read"
ratio "reeval load" "polars.read_excel" "reeval load ÷ polars.read_excel"
ratio "reeval load (CSV)" "polars.read_csv" "CSV load ÷ polars.read_csv"
ratio "reeval load" "BEFORE load" "reeval load ÷ BEFORE load (.xlsx)"
ratio "reeval load (CSV)" "BEFORE load (CSV)" "reeval load ÷ BEFORE load (CSV)"
if [ -n "${secs[BEFORE load]:-}" ]; then
  python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'  {\"CPU: reeval load ÷ BEFORE load (.xlsx)\":<44} {a:.2f} s ÷ {b:.2f} s = {a/max(b,0.005):.2f}×')" "${cpu[reeval load]}" "${cpu[BEFORE load]}"
fi
