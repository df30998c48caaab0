"""Jargon check speed: 10,000 drafts through cio-coach, beside proselint, alex and write-good.

    python -m bench.bench_jargon [--drafts N] [--anchor-seconds S]

Prints drafts per second and the median time for one draft, in process, for our checker
and for each anchor run on the same drafts in the same run (each anchor in its own
process, timed per draft inside it, so start-up is not counted against it); then the
throughput ratios. Also times `cio-coach check --jsonl` over all drafts, process start
included, and each tool's own command line over --cli-drafts drafts in one invocation
(start-up included, as a script or CI job would run it). Anchors come from
`sh bench/anchors/setup.sh` (installed in bench/.anchors/); a missing anchor is reported
and skipped. Slow anchors stop after --anchor-seconds and
their figures are over the drafts they got through.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ANCHORS = HERE / ".anchors"
DEV_DRAFTS = REPO.parent / "shared" / "eval" / "drafts_dev.jsonl"
FALLBACK_DRAFTS = [
    "Hi all, the ERP go-live slipped a week because the API to the MES keeps timing out.",
    "Quick update for finance: the new invoice screen is ready on Monday.",
    "The VPN gateway is flapping; we are failing over to the secondary node.",
    "We refactored the microservices and containerized them on Kubernetes.",
    "Let's circle back offline and leverage our synergies to move the needle.",
    "Our new manufacturing execution system (MES) goes live next month.",
]

PROSELINT_SCRIPT = r"""
import json, statistics, sys, time
from proselint.checks import __register__
from proselint.config import DEFAULT
from proselint.registry import CheckRegistry
from proselint.tools import LintFile
CheckRegistry().register_many(__register__)
budget = float(sys.argv[2]); times = []; start = time.perf_counter()
for line in open(sys.argv[1], encoding="utf-8"):
    text = json.loads(line)["text"]
    t = time.perf_counter(); LintFile("<draft>", text).lint(DEFAULT)
    times.append(time.perf_counter() - t)
    if time.perf_counter() - start > budget:
        break
print(json.dumps({"n": len(times), "total": sum(times), "median": statistics.median(times)}))
"""

NODE_SCRIPT = r"""
import {readFileSync} from 'node:fs'
import {text as alexText} from 'alex'
import writeGood from 'write-good'
const [file, which, budget] = process.argv.slice(2)
const run = which === 'alex' ? (t) => alexText(t) : (t) => writeGood(t)
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
const times = []
const start = process.hrtime.bigint()
for (const line of lines) {
  const text = JSON.parse(line).text
  const t = process.hrtime.bigint(); run(text)
  times.push(Number(process.hrtime.bigint() - t) / 1e9)
  if (Number(process.hrtime.bigint() - start) / 1e9 > Number(budget)) break
}
const sorted = [...times].sort((a, b) => a - b)
const mid = Math.floor(sorted.length / 2)
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
console.log(JSON.stringify({n: times.length, total: times.reduce((a, b) => a + b, 0), median}))
"""


def make_drafts(count: int) -> list[str]:
    base = FALLBACK_DRAFTS
    if DEV_DRAFTS.is_file():
        base = [json.loads(line)["text"] for line in DEV_DRAFTS.open(encoding="utf-8")
                if line.strip()]
    return [f"{base[i % len(base)]} (note {i})" for i in range(count)]


def time_ours(drafts: list[str]) -> dict:
    from bot.jargon import check, default_checker

    checker = default_checker()  # compiled once, as in a long-running process
    times = []
    for text in drafts:
        t = time.perf_counter()
        check(text, checker=checker)
        times.append(time.perf_counter() - t)
    return {"n": len(times), "total": sum(times), "median": statistics.median(times)}


def time_cli(path: Path, count: int) -> float | None:
    cli = shutil.which("cio-coach", path=str(Path(sys.executable).parent))
    if not cli:
        return None
    t = time.perf_counter()
    with path.open("rb") as fh:
        proc = subprocess.run([cli, "check", "--jsonl"], stdin=fh, capture_output=True)
    wall = time.perf_counter() - t
    lines = proc.stdout.count(b"\n")
    return wall if lines == count else None


def run_anchor(name: str, path: Path, budget: float) -> dict | str:
    if name == "proselint":
        python = ANCHORS / "venv" / "bin" / "python"
        if not python.exists():
            return "not installed (sh bench/anchors/setup.sh)"
        cmd = [str(python), "-c", PROSELINT_SCRIPT, str(path), str(budget)]
        cwd = None
    else:
        node_dir = ANCHORS / "node"
        node = shutil.which("node")
        if not node or not (node_dir / "node_modules" / name).is_dir():
            return "not installed (sh bench/anchors/setup.sh)"
        script = node_dir / "run_anchor.mjs"
        script.write_text(NODE_SCRIPT, encoding="utf-8")
        cmd = [node, str(script), str(path), name, str(budget)]
        cwd = node_dir
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                          timeout=budget + 300)
    if proc.returncode != 0:
        return f"failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else '?'}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cli_commands(files: list[str]) -> dict[str, list[str] | None]:
    node_bin = ANCHORS / "node" / "node_modules" / ".bin"
    proselint = ANCHORS / "venv" / "bin" / "proselint"
    return {
        "proselint": [str(proselint), "check", *files] if proselint.exists() else None,
        "alex": [str(node_bin / "alex"), "--text", "--quiet", *files]
        if (node_bin / "alex").exists() else None,
        "write-good": [str(node_bin / "write-good"), *files]
        if (node_bin / "write-good").exists() else None,
    }


def time_cli_batch(drafts: list[str], tmp: Path) -> None:
    """Each tool's own command line over the same drafts in one invocation, start-up included."""
    folder = tmp / "files"
    folder.mkdir()
    files = []
    for n, text in enumerate(drafts):
        path = folder / f"d{n:05d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        files.append(str(path))
    jsonl = tmp / "batch.jsonl"
    jsonl.write_text("".join(json.dumps({"text": d}) + "\n" for d in drafts), encoding="utf-8")
    ours = time_cli(jsonl, len(drafts))
    if ours is None:
        print("cio-coach CLI not found; batch comparison skipped")
        return
    print(f"command lines over {len(drafts):,} drafts, one invocation each, start-up included:")
    print(f"  {'cio-coach':<12} {ours:>7.2f} s  {len(drafts) / ours:>9,.0f} drafts/s")
    for name, cmd in cli_commands(files).items():
        if cmd is None:
            print(f"  {name:<12} not installed (sh bench/anchors/setup.sh)")
            continue
        t = time.perf_counter()
        try:
            subprocess.run(cmd, capture_output=True, timeout=600, cwd=tmp)
        except subprocess.TimeoutExpired:
            print(f"  {name:<12} over 600 s")
            continue
        wall = time.perf_counter() - t
        print(f"  {name:<12} {wall:>7.2f} s  {len(drafts) / wall:>9,.0f} drafts/s  "
              f"(cio-coach {wall / ours:,.1f}x faster)")


def row(name: str, r: dict) -> str:
    rate = r["n"] / r["total"] if r["total"] else float("inf")
    return (f"{name:<12} {r['n']:>7,} drafts  {rate:>12,.0f} drafts/s  "
            f"median {r['median'] * 1000:>9.3f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=10_000)
    ap.add_argument("--anchor-seconds", type=float, default=30.0,
                    help="stop each anchor after this much checking time")
    ap.add_argument("--cli-drafts", type=int, default=1000,
                    help="drafts for the command-line comparison (0 to skip it)")
    args = ap.parse_args(argv if argv is not None else [])
    drafts = make_drafts(args.drafts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "drafts.jsonl"
        path.write_text("".join(json.dumps({"text": d}) + "\n" for d in drafts),
                        encoding="utf-8")
        ours = time_ours(drafts)
        print(row("cio-coach", ours))
        wall = time_cli(path, len(drafts))
        if wall is not None:
            print(f"{'':<12} check --jsonl over {len(drafts):,} drafts: {wall:.2f} s wall, "
                  f"{wall / len(drafts) * 1000:.3f} ms/draft with process start and I/O")
        our_rate = ours["n"] / ours["total"]
        rates = {}
        for name in ("proselint", "alex", "write-good"):
            result = run_anchor(name, path, args.anchor_seconds)
            if isinstance(result, str):
                print(f"{name:<12} {result}")
                continue
            print(row(name, result))
            rates[name] = result["n"] / result["total"]
        for name, rate in rates.items():
            print(f"throughput cio-coach / {name}: {our_rate / rate:,.1f}x")
        if rates:
            fastest = max(rates, key=rates.get)
            ratio = our_rate / rates[fastest]
            verdict = "meets" if ratio >= 10 else "misses"
            print(f"fastest anchor: {fastest}; cio-coach is {ratio:,.1f}x its throughput "
                  f"({verdict} the 10x target)")
        median_ms = ours["median"] * 1000
        print(f"median per draft {median_ms:.3f} ms "
              f"({'meets' if median_ms < 1 else 'misses'} the < 1 ms target)")
        if args.cli_drafts:
            time_cli_batch(drafts[:args.cli_drafts], Path(tmp))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
