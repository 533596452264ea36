#!/usr/bin/env python3
"""Writes a deterministic tongbao site with large ledgers for benchmarks.

Usage: bench/gen_ledger.py HAZARDS OUTPUT_DIR [--seed S] [--years Y]
Scales the other ledgers with HAZARDS: inspections = HAZARDS/5,
penalties = HAZARDS/30, accidents = HAZARDS/200, enterprises = HAZARDS/50,
30 regions. Hazards go into one file per year (data/hazards/YYYY.yml).
"""
import argparse
import datetime
import os
import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
METHODS = ["四不两直", "暗访", "明察", "交叉执法", "专项检查", "日常检查"]
ACTIONS = ["罚款", "警告", "责令改正", "停产整顿", "关闭", "取缔", "移送司法"]
SECTORS = [("weihua", "危险化学品"), ("feimei", "非煤矿山"), ("xiaofang", "消防"), ("daolu", "道路运输"),
           ("jianzhu", "建筑施工"), ("ranqi", "城镇燃气"), ("tezhong", "特种设备"), ("gongmao", "工贸")]
PROBLEMS = ["可燃气体报警器失效", "安全出口堵塞", "消防设施未定期检测", "特种作业人员无证上岗", "脚手架连墙件缺失",
            "配电箱未接地", "有限空间作业未审批", "粉尘清扫制度未落实", "应急预案未演练", "安全警示标志缺失"]


def credit_code(rng):
    while True:
        body = "9135" + "".join(rng.choice("0123456789") for _ in range(4)) + rng.choice("MAB") + \
               "".join(rng.choice(ALPHABET) for _ in range(8))
        total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
        return body + ALPHABET[(31 - total % 31) % 31]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hazards", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    content = os.path.join(args.output, "content")
    data = os.path.join(content, "data")
    os.makedirs(os.path.join(data, "hazards"), exist_ok=True)
    end = datetime.date(2026, 11, 25)
    start = datetime.date(end.year - args.years + 1, 1, 1)
    span = (end - start).days

    def day():
        return start + datetime.timedelta(days=rng.randrange(span + 1))

    with open(os.path.join(content, "site.yml"), "w", encoding="utf-8") as f:
        f.write("title: 基准市安全生产委员会办公室\nissuer: 基准市安全生产委员会办公室\ndoc_prefix: 安委办\n"
                f"base_url: https://bench.example.gov.cn/\nas_of: {end}\n")
    regions = [f"r{i:02d}" for i in range(30)]
    with open(os.path.join(data, "regions.yml"), "w", encoding="utf-8") as f:
        for i, rid in enumerate(regions):
            f.write(f"- id: {rid}\n  name: 第{i + 1}镇\n  kind: 镇\n")
    with open(os.path.join(data, "departments.yml"), "w", encoding="utf-8") as f:
        f.write("- id: yingji\n  name: 市应急管理局\n- id: jiaotong\n  name: 市交通运输局\n")
    with open(os.path.join(data, "sectors.yml"), "w", encoding="utf-8") as f:
        for sid, name in SECTORS:
            f.write(f"- id: {sid}\n  name: {name}\n  lead: {'jiaotong' if sid == 'daolu' else 'yingji'}\n")
    enterprises = [f"E{i:05d}" for i in range(max(10, args.hazards // 50))]
    with open(os.path.join(data, "enterprises.yml"), "w", encoding="utf-8") as f:
        for eid in enterprises:
            f.write(f"- id: {eid}\n  name: 基准{eid}有限公司\n  credit_code: {credit_code(rng)}\n"
                    f"  region: {rng.choice(regions)}\n  sector: {rng.choice(SECTORS)[0]}\n")
    inspections = []
    with open(os.path.join(data, "inspections.yml"), "w", encoding="utf-8") as f:
        for i in range(max(1, args.hazards // 5)):
            d = day()
            iid = f"JC-{i:06d}"
            inspections.append((iid, d))
            f.write(f"- id: {iid}\n  date: {d}\n  department: yingji\n  method: {rng.choice(METHODS)}\n"
                    f"  enterprises: [{', '.join(rng.sample(enterprises, 2))}]\n")
    by_year = {}
    for i in range(args.hazards):
        iid, found = rng.choice(inspections)
        deadline = found + datetime.timedelta(days=rng.randint(7, 60))
        rectified = found + datetime.timedelta(days=rng.randint(1, 70))
        level = "重大" if rng.random() < 0.05 else "一般"
        lines = [f"- id: YH-{i:07d}", f"  enterprise: {rng.choice(enterprises)}", f"  found: {found}",
                 f"  description: {rng.choice(PROBLEMS)}", f"  level: {level}", f"  deadline: {deadline}"]
        if rectified <= end and rng.random() < 0.93:
            lines.append(f"  rectified: {rectified}")
        if level == "重大" and rng.random() < 0.4:
            lines.append("  supervised: true")
        lines.append(f"  inspection: {iid}")
        by_year.setdefault(found.year, []).append("\n".join(lines) + "\n")
    for year, rows in sorted(by_year.items()):
        with open(os.path.join(data, "hazards", f"{year}.yml"), "w", encoding="utf-8") as f:
            f.writelines(rows)
    with open(os.path.join(data, "penalties.yml"), "w", encoding="utf-8") as f:
        for i in range(max(1, args.hazards // 30)):
            d = day()
            actions = rng.sample(ACTIONS, rng.randint(1, 2))
            fine = f"  fine: {rng.randint(1, 50) * 1000}\n" if "罚款" in actions else ""
            f.write(f"- id: CF-{i:06d}\n  enterprise: {rng.choice(enterprises)}\n  date: {d}\n"
                    f"  decision_no: 市应急罚〔{d.year}〕{i + 1}号\n  violation: 未落实安全生产责任\n"
                    f"  basis: 《中华人民共和国安全生产法》第九十九条\n  actions: [{', '.join(actions)}]\n{fine}")
    with open(os.path.join(data, "accidents.yml"), "w", encoding="utf-8") as f:
        for i in range(max(1, args.hazards // 200)):
            f.write(f"- id: SG-{i:05d}\n  date: {day()}\n  region: {rng.choice(regions)}\n"
                    f"  sector: {rng.choice(SECTORS)[0]}\n  summary: 生产安全事故\n  deaths: {rng.choice([0, 0, 0, 1, 1, 2, 3])}\n"
                    f"  serious_injuries: {rng.choice([0, 0, 1, 2, 10])}\n  direct_loss: {rng.randint(1, 20000) / 10}\n")


if __name__ == "__main__":
    main()
