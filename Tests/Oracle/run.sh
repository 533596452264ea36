#!/usr/bin/env bash
# Builds the sample site and the edge-case site at several as-of dates with
# the given tongbao binary and checks every circular with circulars.py.
#
#   Tests/Oracle/run.sh [path/to/tongbao]     (default: .build/debug/tongbao)
#
# Prints each mismatch, then one "N passed, M failed" total; exits non-zero
# when any circular failed or any build failed.
set -u

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-.build/debug/tongbao}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
if [ ! -x "$bin" ]; then
    echo "tongbao binary not found: $bin" >&2
    exit 2
fi

python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml || {
    echo "the oracle needs PyYAML (pip install pyyaml)" >&2
    exit 2
}

work="$(mktemp -d "${TMPDIR:-/tmp}/tongbao-oracle.XXXXXX")"
trap 'rm -rf "$work"' EXIT

total_pass=0
total_fail=0

check() { # content-dir label as-of...
    local content="$1" label="$2"
    shift 2
    local d out res p f
    for d in "$@"; do
        out="$work/$label-$d"
        if ! "$bin" build --content "$content" --output "$out" --as-of "$d" \
                >"$work/build.log" 2>&1; then
            echo "[$label $d] build failed:"
            sed 's/^/    /' "$work/build.log" | grep -v ': warning: ' | head -20
            total_fail=$((total_fail + 1))
            continue
        fi
        res="$(python3 "$here/circulars.py" --content "$content" --site "$out" --as-of "$d")"
        echo "$res" | sed '$d' | sed "s/^/[$label $d] /"
        echo "[$label $d] $(echo "$res" | tail -n 1)"
        p="$(echo "$res" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')"
        f="$(echo "$res" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')"
        if [ -z "$p" ] || [ -z "$f" ]; then
            echo "[$label $d] oracle crashed"
            total_fail=$((total_fail + 1))
            continue
        fi
        total_pass=$((total_pass + p))
        total_fail=$((total_fail + f))
        rm -rf "$out"
    done
}

check "$root/content" sample \
    2025-01-31 2025-02-28 2025-12-31 2026-02-28 2026-06-15 2026-11-25
check "$here/edge/content" edge \
    2022-12-30 2023-01-01 2023-11-30 2024-01-31 2024-02-29 2024-03-10 2024-12-31 \
    2025-01-31 2025-02-28 2025-03-31

# The same edge ledgers without rectification_bar (the default 0.90 applies)
# and with rectification_bar 0.5 (= the rate of aa and bb on 2024-02-29).
mkdir -p "$work/nobar" "$work/bar05"
cp -R "$here/edge/content/." "$work/nobar/"
cp -R "$here/edge/content/." "$work/bar05/"
grep -v '^rectification_bar:' "$here/edge/content/site.yml" >"$work/nobar/site.yml"
sed 's/^rectification_bar:.*/rectification_bar: 0.5/' "$here/edge/content/site.yml" >"$work/bar05/site.yml"
check "$work/nobar" edge-nobar 2024-02-29 2024-12-31
check "$work/bar05" edge-bar0.5 2024-02-29 2024-12-31

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
