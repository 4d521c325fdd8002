#!/usr/bin/env bash
# Measures a model folder on the held-out sets of ml/make_eval_sets.py through the app's own
# pipeline (npm run eval:detector); one JSON (and one per-item dump) per set in OUT. The dumps let
# ml/ensemble.py and scripts/calibrate-risk.ts rework the figures without running the model again.
#   bash ml/eval_all.sh resources/models ml/work/evalsets4 ml/work/eval/run4 [dfdc-val]
set -euo pipefail
MODEL="$1"; SETS="$2"; OUT="$3"
D=../shared/datasets
mkdir -p "$OUT"
ev() { local name="$1"; shift; npx tsx scripts/eval-detector.ts --model "$MODEL" --json --dump "$OUT/$name-dump.json" "$@" > "$OUT/$name.json" 2>/dev/null; }
ev dfdc-test --real "$SETS/dfdc-test/real" --fake "$SETS/dfdc-test/fake" --index $D/dfdc-faces/index.csv
ev utk-test --real "$SETS/utk-test"
ev vf-crops --real "$SETS/vf-test-crops/real" --fake "$SETS/vf-test-crops/fake" --index $D/video-faces/index.csv --group-by family
ev clips --real $D/video-faces/clips/real --fake "$SETS/vf-test-clips/fake" --index $D/video-faces/clips.csv --group-by family
echo "done: $OUT"
