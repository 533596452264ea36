#!/usr/bin/env python3
"""Crawls a tongbao site served over HTTP and checks what a reader gets.

    nginx_crawl.py [--public-base URL] [--root DIR] BASE_URL

BASE_URL is where the site is served for the test (http://127.0.0.1:18080/
or http://127.0.0.1:18081/anwei/). --public-base is the site's base_url
(https://anwei.example.gov.cn/anwei/): absolute links, the sitemap and the
feed use it, and they are mapped onto BASE_URL; without it, the home page's
canonical link is used. --root is the folder nginx serves: with it, a
response for a file that has a .gz twin must be that twin (gzip_static).

Starting from the home page and sitemap.xml, every URL under the base that
a page (a, area, link, img, source, script, iframe, …), a stylesheet
(url(), @import), the sitemap or the feed points to is fetched once, and:
  - its status is 200 (redirects are not followed: a link must point at the
    final address);
  - its Content-Type fits its name (text/html; charset=utf-8 for pages,
    UTF-8 for CSS, JSON and XML) and it is sent with X-Content-Type-Options;
  - pages carry Content-Security-Policy, X-Content-Type-Options and
    Referrer-Policy and a short Cache-Control; hashed assets a long one;
  - pages contain nothing the CSP blocks: no inline <script>, no <style>
    element, no style="…" attribute, no on…="…" handler, no javascript:
    URL, and no script, stylesheet, image, frame, form or <base> the served
    policy forbids;
  - links written from the root (/x/) stay under the base path;
  - JSON parses, XML parses, the sitemap's and the feed's URLs are under
    the base and resolve;
  - with Accept-Encoding: gzip, text files come compressed (from 1 KiB)
    and decompress to the same bytes.
Plus: a missing page and a missing asset answer 404 with the body of
/404.html (which answers 200), a folder without a page answers 404 too, a
hidden file (.tongbao) is not served, and a page address without its final
slash redirects to the address with it.

Prints one line per failure, then "N passed, M failed" (N, M: URLs
checked). Exit status 1 on any failure. Python 3 standard library only.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import sys
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

MAX_URLS = 50000
TIMEOUT = 20

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Expected media types by file extension (the last part of the path).
TYPES = {
    ".html": ("text/html",),
    ".htm": ("text/html",),
    ".css": ("text/css",),
    ".js": ("text/javascript", "application/javascript"),
    ".json": ("application/json",),
    ".xml": ("application/xml", "text/xml", "application/atom+xml", "application/rss+xml"),
    ".svg": ("image/svg+xml",),
    ".png": ("image/png",),
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".gif": ("image/gif",),
    ".webp": ("image/webp",),
    ".ico": ("image/x-icon", "image/vnd.microsoft.icon"),
    ".pdf": ("application/pdf",),
    ".txt": ("text/plain",),
    ".woff": ("font/woff", "application/font-woff"),
    ".woff2": ("font/woff2",),
}
# Types whose Content-Type must say charset=utf-8 (charset_types).
UTF8_TYPES = ("text/html", "text/css", "text/plain", "text/xml", "application/xml",
              "application/atom+xml", "application/rss+xml", "application/json")
# Types worth compressing (gzip_types).
TEXT_TYPES = UTF8_TYPES + ("image/svg+xml", "text/javascript", "application/javascript")
GZIP_FROM = 1024

# A file name with a content hash: style.6da536e9.css.
HASHED = re.compile(r"\.[0-9a-f]{6,}\.[A-Za-z0-9]+$")

# CSP: which directives apply to what, in fallback order.
CSP_FALLBACK = {
    "script": ("script-src-elem", "script-src", "default-src"),
    "style": ("style-src-elem", "style-src", "default-src"),
    "img": ("img-src", "default-src"),
    "font": ("font-src", "default-src"),
    "media": ("media-src", "default-src"),
    "frame": ("frame-src", "child-src", "default-src"),
    "object": ("object-src", "default-src"),
    "manifest": ("manifest-src", "default-src"),
    "form": ("form-action",),
    "base": ("base-uri",),
}


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case name -> list of values
        self.body = body

    def header(self, name):
        values = self.headers.get(name.lower())
        return ", ".join(values) if values else None

    def media_type(self):
        ct = self.header("content-type") or ""
        return ct.split(";")[0].strip().lower()

    def charset(self):
        ct = self.header("content-type") or ""
        m = re.search(r";\s*charset\s*=\s*\"?([^\";\s]+)", ct, re.I)
        return m.group(1).lower() if m else None


def quote_url(url):
    """Percent-encodes what http.client cannot send (spaces, CJK), once."""
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def fetch(url, headers=None):
    parts = urllib.parse.urlsplit(url)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.netloc, timeout=TIMEOUT)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        conn.request("GET", target, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        hdrs = {}
        for name, value in resp.getheaders():
            hdrs.setdefault(name.lower(), []).append(value)
        return Response(resp.status, resp.reason, hdrs, body)
    finally:
        conn.close()


def cache_max_age(cache_control):
    if not cache_control:
        return None
    m = re.search(r"(?:^|[,\s])max-age\s*=\s*(\d+)", cache_control, re.I)
    return int(m.group(1)) if m else None


def parse_csp(value):
    policy = {}
    for part in (value or "").split(";"):
        tokens = part.split()
        if tokens:
            name = tokens[0].lower()
            policy.setdefault(name, [t for t in tokens[1:]])
    return policy


def origin(url):
    p = urllib.parse.urlsplit(url)
    port = p.port or {"http": 80, "https": 443}.get(p.scheme)
    return (p.scheme, (p.hostname or "").lower(), port)


def csp_directive(policy, kind):
    """The directive of the policy that governs kind, or None."""
    for directive in CSP_FALLBACK[kind]:
        if directive in policy:
            return directive
    return None


def csp_allows(policy, kind, url, page_url):
    """Whether the served policy lets a page at page_url load url as kind."""
    directive = csp_directive(policy, kind)
    if directive is None:
        return True
    sources = policy[directive]
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    for token in sources:
        t = token.lower()
        if t == "'self'":
            if origin(url) == origin(page_url):
                return True
        elif t == "*":
            if scheme not in ("data", "blob", "filesystem"):
                return True
        elif re.fullmatch(r"[a-z][a-z0-9+.\-]*:", t):
            if scheme == t[:-1] or (t == "http:" and scheme == "https"):
                return True
        elif not t.startswith("'"):
            m = re.fullmatch(r"(?:([a-z][a-z0-9+.\-]*)://)?(\*\.)?([^/:]+|\*)(?::(\d+|\*))?(/.*)?", t)
            if not m:
                continue
            src_scheme, wildcard, host, port, path = m.groups()
            u = urllib.parse.urlsplit(url)
            uhost = (u.hostname or "").lower()
            if src_scheme and src_scheme != scheme and not (src_scheme == "http" and scheme == "https"):
                continue
            if not src_scheme and scheme not in ("http", "https"):
                continue
            if host != "*":
                if wildcard:
                    if not uhost.endswith("." + host):
                        continue
                elif uhost != host:
                    continue
            uport = u.port or {"http": 80, "https": 443}.get(scheme)
            if port and port != "*" and int(port) != uport:
                continue
            if not port and uport != {"http": 80, "https": 443}.get(scheme):
                continue
            if path:
                if path.endswith("/"):
                    if not u.path.startswith(path):
                        continue
                elif u.path != path:
                    continue
            return True
    return False


class PageParser(HTMLParser):
    """Collects what a page refers to and what a strict CSP would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []      # (line, kind, csp-kind or None, raw url, tag)
        self.inline = []    # (line, message)
        self.canonical = None
        self.feeds = []
        self.media_depth = 0
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if tag in ("video", "audio") and self.media_depth:
            self.media_depth -= 1
        if tag == "svg" and self.in_svg:
            self.in_svg -= 1

    def _ref(self, kind, csp_kind, raw, tag):
        if raw is None:
            return
        raw = raw.strip()
        if not raw:
            return
        if raw.lower().startswith("javascript:"):
            self.inline.append((self.getpos()[0], f"<{tag}> with a javascript: URL (blocked by the CSP)"))
            return
        self.refs.append((self.getpos()[0], kind, csp_kind, raw, tag))

    def _srcset(self, value, csp_kind, tag):
        for candidate in (value or "").split(","):
            candidate = candidate.strip()
            if candidate:
                self._ref("resource", csp_kind, candidate.split()[0], tag)

    def _tag(self, tag, attrs, closed=False):
        line = self.getpos()[0]
        a = {}
        for name, value in attrs:
            a.setdefault(name.lower(), value)
        if "style" in a:
            self.inline.append((line, f"<{tag}> has a style=\"…\" attribute (inline style, blocked by the CSP)"))
        for name in a:
            if name.startswith("on"):
                self.inline.append((line, f"<{tag}> has an {name}=\"…\" handler (inline script, blocked by the CSP)"))
        if tag == "svg" and not closed:
            self.in_svg += 1
        if tag in ("video", "audio") and not closed:
            self.media_depth += 1

        if tag == "style":
            self.inline.append((line, "<style> element (inline style, blocked by the CSP)"))
        elif tag == "script":
            if a.get("src"):
                self._ref("resource", "script", a.get("src"), tag)
            elif not (a.get("type") or "").lower().endswith("json"):
                self.inline.append((line, "inline <script> without src (blocked by the CSP)"))
        elif tag in ("a", "area"):
            self._ref("link", None, a.get("href"), tag)
        elif tag == "link":
            rel = (a.get("rel") or "").lower().split()
            href = a.get("href")
            if "stylesheet" in rel:
                self._ref("resource", "style", href, tag)
            elif "icon" in rel or "apple-touch-icon" in rel or "mask-icon" in rel:
                self._ref("resource", "img", href, tag)
            elif "manifest" in rel:
                self._ref("resource", "manifest", href, tag)
            elif rel and all(r in ("dns-prefetch", "preconnect") for r in rel):
                pass
            else:
                self._ref("link", None, href, tag)
            if "canonical" in rel and href:
                self.canonical = href.strip()
            if "alternate" in rel and "xml" in (a.get("type") or "") and href:
                self.feeds.append(href.strip())
        elif tag == "img" or (tag == "input" and (a.get("type") or "").lower() == "image"):
            self._ref("resource", "img", a.get("src"), tag)
            self._srcset(a.get("srcset"), "img", tag)
        elif tag == "source":
            kind = "media" if self.media_depth else "img"
            self._ref("resource", kind, a.get("src"), tag)
            self._srcset(a.get("srcset"), kind, tag)
        elif tag in ("video", "audio", "track"):
            self._ref("resource", "media", a.get("src"), tag)
            self._ref("resource", "img", a.get("poster"), tag)
        elif tag in ("iframe", "frame"):
            self._ref("resource", "frame", a.get("src"), tag)
            if not a.get("src"):
                self.inline.append((line, f"<{tag}> (frames are blocked by the CSP)"))
        elif tag == "object":
            self._ref("resource", "object", a.get("data"), tag)
        elif tag == "embed":
            self._ref("resource", "object", a.get("src"), tag)
        elif tag == "form":
            self._ref("form", "form", a.get("action") or "", tag)
            if not a.get("action"):
                self.refs.append((line, "form", "form", "", tag))
        elif tag == "base":
            self._ref("base", "base", a.get("href"), tag)
        elif tag == "image" and self.in_svg:
            self._ref("resource", "img", a.get("href") or a.get("xlink:href"), tag)


class Crawler:
    def __init__(self, base, public_base, root):
        self.base = base
        self.public_base = public_base
        self.root = root
        self.seen = {}        # url -> first referrer (display string)
        self.queue = []
        self.failures = {}    # url -> [messages]
        self.checked = []     # urls in order
        self.external = set()
        self.page_404 = None
        self.page_csp = None

    # ---- URLs ----------------------------------------------------------

    def show(self, url):
        p = urllib.parse.urlsplit(url)
        if origin(url) == origin(self.base):
            return p.path + ("?" + p.query if p.query else "")
        return url

    def to_public(self, url):
        if self.public_base and url.startswith(self.base):
            return self.public_base + url[len(self.base):]
        return url

    def to_test(self, public_url):
        """Maps a URL of the public site onto the test server, or None."""
        if self.public_base and public_url.startswith(self.public_base):
            return self.base + public_url[len(self.public_base):]
        if public_url.startswith(self.base):
            return public_url
        return None

    def resolve(self, raw, page_url):
        """(test URL or None, public URL, message or None) for a reference."""
        public_page = self.to_public(page_url)
        absolute = urllib.parse.urljoin(public_page, raw)
        absolute, _ = urllib.parse.urldefrag(absolute)
        scheme = urllib.parse.urlsplit(absolute).scheme.lower()
        if scheme not in ("http", "https"):
            return None, absolute, None
        absolute = quote_url(absolute)
        test = self.to_test(absolute)
        if test is not None:
            return test, absolute, None
        written_from_root = raw.startswith("/") and not raw.startswith("//")
        if written_from_root and origin(absolute) == origin(public_page):
            base_path = urllib.parse.urlsplit(self.public_base or self.base).path
            return None, absolute, f"link {raw} is outside the site's base path {base_path}"
        self.external.add(absolute)
        return None, absolute, None

    def add(self, url, referrer):
        if url not in self.seen:
            if len(self.seen) >= MAX_URLS:
                return
            self.seen[url] = referrer
            self.queue.append(url)

    def fail(self, url, message):
        self.failures.setdefault(url, []).append(message)

    # ---- checks --------------------------------------------------------

    def expected_types(self, url):
        path = urllib.parse.urlsplit(url).path
        if path.endswith("/"):
            return TYPES[".html"]
        ext = os.path.splitext(path.rsplit("/", 1)[-1])[1].lower()
        return TYPES.get(ext)

    def check_headers(self, url, resp, is_html):
        mt = resp.media_type()
        expected = self.expected_types(url)
        if not mt:
            self.fail(url, "no Content-Type")
        elif expected and mt not in expected:
            self.fail(url, f"Content-Type {resp.header('content-type')}, expected {' or '.join(expected)}")
        if mt in UTF8_TYPES and resp.charset() != "utf-8":
            self.fail(url, f"Content-Type {resp.header('content-type')} without charset=utf-8")
        elif resp.charset() not in (None, "utf-8"):
            self.fail(url, f"Content-Type {resp.header('content-type')}: charset is not utf-8")
        if (resp.header("x-content-type-options") or "").lower() != "nosniff":
            self.fail(url, "no X-Content-Type-Options: nosniff")
        if is_html:
            csp = resp.header("content-security-policy")
            if not csp:
                self.fail(url, "no Content-Security-Policy header")
            else:
                policy = parse_csp(csp)
                weak = [k for k in ("'unsafe-inline'", "'unsafe-eval'")
                        if any(k in (policy.get(d) or []) for d in policy)]
                if "default-src" not in policy or weak:
                    self.fail(url, "Content-Security-Policy is not strict (needs default-src, no "
                              f"'unsafe-inline' or 'unsafe-eval'): {csp}")
            if not resp.header("referrer-policy"):
                self.fail(url, "no Referrer-Policy header")

    def check_cache(self, url, resp, is_html):
        cc = resp.header("cache-control")
        max_age = cache_max_age(cc)
        name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]
        hashed = bool(HASHED.search(name))
        under_assets = url.startswith(self.base + "assets/")
        if hashed and under_assets:
            if max_age is None or max_age < 30 * 86400 or "no-cache" in (cc or "") or "no-store" in (cc or ""):
                self.fail(url, f"hashed asset without a long Cache-Control (got {cc!r})")
        elif max_age is not None and max_age > 3600:
            self.fail(url, f"Cache-Control {cc!r} keeps a file without a content hash in its name too long")
        if is_html and cc is None:
            self.fail(url, "page without Cache-Control (browsers would guess how long to keep it)")

    def check_gzip(self, url, resp):
        mt = resp.media_type()
        if mt not in TEXT_TYPES:
            return
        try:
            zresp = fetch(url, {"Accept-Encoding": "gzip"})
        except OSError as e:
            self.fail(url, f"gzip request failed: {e}")
            return
        enc = (zresp.header("content-encoding") or "").lower()
        if zresp.status != 200:
            self.fail(url, f"with Accept-Encoding: gzip the status is {zresp.status}")
            return
        if enc == "gzip":
            try:
                plain = gzip.decompress(zresp.body)
            except (OSError, EOFError) as e:
                self.fail(url, f"gzip body does not decompress: {e}")
                return
            if plain != resp.body:
                self.fail(url, "gzip body decompresses to other bytes than the plain file (stale .gz twin?)")
            if "accept-encoding" not in (zresp.header("vary") or "").lower():
                self.fail(url, "compressed response without Vary: Accept-Encoding")
            if mt == "text/html" and not zresp.header("content-security-policy"):
                self.fail(url, "compressed page without Content-Security-Policy")
        elif len(resp.body) >= GZIP_FROM:
            self.fail(url, f"{mt} of {len(resp.body)} bytes not compressed for Accept-Encoding: gzip")
        twin = self.disk_path(url)
        if twin and os.path.isfile(twin + ".gz"):
            with open(twin + ".gz", "rb") as f:
                if enc != "gzip" or zresp.body != f.read():
                    self.fail(url, "has a .gz twin on disk, but nginx did not send it (gzip_static)")

    def disk_files(self):
        """Paths (relative URLs) of the files under --root that nginx serves."""
        if not self.root:
            return []
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel_folder = os.path.relpath(folder, self.root)
            rel_folder = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
            for name in sorted(files):
                if name.startswith("."):
                    continue
                if name.endswith(".gz") and os.path.exists(os.path.join(folder, name[:-3])):
                    continue
                found.append(rel_folder + ("" if name == "index.html" else name))
        return found

    def disk_path(self, url):
        if not self.root or not url.startswith(self.base):
            return None
        rel = urllib.parse.unquote(urllib.parse.urlsplit(url).path[len(urllib.parse.urlsplit(self.base).path):])
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        return os.path.join(self.root, rel)

    def check_html(self, url, resp):
        try:
            text = resp.body.decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(url, f"page is not valid UTF-8: {e}")
            text = resp.body.decode("utf-8", "replace")
        parser = PageParser()
        parser.feed(text)
        parser.close()
        for line, message in parser.inline:
            self.fail(url, f"line {line}: {message}")
        policy = parse_csp(resp.header("content-security-policy"))
        public_page = self.to_public(url)
        for line, kind, csp_kind, raw, tag in parser.refs:
            test_url, public_url, problem = self.resolve(raw, url)
            if problem:
                self.fail(url, f"line {line}: <{tag}> {problem}")
            if csp_kind and policy and not csp_allows(policy, csp_kind, public_url, public_page):
                self.fail(url, f"line {line}: <{tag}> {raw}: blocked by the CSP ({csp_directive(policy, csp_kind)})")
            if test_url and kind in ("link", "resource"):
                self.add(test_url, self.show(url))
        return parser

    def check_css(self, url, resp, policy_source):
        text = resp.body.decode("utf-8", "replace")
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        refs = re.findall(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)", text)
        refs += [("", m) for m in re.findall(r"@import\s+['\"]([^'\"]+)['\"]", text)]
        policy = parse_csp(policy_source)
        for _, raw in refs:
            raw = raw.strip()
            if raw.startswith("#"):
                continue
            test_url, public_url, problem = self.resolve(raw, url)
            if problem:
                self.fail(url, problem)
            ext = os.path.splitext(urllib.parse.urlsplit(public_url).path)[1].lower()
            kind = "font" if ext in (".woff", ".woff2", ".ttf", ".otf", ".eot") else \
                "style" if ext == ".css" else "img"
            if policy and not csp_allows(policy, kind, public_url, self.to_public(self.base)):
                self.fail(url, f"{raw}: blocked by the CSP ({csp_directive(policy, kind)})")
            if test_url:
                self.add(test_url, self.show(url))

    def check_xml(self, url, resp):
        try:
            root = ET.fromstring(resp.body)
        except ET.ParseError as e:
            self.fail(url, f"XML does not parse: {e}")
            return
        locs = []
        if root.tag in (SITEMAP + "urlset", SITEMAP + "sitemapindex"):
            locs = [(e.text or "").strip() for e in root.iter(SITEMAP + "loc")]
            if not locs:
                self.fail(url, "sitemap without URLs")
        elif root.tag == ATOM + "feed":
            locs = [e.get("href", "").strip() for e in root.iter(ATOM + "link")]
            for entry in root.iter(ATOM + "entry"):
                if entry.find(ATOM + "link") is None:
                    self.fail(url, "feed entry without a link")
        elif root.tag == "rss":
            locs = [(e.text or "").strip() for e in root.iter("link")]
        for loc in locs:
            if not loc:
                self.fail(url, "empty URL")
                continue
            absolute = quote_url(urllib.parse.urldefrag(urllib.parse.urljoin(self.to_public(url), loc))[0])
            test_url = self.to_test(absolute)
            if test_url is None:
                self.fail(url, f"URL {loc} is not under the site's base_url {self.public_base or self.base}")
            else:
                self.add(test_url, self.show(url))

    def check(self, url):
        self.checked.append(url)
        try:
            resp = fetch(url)
        except OSError as e:
            self.fail(url, f"request failed: {e}")
            return
        if resp.status != 200:
            where = f" (linked from {self.seen[url]})" if self.seen.get(url) else ""
            loc = resp.header("location")
            self.fail(url, f"status {resp.status} {resp.reason}{' -> ' + loc if loc else ''}, expected 200{where}")
            return resp
        mt = resp.media_type()
        path = urllib.parse.urlsplit(url).path
        is_html = mt == "text/html" or (self.expected_types(url) == TYPES[".html"])
        self.check_headers(url, resp, is_html)
        self.check_cache(url, resp, is_html)
        self.check_gzip(url, resp)
        if is_html:
            self.check_html(url, resp)
            if self.page_csp is None:
                self.page_csp = resp.header("content-security-policy")
        elif mt == "text/css" or path.endswith(".css"):
            # What a stylesheet loads is governed by the policy of the page
            # that uses it.
            self.check_css(url, resp, self.page_csp)
        elif mt == "application/json" or path.endswith(".json"):
            try:
                json.loads(resp.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                self.fail(url, f"JSON does not parse: {e}")
        elif "xml" in mt or path.endswith(".xml"):
            if mt != "image/svg+xml":
                self.check_xml(url, resp)
        return resp

    def check_not_found(self, url, what):
        """A missing address: 404 with the site's 404 page."""
        self.checked.append(url)
        try:
            resp = fetch(url)
        except OSError as e:
            self.fail(url, f"request failed: {e}")
            return
        if resp.status != 404:
            self.fail(url, f"{what}: status {resp.status}, expected 404")
            return
        if self.page_404 is not None and resp.body != self.page_404:
            self.fail(url, f"{what}: 404 response is not the site's 404 page ({self.show(self.base)}404.html)")
        if resp.media_type() != "text/html" or resp.charset() != "utf-8":
            self.fail(url, f"{what}: Content-Type {resp.header('content-type')}, expected text/html; charset=utf-8")
        for h in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            if not resp.header(h):
                self.fail(url, f"{what}: 404 response without {h}")

    def check_hidden(self, url):
        self.checked.append(url)
        try:
            resp = fetch(url)
        except OSError as e:
            self.fail(url, f"request failed: {e}")
            return
        if resp.status not in (403, 404):
            self.fail(url, f"hidden file served (status {resp.status}), expected 403 or 404")

    def check_slashless(self, page_url):
        """/notices/x must send the reader to /notices/x/ (same host)."""
        url = page_url[:-1]
        self.checked.append(url)
        try:
            resp = fetch(url)
        except OSError as e:
            self.fail(url, f"request failed: {e}")
            return
        loc = resp.header("location")
        if resp.status not in (301, 302, 307, 308) or not loc:
            self.fail(url, f"status {resp.status} without the final slash, expected a redirect to {self.show(page_url)}")
            return
        target = urllib.parse.urljoin(url, loc)
        if target != page_url:
            self.fail(url, f"redirects to {loc}, expected {self.show(page_url)} on the same host and port")

    # ---- run ------------------------------------------------------------

    def run(self):
        # The site's 404 page, fetched directly.
        try:
            fetch(self.base)
        except OSError as e:
            print(f"{self.base}: cannot connect: {e}")
            print("0 passed, 1 failed")
            return 1

        url_404 = self.base + "404.html"
        self.seen[url_404] = "(the site's 404 page)"
        r = self.check(url_404)
        if r is not None and r.status == 200:
            self.page_404 = r.body

        if self.public_base is None:
            try:
                r = fetch(self.base)
                p = PageParser()
                p.feed(r.body.decode("utf-8", "replace"))
                if p.canonical and re.match(r"https?://", p.canonical):
                    self.public_base = p.canonical if p.canonical.endswith("/") else p.canonical + "/"
            except OSError:
                pass

        self.add(self.base, None)
        self.add(self.base + "sitemap.xml", None)
        while self.queue:
            url = self.queue.pop(0)
            self.check(url)

        # With --root: the published files no page, feed or sitemap links to
        # are checked too (and named, so that they can be linked).
        orphans = []
        for rel in self.disk_files():
            url = quote_url(self.base + rel)
            if url not in self.seen:
                orphans.append(url)
                self.add(url, None)
        while self.queue:
            url = self.queue.pop(0)
            self.check(url)
        if orphans:
            print(f"note: {len(orphans)} published files are not linked from any page, the feed or the sitemap: "
                  + ", ".join(self.show(u) for u in orphans[:10]) + (" …" if len(orphans) > 10 else ""),
                  file=sys.stderr)

        token = uuid.uuid4().hex[:12]
        self.check_not_found(self.base + f"tongbao-no-such-page-{token}/", "missing page")
        self.check_not_found(self.base + f"assets/no-such-{token}.css", "missing asset")
        self.check_not_found(self.base + "assets/", "folder without a page")
        self.check_hidden(self.base + ".tongbao")
        pages = sorted(u for u in self.seen if u.endswith("/") and u != self.base
                       and u.startswith(self.base) and u not in self.failures)
        if pages:
            self.check_slashless(pages[0])
        if urllib.parse.urlsplit(self.base).path != "/":
            self.check_slashless(self.base)

        failed = 0
        for url in self.checked:
            messages = self.failures.get(url)
            if messages:
                failed += 1
                for m in messages:
                    print(f"{self.show(url)}: {m}")
        passed = len(self.checked) - failed
        if self.external:
            print(f"({len(self.external)} external URLs not fetched)", file=sys.stderr)
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", help="where the site is served, e.g. http://127.0.0.1:18080/anwei/")
    ap.add_argument("--public-base", default=None,
                    help="the site's base_url (default: the home page's canonical link)")
    ap.add_argument("--root", default=None, help="the folder nginx serves (checks .gz twins)")
    args = ap.parse_args()
    base = args.base if args.base.endswith("/") else args.base + "/"
    public = args.public_base or None
    if public and not public.endswith("/"):
        public += "/"
    sys.exit(Crawler(quote_url(base), public and quote_url(public), args.root).run())


if __name__ == "__main__":
    main()
