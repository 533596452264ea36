#!/usr/bin/env bash
# Builds the libyaml floor: bench/floor/build.sh [OUTPUT]   (default /tmp/tb-bench/yaml_floor)
# Needs a C compiler and Debian's libyaml-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/tb-bench/yaml_floor}
mkdir -p "$(dirname "$out")"
cc -O2 -Wall -Wextra -o "$out" "$here/yaml_floor.c" -lyaml
echo "$out"
