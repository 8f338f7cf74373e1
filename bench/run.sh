#!/usr/bin/env bash
# End-to-end benchmark of `reeval run` against what auditors script today.
#
# For each size N (journal lines; default 50000 1000000 5000000) it generates the sample
# engagement scaled to N lines with the repo's seeded generator (two entities, 60/40; .xlsx up
# to 1M lines, UTF-8 CSV above, since a sheet holds at most 1,048,576 rows), then times on the
# same files:
#   run          `reeval run` end to end (load → check → sample → score), wall and peak RSS,
#                and each step's seconds from run.json;
#   floor        calamine reading every cell of the ledgers (`reeval bare-read`), or for CSV
#                reading the bytes (`cat`);
#   pandas       pandas.read_excel (openpyxl) / pandas.read_csv of the ledgers;
#   polars       polars.read_excel (fastexcel/calamine) / polars.read_csv;
#   cache        `reeval load --out` (Parquet cache) and every rule from the cache (`reeval check`).
# pandas on Excel is skipped above 1M lines (it takes minutes per million rows).
# After each size the ratios of the issue's table, from the figures of that same run:
# run ÷ floor (calamine bare read or cat), load step ÷ polars, run ÷ polars, run ÷ pandas.
# Usage: bench/run.sh [N ...]        BENCH_DIR=target/bench-run by default.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(50000 1000000 5000000)
dir=${BENCH_DIR:-target/bench-run}
mkdir -p "$dir"
cargo build --release -q
bin=./target/release/reeval
venv="$dir/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pandas openpyxl polars fastexcel pyarrow
fi
py="$venv/bin/python"

# time CMD... → prints "SECONDS PEAK_MIB"
measure() {
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > /dev/null
  awk '{printf "%.2f %.0f", $1, $2/1024}' "$dir/time.txt"
}

printf "%-9s %-8s %10s %10s  %s\n" lines what seconds "peak MiB" note
declare -A fig
# row N WHAT SECONDS MIB NOTE: print one line of the table and keep the seconds for the ratios.
row() {
  fig[$2]=$3
  printf "%-9s %-8s %10s %10s  %s\n" "$1" "$2" "$3" "$4" "$5"
}
ratios() { # the issue's ratios for size $1 from this run's figures
  python3 - "$1" "${fig[run]:-}" "${fig[load]:-}" "${fig[floor]:-}" "${fig[polars]:-}" "${fig[pandas]:-}" <<'EOF2'
import sys
n, run, load, floor, polars, pandas = sys.argv[1], *[float(x) if x else None for x in sys.argv[2:]]
def r(label, a, b):
    if a is not None and b:
        print(f"{n:<9} {'ratio':<8} {a / b:>10.2f} {'':>10}  {label} ({a:.2f} s ÷ {b:.2f} s)")
r("run ÷ floor", run, floor)
r("load step ÷ polars", load, polars)
r("run ÷ polars", run, polars)
r("pandas ÷ run", pandas, run)
EOF2
}
for n in "${sizes[@]}"; do
  eng="$dir/eng-$n"
  csv=""
  [ "$n" -gt 1000000 ] && csv="--csv"
  if [ ! -f "$eng/engagement.toml" ]; then
    $bin gen-fixtures "$eng" --engagement --lines "$n" $csv > /dev/null
  fi
  mapfile -t ledgers < <(ls "$eng"/data/*序时账* "$eng"/data/*凭证明细*)
  # Every tool below reads the files from the page cache: read them once first, so the run
  # (timed first) is not the only one to pay the disk (a cold 5M run's load took 16 s, warm 8 s).
  cat "$eng"/data/* > /dev/null
  fig=()
  read -r s m <<< "$(measure $bin run "$eng" --out "$dir/out-$n" --quiet)"
  loaded=$(python3 -c "import json;print(json.load(open('$dir/out-$n/run.json'))['summary']['load']['lines_loaded'])")
  row "$n" run "$s" "$m" "end to end, $loaded lines loaded"
  fig[load]=$(python3 -c "import json;print([s['seconds'] for s in json.load(open('$dir/out-$n/run.json'))['steps'] if s['id']=='load'][0])" 2>/dev/null || echo "")
  python3 - "$dir/out-$n/run.json" "$n" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
for s in m["steps"]:
    print(f"{sys.argv[2]:<9} {'  '+s['id']:<8} {s['seconds']:>10.2f} {'':>10}  step {s['title']}")
EOF
  if [ -z "$csv" ]; then
    read -r s m <<< "$(measure sh -c "for f in \"\$@\"; do $bin bare-read \"\$f\"; done" _ "${ledgers[@]}")"
    row "$n" floor "$s" "$m" "calamine bare read of the ledgers"
    read -r s m <<< "$(measure "$py" -c "import polars as pl,sys
for f in sys.argv[1:]: pl.read_excel(f, has_header=False)" "${ledgers[@]}")"
    row "$n" polars "$s" "$m" "polars.read_excel (fastexcel)"
    if [ "$n" -le 1000000 ]; then
      read -r s m <<< "$(measure "$py" -c "import pandas as pd,sys
for f in sys.argv[1:]: pd.read_excel(f, header=None, engine='openpyxl')" "${ledgers[@]}")"
      row "$n" pandas "$s" "$m" "pandas.read_excel (openpyxl)"
    fi
  else
    read -r s m <<< "$(measure cat "${ledgers[@]}")"
    row "$n" floor "$s" "$m" "reading the CSV bytes (cat)"
    read -r s m <<< "$(measure "$py" -c "import polars as pl,sys
for f in sys.argv[1:]: pl.read_csv(f, skip_rows=1, infer_schema=False)" "${ledgers[@]}")"
    row "$n" polars "$s" "$m" "polars.read_csv"
    read -r s m <<< "$(measure "$py" -c "import pandas as pd,sys
for f in sys.argv[1:]: pd.read_csv(f, skiprows=1, dtype=str)" "${ledgers[@]}")"
    row "$n" pandas "$s" "$m" "pandas.read_csv"
  fi
  ratios "$n"
  if [ "$n" -ge 1000000 ]; then
    read -r s m <<< "$(measure $bin load "${ledgers[@]}" --assets "$eng"/data/固定资产明细表-2023.xlsx --out "$dir/cache-$n")"
    row "$n" cache "$s" "$m" "reeval load --out (Parquet cache)"
    read -r s m <<< "$(measure $bin check "$dir/cache-$n" --show 0)"
    row "$n" rules "$s" "$m" "reeval check from the cache (all rules)"
  fi
done
