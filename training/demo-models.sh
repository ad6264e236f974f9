#!/usr/bin/env bash
# Reproduces the demo models in resources/models from scratch: a synthetic training cohort (seed
# 20240601, not the demo workspace's 20230101), its patch set, training, and the Table-1 metrics on a
# separate synthetic test cohort (seed 20250601), written into each model's card.
#
#   bash training/demo-models.sh [--work DIR] [--epochs N (20)] [--threads N] [--device cpu|cuda] [--install] MODEL…
#
# MODEL: resnet50-1slice | resnet50-3slice | resnet152-1slice | resnet152-3slice | all
# Steps shared by the models (cohorts, imports, patch set) are done once per --work folder and reused.
# --install copies model.onnx, model.json and card.md to resources/models/<name>.{onnx,json,md}.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DVT=(node "$ROOT/bin/dvt.mjs")
PY=/usr/bin/python3

WORK="$ROOT/training/work"
EPOCHS=20
THREADS=2
DEVICE=cpu
INSTALL=0
DATA_ONLY=0
MODELS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --device) DEVICE="$2"; shift 2 ;;
    --install) INSTALL=1; shift ;;
    --data-only) DATA_ONLY=1; shift ;;
    all) MODELS+=(resnet50-1slice resnet50-3slice resnet152-1slice resnet152-3slice); shift ;;
    resnet50-1slice | resnet50-3slice | resnet152-1slice | resnet152-3slice) MODELS+=("$1"); shift ;;
    *) echo "usage: bash training/demo-models.sh [--work DIR] [--epochs N] [--threads N] [--device cpu|cuda] [--install] MODEL…" >&2
       echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ ${#MODELS[@]} -gt 0 || $DATA_ONLY -eq 1 ]] || { echo "no model given (resnet50-1slice, resnet50-3slice, resnet152-1slice, resnet152-3slice or all)" >&2; exit 2; }

# The data. Changing any of these changes every model; the card records them.
TRAIN_SEED=20240601 TRAIN_PATIENTS=60
TEST_SEED=20250601 TEST_PATIENTS=20
SLICES=60 FOLDS=5 FOLD_SEED=1 VEIN_EVERY=4
# Reduced-width backbones (same depths) so that all four fit in 40 MB; see training/README.md.
WIDTH=12 FPN=64
# The synthetic thrombi are 5–29 px (median 12 px) at 0.695 mm: torchvision's smallest anchor (32 px) would
# overlap them at IoU ≈ 0.14, so each thrombus gets one low-quality positive anchor. Anchors 4× smaller.
ANCHORS=8,16,32,64,128
READER=reference

log() { printf '[demo-models %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$WORK"

# A cohort generated and imported into its own workspace, with the synthetic thrombus boxes copied to
# the reader "reference" (the ground truth the evaluation scores against).
cohort() { # name seed patients
  local name=$1 seed=$2 patients=$3
  if [[ ! -f "$WORK/$name-ws/.done" ]]; then
    rm -rf "$WORK/$name" "$WORK/$name-ws"
    log "$name: generating $patients synthetic patients (seed $seed)"
    "${DVT[@]}" phantom --out "$WORK/$name" --patients "$patients" --seed "$seed" --slices "$SLICES" > /dev/null
    log "$name: importing"
    "${DVT[@]}" import "$WORK/$name" --workspace "$WORK/$name-ws" > /dev/null
    "${DVT[@]}" reference-reader --workspace "$WORK/$name-ws" --reader "$READER" > /dev/null
    "${DVT[@]}" folds --workspace "$WORK/$name-ws" --assign --k "$FOLDS" --seed "$FOLD_SEED" > /dev/null
    touch "$WORK/$name-ws/.done"
  fi
}

cohort train-cohort "$TRAIN_SEED" "$TRAIN_PATIENTS"
if [[ ! -f "$WORK/patches/manifest.json" ]]; then
  log "train-cohort: exporting the patch set (thrombi and every ${VEIN_EVERY}th slice's veins)"
  "${DVT[@]}" export --workspace "$WORK/train-cohort-ws" --format patches --reference --out "$WORK/patches" \
    --patch-inputs 1slice,3slice --vein-every "$VEIN_EVERY" > /dev/null
fi
cohort test-cohort "$TEST_SEED" "$TEST_PATIENTS"

for spec in "${MODELS[@]+"${MODELS[@]}"}"; do
  backbone=${spec%-*} input=${spec#*-}
  name="retinanet-$backbone-w$WIDTH-$input"
  out="$WORK/models/$name"
  log "$name: training ($EPOCHS epochs, $DEVICE, $THREADS threads)"
  rm -rf "$out"
  (cd "$ROOT/training" && "$PY" -m dvt_training.train --patches "$WORK/patches" --backbone "$backbone" \
    --input "$input" --out "$out" --train-all --val-fold 0 --width "$WIDTH" --fpn-channels "$FPN" --anchor-sizes "$ANCHORS" \
    --epochs "$EPOCHS" --threads "$THREADS" --device "$DEVICE" --seed 0 --name "$name")

  log "$name: evaluating on the test cohort"
  # Each model is evaluated in its own copy of the test workspace (a rerun starts from a clean copy).
  ws="$out/test-ws"
  cp -r "$WORK/test-cohort-ws" "$ws"
  "${DVT[@]}" model add "$out/model.onnx" --workspace "$ws" --name "$name" > /dev/null
  runs=$("${DVT[@]}" infer --workspace "$ws" --model "$name" --all --threads "$THREADS" --json | jq -r '[.runs[].id] | join(",")')
  "${DVT[@]}" eval --workspace "$ws" --reader "$READER" --runs "$runs" --unit patches --bootstrap 1000 --seed 1 --json \
    > "$out/report.json"
  jq -n --arg cmd "bash training/demo-models.sh --epochs $EPOCHS --threads $THREADS --device $DEVICE $spec" \
    --argjson trainSeed "$TRAIN_SEED" --argjson trainPatients "$TRAIN_PATIENTS" \
    --argjson testSeed "$TEST_SEED" --argjson testPatients "$TEST_PATIENTS" \
    --argjson slices "$SLICES" --argjson veinEvery "$VEIN_EVERY" --arg reader "$READER" \
    '{command: $cmd, trainingCohort: {seed: $trainSeed, patients: $trainPatients, slicesPerPatient: $slices, veinEvery: $veinEvery},
      testCohort: {seed: $testSeed, patients: $testPatients, slicesPerPatient: $slices, reader: $reader}}' > "$out/data.json"
  (cd "$ROOT/training" && "$PY" -m dvt_training.card --run "$out" --metrics "$out/report.json" > /dev/null)

  if [[ $INSTALL -eq 1 ]]; then
    mkdir -p "$ROOT/resources/models"
    cp "$out/model.onnx" "$ROOT/resources/models/$name.onnx"
    cp "$out/model.json" "$ROOT/resources/models/$name.json"
    cp "$out/card.md" "$ROOT/resources/models/$name.md"
    log "$name: installed in resources/models"
  fi
  log "$name: done ($out)"
done
