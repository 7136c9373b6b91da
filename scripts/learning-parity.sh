#!/usr/bin/env bash
# Learning parity: trains the official MaDe (reference-bench's learn_ref.py: reference configuration, upstream's
# own dataloader, batch 32, Adam 3e-4 with its warm-up cosine) and `mgsv train` with the same recipe on one
# dataset in the published layout, evaluates both on its test split, and prints the paper's metrics per seed with
# the reference's seed spread and the mgsv - reference difference.
#
#   scripts/learning-parity.sh DATA REFBENCH OUT [EPOCHS] [SEEDS...]
#     DATA      a dataset in the published layout (e.g. quickstart-out/data)
#     REFBENCH  a writable copy of ../shared/reference-bench with the upstream code in REFBENCH/upstream
#     OUT       a new folder for the runs and results (results.json, table.md); runs already there are kept,
#               so more seeds can be added later
#     EPOCHS    default 2; SEEDS default "42 7 1 2 3 4" (two seeds per side showed a difference that six did not:
#               the seed-to-seed spread of localisation is 0.02-0.03 mIoU)
#
# Cost: per seed about 8-10 minutes for the reference and 3 for mgsv (two epochs of the quickstart data on 2 cores,
# 2026-12-04); the sides run one
# after the other (never in parallel: the figures of a loaded machine are not comparable).
set -euo pipefail
if [ $# -lt 3 ]; then sed -n 2,14p "$0"; exit 2; fi
data=$1; bench=$2; out=$3; epochs=${4:-2}; shift $(( $# >= 4 ? 4 : 3 ))
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(42 7 1 2 3 4)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$bench/learn_ref.py" ] || { echo "$bench/learn_ref.py: not found" >&2; exit 2; }
[ -d "$data/dataset/MGSV-EC" ] || { echo "$data: no dataset/MGSV-EC (published layout expected)" >&2; exit 2; }
mkdir -p "$out"
for s in "${seeds[@]}"; do
  if [ ! -s "$out/ref-$s.json" ]; then
    echo "reference, seed $s ($(uptime))" >&2
    /usr/bin/python3 "$bench/learn_ref.py" "$data" "$epochs" "$s" >"$out/ref-$s.json.tmp" 2>"$out/ref-$s.log"
    mv "$out/ref-$s.json.tmp" "$out/ref-$s.json"
  fi
done
for s in "${seeds[@]}"; do
  if [ ! -s "$out/mgsv-$s.json" ]; then
    echo "mgsv, seed $s ($(uptime))" >&2
    rm -rf "$out/mgsv-$s"
    "$root/mgsv" train --data "$data" --out "$out/mgsv-$s" --epochs "$epochs" --batch-size 32 --seed "$s" \
      2>"$out/mgsv-$s.log"
    "$root/mgsv" eval --data "$data" --split test --model "$out/mgsv-$s" --pick last \
      --json "$out/mgsv-$s.json.tmp" 2>>"$out/mgsv-$s.log"
    mv "$out/mgsv-$s.json.tmp" "$out/mgsv-$s.json"
  fi
done
/usr/bin/python3 - "$out" "${seeds[@]}" <<'PY'
import json, sys, os
out, seeds = sys.argv[1], sys.argv[2:]
def flat(d, pre=""):
    r = {}
    for k, v in d.items():
        if isinstance(v, dict): r.update(flat(v, pre + k + "/"))
        elif isinstance(v, (int, float)) and v is not None: r[pre + k] = float(v)
    return r
def find(m, key):
    for k, v in m.items():
        if k == key or k.endswith("/" + key): return v
    return None
def ref_loss(s):
    last = None
    for line in open(os.path.join(out, "ref-%s.log" % s)):
        line = line.strip()
        if line.startswith("{") and "mean_loss" in line: last = json.loads(line)["mean_loss"]
    return last
def mgsv_loss(s):
    last = None
    for line in open(os.path.join(out, "mgsv-%s" % s, "metrics.jsonl")):
        last = json.loads(line)["train"]["loss_total"]
    return last
rows = [("R1", "R1", 1), ("R5", "R5", 1), ("R10", "R10", 1), ("SmG mIoU", "mIoU", 1),
        ("MoR1 @0.5", "R1_iou0.5", 1), ("MoR1 @0.7", "R1_iou0.7", 1)]
ref = {s: flat(json.load(open(os.path.join(out, "ref-%s.json" % s)))) for s in seeds}
mg = {s: flat(json.load(open(os.path.join(out, "mgsv-%s.json" % s)))) for s in seeds}
table, res = [], {}
def sd(xs):
    mu = sum(xs) / len(xs)
    return (sum((x - mu) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5 if len(xs) > 1 else float("nan")
def line(name, r, m):
    rm, mm = sum(r) / len(r), sum(m) / len(m)
    spread = max(max(r) - min(r), max(m) - min(m))
    # Welch's t of the difference of the means (|t| < 2: no difference the seeds can show)
    se = (sd(r) ** 2 / len(r) + sd(m) ** 2 / len(m)) ** 0.5
    t = (mm - rm) / se if se > 0 else float("nan")
    res[name] = {"reference": r, "mgsv": m, "difference": mm - rm, "seed_spread": spread,
                 "reference_sd": sd(r), "mgsv_sd": sd(m), "welch_t": t}
    f = lambda xs: " / ".join("%.3f" % x for x in xs)
    table.append("| %s | %s | %s | %.3f ± %.3f | %.3f ± %.3f | %+.3f | %.3f | %+.2f | %s |" % (
        name, f(r), f(m), rm, sd(r), mm, sd(m), mm - rm, spread, t,
        "n/a (one seed: no spread)" if len(r) < 2 else "yes" if abs(mm - rm) <= spread else "NO"))
for name, key, _ in rows:
    line(name, [find(ref[s], key) for s in seeds], [find(mg[s], key) for s in seeds])
line("mean training loss, last epoch", [ref_loss(s) for s in seeds], [mgsv_loss(s) for s in seeds])
head = ["| test split, seeds %s | reference | mgsv | reference mean ± sd | mgsv mean ± sd | mgsv - reference "
        "| largest seed spread | Welch t | within |" % ", ".join(seeds), "|---|---|---|---|---|---|---|---|---|"]
text = "\n".join(head + table)
print(text)
open(os.path.join(out, "table.md"), "w").write(text + "\n")
json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
PY
