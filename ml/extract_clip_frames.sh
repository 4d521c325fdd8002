#!/usr/bin/env bash
# Frames for training from the video-faces clips (2 fps, first 10 s), so that call-like real
# faces are more than 8 crops a clip. Output: ml/work/vf-frames/<label>/<video_id>/NNN.jpg
# (gitignored: the clips' licences do not allow committing them). Split by video_id in train.py.
set -euo pipefail
SRC="${1:-../shared/datasets/video-faces/clips}"
OUT="${2:-ml/work/vf-frames}"
for label in real fake; do
  for clip in "$SRC/$label"/*.mp4; do
    id="$(basename "$clip" .mp4)"
    mkdir -p "$OUT/$label/$id"
    ffmpeg -v error -y -i "$clip" -vf fps=2 -q:v 2 "$OUT/$label/$id/%03d.jpg"
  done
done
find "$OUT" -name '*.jpg' | wc -l
