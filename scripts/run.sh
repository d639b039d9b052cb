#!/usr/bin/env bash
# Set up Relational Atlas in .venv and run the main job on the bundled default atlas:
# build the store, print its statistics and strongest remote links, write the exports and the map.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e .
atlas=.venv/bin/atlas
mkdir -p out
$atlas build
$atlas stats
$atlas export --format trig -o out/atlas.trig
$atlas export --format ttl -o out/atlas.ttl
$atlas remote --top 10
$atlas map -o out/atlas.html
$atlas map --view links -o out/links.html
echo "outputs in $(pwd)/out"
