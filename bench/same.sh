#!/usr/bin/env bash
# Identity guard for loader changes: the frames and the load report of the binary built from
# this tree must be byte-identical to those of a reference binary on the bench ledgers.
#
# For each LINES it generates (seeded, so the same files every time) the bench ledgers
#   xlsx-plain  通用序时账 sheet (`gen-fixtures --rules-test --lines N`, as bench/load.sh)
#   xlsx-grp    GRP-U8 layout with page headers and totals (`gen-fixtures --lines N`, at most
#               900,000 lines: that layout fills a sheet's rows there)
#   csv-utf8    the engagement's two ledgers as UTF-8 CSV with a title row above the header
#               (`gen-fixtures --engagement --csv --lines N`, with BOM as generated)
#   csv-gbk     the same two files transcoded to GBK (no BOM), as Chinese finance packages write
#   csv-utf16   the same two files as UTF-16LE with BOM (Excel's “Unicode text”), tab-separated
# then runs `reeval load FILE --json R --out DIR` with both binaries and compares the JSON
# report and each Parquet file of the cache byte for byte (the Parquet writer is deterministic
# for equal frames: same rows, order, types and chunking). Prints IDENTICAL / DIFFERENT per
# file and exits 1 when any differs.
#
# Usage: bench/same.sh [LINES ...]      (default 50000)
#   BEFORE=path/to/reference-binary     (default target/release/reeval-before: copy the binary
#                                        built from main there before changing the loader)
#   BENCH_DIR=dir                       (default target/bench-same)
#   AFTER=path/to/binary                (default: build this tree and use its binary)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(50000)
before=${BEFORE:-target/release/reeval-before}
dir=${BENCH_DIR:-target/bench-same}
[ -x "$before" ] || { echo "no reference binary at $before (cp target/release/reeval $before on main)"; exit 2; }
# AFTER=path compares that binary instead of the one built from this tree (no build).
if [ -n "${AFTER:-}" ]; then
  after=$AFTER
else
  cargo build --release -q
  after=./target/release/reeval
fi
mkdir -p "$dir"
status=0
for n in "${sizes[@]}"; do
  fx="$dir/fx-$n"
  [ -f "$fx/rules-test/scale-$n.xlsx" ] || $after gen-fixtures "$fx" --rules-test --lines "$n" >/dev/null
  # The GRP layout's page headers and totals fill a sheet's 1,048,576 rows at ~900k lines.
  grp=$((n < 900000 ? n : 900000))
  [ -f "$fx/scale-$grp.xlsx" ] || $after gen-fixtures "$fx" --lines "$grp" >/dev/null
  eng="$fx/eng"
  [ -f "$eng/engagement.toml" ] || $after gen-fixtures "$eng" --engagement --csv --lines "$n" >/dev/null
  files=("$fx/rules-test/scale-$n.xlsx" "$fx/scale-$grp.xlsx")
  for csv in "$eng"/data/*.csv; do
    base=$(basename "$csv" .csv)
    gbk="$fx/$base-gbk.csv"
    u16="$fx/$base-utf16.csv"
    [ -f "$gbk" ] || python3 - "$csv" "$gbk" "$u16" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8-sig").read()
open(sys.argv[2], "wb").write(text.encode("gbk"))
# Tab-separated, as Excel's “Unicode text”: quoted fields keep their commas.
import csv, io
rows = list(csv.reader(io.StringIO(text)))
out = io.StringIO()
csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
open(sys.argv[3], "wb").write(b"\xff\xfe" + out.getvalue().encode("utf-16-le"))
EOF
    files+=("$csv" "$gbk" "$u16")
  done
  for f in "${files[@]}"; do
    tag=$(basename "$(dirname "$f")")/$(basename "$f")
    ok=1
    for which in before after; do
      bin=$before; [ $which = after ] && bin=$after
      # Both write to the same paths (the terminal output names them), then are set aside.
      rm -rf "$dir/out" "$dir/out-$which" "$dir/report.json"
      # The exit code is compared too: a load that fails must fail the same way.
      set +e
      $bin load "$f" --json "$dir/report.json" --out "$dir/out" --show 0 >"$dir/$which.txt" 2>&1
      echo "exit $?" >>"$dir/$which.txt"
      set -e
      mv "$dir/out" "$dir/out-$which" 2>/dev/null || mkdir -p "$dir/out-$which"
      mv "$dir/report.json" "$dir/$which.json" 2>/dev/null || : >"$dir/$which.json"
    done
    cmp -s "$dir/before.txt" "$dir/after.txt" || { ok=0; echo "  terminal output differs:"; diff "$dir/before.txt" "$dir/after.txt" | head -5 || true; }
    cmp -s "$dir/before.json" "$dir/after.json" || { ok=0; echo "  load report differs"; }
    for p in "$dir"/out-before/*; do
      q="$dir/out-after/$(basename "$p")"
      cmp -s "$p" "$q" || { ok=0; echo "  $(basename "$p") differs"; }
    done
    [ "$(ls "$dir/out-before" | wc -l)" = "$(ls "$dir/out-after" | wc -l)" ] || { ok=0; echo "  cache files differ"; }
    lines=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['summary']['lines_loaded'])" "$dir/after.json" 2>/dev/null || echo "?")
    if [ $ok = 1 ]; then
      echo "IDENTICAL  $n  $tag  ($lines lines)"
    else
      echo "DIFFERENT  $n  $tag"
      status=1
    fi
  done
done
exit $status
