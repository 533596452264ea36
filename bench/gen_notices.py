#!/usr/bin/env python3
"""Writes a deterministic tongbao site with N notices (and a few bulletins) for benchmarks.

Usage: bench/gen_notices.py N OUTPUT_DIR [--seed S] [--hugo]
The site has no ledgers beyond the reference data, so the time measured is the
documents' path: front matter, Markdown, templates, lists, feed and sitemap.

With --hugo it also writes OUTPUT_DIR/hugo/, a Hugo site over the SAME Markdown
bodies (front matter reduced to Hugo's YAML title and date), with a minimal
layout of our own (home, section lists, single pages, 404) and Hugo's default
RSS and sitemap, so `hugo -s OUTPUT_DIR/hugo -d OUT` does comparable work.
The tongbao files are byte-identical with or without --hugo.
"""
import argparse
import os
import json
import random

PHRASES = [
    "各乡镇、各部门要切实提高政治站位", "压紧压实安全生产责任", "深入开展隐患排查整治",
    "严格落实企业主体责任", "加强重点行业领域监管", "坚决遏制重特大事故发生",
    "持续推进专项整治三年行动", "建立问题隐患和制度措施两个清单", "强化执法检查和督导考核",
    "做好汛期和节假日安全防范", "确保全县安全生产形势持续稳定", "对发现的问题实行闭环管理",
]
SECTORS = ["危险化学品", "道路运输", "建筑施工", "消防", "城镇燃气", "特种设备", "非煤矿山", "校园安全"]


def paragraph(rng, sentences=4):
    return "，".join(rng.choice(PHRASES) for _ in range(sentences)) + "。"


def body(rng, index):
    parts = [paragraph(rng, 5), "", "## 一、工作目标", "", paragraph(rng), "", "## 二、重点任务", ""]
    for number in range(1, 4):
        parts.append(f"{number}. {rng.choice(SECTORS)}领域：{paragraph(rng, 2)}")
    parts += ["", "| 行业领域 | 检查企业 | 发现隐患 | 已整改 |", "|---|---|---|---|"]
    for sector in rng.sample(SECTORS, 4):
        found = rng.randint(5, 60)
        parts.append(f"| {sector} | {rng.randint(3, 40)} | {found} | {rng.randint(0, found)} |")
    parts += ["", "## 三、有关要求", "", paragraph(rng, 6),
              f"详见 [第{index % 50 + 1}期简报](/bulletins/{index % 5 + 1}/)，材料请报县安委办。", ""]
    return "\n".join(parts)


HUGO_CONFIG = """baseURL = "https://bench.example.gov.cn/"
languageCode = "zh-cn"
title = "基准县安全生产委员会办公室"
uglyURLs = false
# The corpus runs to the end of 2026 (tongbao's as_of); without this Hugo skips future-dated pages.
buildFuture = true
hasCJKLanguage = true
# Hugo's defaults, spelled out: RSS for home and sections, a sitemap, no robots.txt.
disableKinds = []
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ .Site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time></p>
{{ .Content }}
</article>
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range first 20 (where .Site.RegularPages.ByDate.Reverse "Section" "notices") }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
{{ end }}
""",
    "404.html": """{{ define "main" }}
<h1>页面不存在</h1>
<p><a href="{{ "/" | relURL }}">返回首页</a></p>
{{ end }}
""",
}


def write_hugo_site(root):
    """The config and layouts of the Hugo twin; the pages are written beside the tongbao ones."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        path = os.path.join(root, "layouts", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    for section, title in [("notices", "通知公告"), ("bulletins", "工作简报")]:
        os.makedirs(os.path.join(root, "content", section), exist_ok=True)
        with open(os.path.join(root, "content", section, "_index.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n")


def write_hugo_page(root, section, name, title, date, text):
    # JSON strings are valid YAML scalars, so any title quotes safely.
    with open(os.path.join(root, "content", section, name), "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\n---\n{text}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", action="store_true", help="also write the same bodies as a Hugo site in OUTPUT_DIR/hugo/")
    args = parser.parse_args()
    hugo = os.path.join(args.output, "hugo") if args.hugo else None
    if hugo:
        write_hugo_site(hugo)
    rng = random.Random(args.seed)
    content = os.path.join(args.output, "content")
    for folder in ["data", "notices", "bulletins"]:
        os.makedirs(os.path.join(content, folder), exist_ok=True)
    with open(os.path.join(content, "site.yml"), "w", encoding="utf-8") as f:
        f.write("title: 基准县安全生产委员会办公室\nissuer: 基准县安全生产委员会办公室\n"
                "doc_prefix: 安委办\nbase_url: https://bench.example.gov.cn/\nas_of: 2026-12-31\n")
    numbers = {}
    for index in range(args.count):
        year = 2016 + index * 11 // max(args.count, 1)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        numbers[year] = numbers.get(year, 0) + 1
        name = f"{year}-{month:02d}-{day:02d}-n{index}.md"
        meeting = ""
        if index % 7 == 0:
            meeting = (f"meeting:\n  start: {year}-{month:02d}-{day:02d} 09:30\n  place: 县政府{rng.randint(1, 5)}楼会议室\n"
                       "  attendees: 各乡镇分管负责人\n")
        title = f"关于做好{rng.choice(SECTORS)}领域安全生产工作的通知（{index}）"
        date = f"{year}-{month:02d}-{day:02d}"
        with open(os.path.join(content, "notices", name), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: {title}\n"
                    f"date: {date}\ndoc_no: {numbers[year]}\n"
                    f"to: 各乡镇人民政府，县安委会各成员单位\ncc: [县委办公室, 县政府办公室]\n{meeting}---\n")
            text = body(rng, index)
            f.write(text)
        if hugo:
            write_hugo_page(hugo, "notices", name, title, date, text)
    for issue in range(1, 6):
        text = body(rng, issue)
        with open(os.path.join(content, "bulletins", f"b{issue}.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 专项整治工作动态\nissue: {issue}\ndate: 2026-0{issue}-15\n---\n{text}")
        if hugo:
            write_hugo_page(hugo, "bulletins", f"b{issue}.md", f"专项整治工作动态（第{issue}期）", f"2026-0{issue}-15", text)


if __name__ == "__main__":
    main()
