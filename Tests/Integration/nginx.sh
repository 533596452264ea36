#!/usr/bin/env bash
# Serves the sample site with a real nginx and deploy/nginx.conf, and crawls
# it over HTTP with nginx_crawl.py: once at the root of a host, once under a
# sub-path (base_url https://anwei.example.gov.cn/anwei/).
#
#   Tests/Integration/nginx.sh [path/to/tongbao]   (default: .build/debug/tongbao)
#
# Needs nginx (Debian: apt-get install nginx) and python3; installs nothing.
# nginx runs as an ordinary process on free loopback ports, with its pid,
# logs and temp folders in a temporary folder: /etc/nginx and the system
# service are not touched (only /etc/nginx/mime.types is read).
# Environment: NGINX (the nginx binary), NGINX_PORT (first port tried,
# default 18080), KEEP=1 (keep the temporary folder).
#
# Prints each failure, then one "N passed, M failed" total (N, M: URLs
# checked); exits 2 when nginx is missing, 1 on any failure.
set -u

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-.build/debug/tongbao}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac

nginx="${NGINX:-$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })}"
if [ -z "$nginx" ] || [ ! -x "$nginx" ]; then
    echo "nginx is not installed: this test needs it (Debian: apt-get install nginx)." >&2
    # CI installs it, so there a missing nginx is a failure; on a developer's machine the crawl is skipped.
    [ -n "${CI:-}" ] && exit 2
    echo "skipped: the nginx crawl" >&2
    exit 0
fi
if ! command -v python3 >/dev/null; then
    echo "python3 is not installed: this test needs it." >&2
    exit 2
fi
if [ ! -x "$bin" ]; then
    echo "tongbao binary not found: $bin" >&2
    exit 2
fi

# mime.types of this nginx (beside its compiled-in nginx.conf).
conf_path="$("$nginx" -V 2>&1 | sed -n 's/.*--conf-path=\([^ ]*\).*/\1/p')"
mime="$(dirname "${conf_path:-/etc/nginx/nginx.conf}")/mime.types"
[ -f "$mime" ] || mime=/etc/nginx/mime.types
if [ ! -f "$mime" ]; then
    echo "nginx's mime.types not found (looked beside ${conf_path:-/etc/nginx/nginx.conf})." >&2
    exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tongbao-nginx.XXXXXX")"
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then
        kill "$nginx_pid" 2>/dev/null
        wait "$nginx_pid" 2>/dev/null
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

total_pass=0
total_fail=0
fail() { # one failure that is not a URL of a crawl
    echo "$*"
    total_fail=$((total_fail + 1))
}
finish() {
    echo "$total_pass passed, $total_fail failed"
    [ "$total_fail" -eq 0 ]
    exit
}

templates=()
[ -d "$root/templates" ] && templates=(--templates "$root/templates")

# 1. The two builds: the sample content as is, and a copy whose base_url is
#    under a sub-path.
sub_base="https://anwei.example.gov.cn/anwei/"
root_base="$(sed -n 's/^base_url:[[:space:]]*["'\'']\{0,1\}\([^"'\''#[:space:]]*\).*/\1/p' "$root/content/site.yml" | head -n 1)"
case "$root_base" in */) ;; ?*) root_base="$root_base/" ;; esac
root_path="/${root_base#*://*/}"
if [ "$root_path" != "/" ]; then
    fail "content/site.yml: base_url $root_base has a sub-path; the root test needs a base_url at the root of a host"
    finish
fi

mkdir -p "$work/content-sub"
cp -R "$root/content/." "$work/content-sub/"
if grep -q '^base_url:' "$work/content-sub/site.yml"; then
    sed -i "s|^base_url:.*|base_url: $sub_base|" "$work/content-sub/site.yml"
else
    echo "base_url: $sub_base" >>"$work/content-sub/site.yml"
fi

build() { # content-dir output-dir label
    if ! "$bin" build --content "$1" "${templates[@]}" --output "$2" >"$work/build-$3.log" 2>&1; then
        fail "[$3] tongbao build failed:"
        grep -v ': warning: ' "$work/build-$3.log" | head -20 | sed 's/^/    /'
        return 1
    fi
}
build "$root/content" "$work/root/site" root || finish
build "$work/content-sub" "$work/sub/site" sub || finish
for s in root sub; do
    n="$(find "$work/$s/site" -type f -name '*.gz' | wc -l)"
    echo "[$s] $(find "$work/$s/site" -type f ! -name '*.gz' | wc -l) files, $n .gz twins" >&2
done

# 2. The nginx configuration: the two server blocks of deploy/nginx.conf
#    (the commented sub-path variant uncommented) with the test's ports,
#    folders and paths.
free_port() { # first free loopback port from $1 on
    python3 - "$1" <<'EOF'
import socket, sys
p = int(sys.argv[1])
while p < 65535:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        p += 1
    finally:
        s.close()
EOF
}
port1="$(free_port "${NGINX_PORT:-18080}")"
port2="$(free_port $((port1 + 1)))"

deploy="$root/deploy"
cp "$deploy/security-headers.conf" "$work/security-headers.conf"
subst() { # root-or-alias-folder port
    sed -e "s|^\([[:space:]]*\)listen 80;|\1listen 127.0.0.1:$2;|" \
        -e '/^[[:space:]]*listen \[::\]:80;/d' \
        -e "s|root /srv/anwei/site;|root $1;|" \
        -e "s|alias /srv/anwei/site/;|alias $1/;|" \
        -e "s|/etc/nginx/snippets/anwei-security-headers.conf|$work/security-headers.conf|g"
}
# The live server block: everything outside comments up to the variant.
sed -n '/^# --- BEGIN sub-path variant ---$/q; p' "$deploy/nginx.conf" \
    | subst "$work/root/site" "$port1" >"$work/server-root.conf"
sed -n '/^# --- BEGIN sub-path variant ---$/,/^# --- END sub-path variant ---$/p' "$deploy/nginx.conf" \
    | sed -e '1d;$d' -e 's/^# \{0,1\}//' \
    | subst "$work/sub/site" "$port2" >"$work/server-sub.conf"
for f in server-root server-sub; do
    if [ ! -s "$work/$f.conf" ] || grep -v '^[[:space:]]*#' "$work/$f.conf" | grep -qE '/srv/anwei|/etc/nginx/snippets|listen[[:space:]]+(80|\[::\])'; then
        fail "deploy/nginx.conf: $f: could not put the test's folder, port or include path in (root /srv/anwei/site; alias /srv/anwei/site/; listen 80; include /etc/nginx/snippets/anwei-security-headers.conf are expected)"
    fi
done
grep -q "root $work/root/site;" "$work/server-root.conf" || fail "deploy/nginx.conf: no 'root /srv/anwei/site;' in the server block"
grep -q "alias $work/sub/site/;" "$work/server-sub.conf" || fail "deploy/nginx.conf: no 'alias /srv/anwei/site/;' in the sub-path variant"
[ "$total_fail" -eq 0 ] || finish

mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
{
    echo "daemon off;"
    echo "master_process on;"
    echo "worker_processes 1;"
    # As root, nginx's workers would switch to "nobody", which cannot read
    # the private temporary folder.
    [ "$(id -u)" -eq 0 ] && echo "user $(id -un) $(id -gn);"
    echo "pid $work/nginx/nginx.pid;"
    echo "error_log $work/nginx/logs/error.log warn;"
    echo "events { worker_connections 64; }"
    echo "http {"
    echo "    include $mime;"
    echo "    default_type application/octet-stream;"
    echo "    sendfile on;"
    echo "    access_log $work/nginx/logs/access.log;"
    for t in client_body proxy fastcgi uwsgi scgi; do
        echo "    ${t}_temp_path $work/nginx/tmp/$t;"
    done
    cat "$work/server-root.conf" "$work/server-sub.conf"
    echo "}"
} >"$work/nginx/nginx.conf"

if ! "$nginx" -t -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" 2>"$work/nginx-t.log"; then
    fail "nginx -t rejects the configuration made from deploy/nginx.conf:"
    sed 's/^/    /' "$work/nginx-t.log" | head -20
    finish
fi
if grep -q '\[warn\]' "$work/nginx-t.log"; then
    fail "nginx -t warns about the configuration made from deploy/nginx.conf:"
    grep '\[warn\]' "$work/nginx-t.log" | head -20 | sed 's/^/    /'
fi

# 3. Start nginx (foreground process in the background; stopped at exit).
"$nginx" -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" \
    2>>"$work/nginx/logs/error.log" &
nginx_pid=$!
up=0
for _ in $(seq 1 50); do
    if ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
    if python3 -c 'import socket,sys
for p in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(p)), timeout=1).close()' "$port1" "$port2" 2>/dev/null; then
        up=1; break
    fi
    sleep 0.1
done
if [ "$up" != 1 ]; then
    fail "nginx did not start:"
    sed 's/^/    /' "$work/nginx/logs/error.log" | tail -20
    nginx_pid=""
    finish
fi

# 4. Crawl both sites.
crawl() { # label url public-base site-folder
    local res p f
    res="$(python3 "$here/nginx_crawl.py" --public-base "$3" --root "$4" "$2" 2>"$work/crawl-$1.err")"
    echo "$res" | sed '$d' | sed "s/^/[$1] /"
    sed "s/^/[$1] /" "$work/crawl-$1.err" >&2
    echo "[$1] $(echo "$res" | tail -n 1)"
    p="$(echo "$res" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')"
    f="$(echo "$res" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')"
    if [ -z "$p" ] || [ -z "$f" ]; then
        fail "[$1] the crawler crashed"
        return
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}
crawl root "http://127.0.0.1:$port1/" "$root_base" "$work/root/site"
crawl sub "http://127.0.0.1:${port2}/anwei/" "$sub_base" "$work/sub/site"

# 5. The search page in a real browser, under the served CSP: the script
#    reads the index and the result pages, and shows ranked, marked results.
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$chromium" ]; then
    if [ -n "${CI:-}" ]; then fail "chromium is not installed: the search test needs it"; else echo "skipped: the search page in chromium" >&2; fi
else
    search() { # label base-url query expected-fragment…
        local label=$1 url=$2 query=$3 dom status
        shift 3
        dom="$(timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --virtual-time-budget=15000 \
            --user-data-dir="$work/chromium-profile" --dump-dom \
            "${url}search/?q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$query")" 2>"$work/chromium.err")"
        status="$(printf '%s' "$dom" | sed -n 's/.*<p id="search-status"[^>]*>\([^<]*\)<.*/\1/p' | head -n 1)"
        for expected in "$@"; do
            if printf '%s' "$dom" | grep -qF -- "$expected"; then
                total_pass=$((total_pass + 1))
            else
                fail "[$label] search for $query: no $expected in the page (status: ${status:-none}; chromium said: $(tail -c 300 "$work/chromium.err"))"
            fi
        done
    }
    for s in root sub; do
        if [ $s = root ]; then url="http://127.0.0.1:$port1/" prefix="/"; else url="http://127.0.0.1:${port2}/anwei/" prefix="/anwei/"; fi
        # 危化 (a bigram of 危化品) finds the flood-season notice, its snippet marked; 2026 (a word) finds many.
        search "$s" "$url" "危化" "href=\"${prefix}notices/zhuxunqi-2026/\"" '<mark>危化</mark>' '条包含“危化”的结果' \
            "href=\"${prefix}notices/guoqing-zhongqiu-2025/\"" '<mark>危险化学品</mark>'
        search "$s" "$url" "2026 通报" "href=\"${prefix}circulars/" '<mark>2026</mark>'
        # A lone character beside other terms is not required (it is indexed only where it stands alone or
        # in a title): 危化 品 finds the notice whose body says 危化品, as a whole match.
        search "$s" "$url" "危化 品" "href=\"${prefix}notices/zhuxunqi-2026/\"" '条包含“危化 品”的结果'
        # Full-width digits are the ASCII ones (the script folds them as the build does).
        search "$s" "$url" "２０２６ 通报" "href=\"${prefix}circulars/"
        search "$s" "$url" "没有这样的词语组合" '没有找到包含'
    done
fi

if [ -s "$work/nginx/logs/error.log" ] && grep -qE '\[(emerg|alert|crit)\]' "$work/nginx/logs/error.log"; then
    fail "nginx logged serious errors:"
    grep -E '\[(emerg|alert|crit)\]' "$work/nginx/logs/error.log" | head -10 | sed 's/^/    /'
fi

finish
