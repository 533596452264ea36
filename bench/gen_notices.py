#!/usr/bin/env python3
"""Writes a deterministic tongbao site with N notices (and a few bulletins) for benchmarks.

Usage: bench/gen_notices.py N OUTPUT_DIR [--seed S]
The site has no ledgers beyond the reference data, so the time measured is the
documents' path: front matter, Markdown, templates, lists, feed and sitemap.
"""
import argparse
import os
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
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
        with open(os.path.join(content, "notices", name), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 关于做好{rng.choice(SECTORS)}领域安全生产工作的通知（{index}）\n"
                    f"date: {year}-{month:02d}-{day:02d}\ndoc_no: {numbers[year]}\n"
                    f"to: 各乡镇人民政府，县安委会各成员单位\ncc: [县委办公室, 县政府办公室]\n{meeting}---\n")
            f.write(body(rng, index))
    for issue in range(1, 6):
        with open(os.path.join(content, "bulletins", f"b{issue}.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 专项整治工作动态\nissue: {issue}\ndate: 2026-0{issue}-15\n---\n{body(rng, issue)}")


if __name__ == "__main__":
    main()
