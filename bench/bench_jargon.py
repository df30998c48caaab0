"""Jargon check speed and quality, beside proselint, alex and write-good.

    python -m bench.bench_jargon [--drafts N] [--anchor-seconds S] [--cli-drafts N]

Quality: on every labelled set found (the dev set, tests/data/drafts_real*.jsonl and
tests/data/drafts_blind*.jsonl), recall, precision and the number of must-not-flag terms
hit, for cio-coach and for each anchor's own findings on the same drafts, scored as
../shared/eval/score.py scores them (a finding counts for a term when their spans overlap).
cio-coach checks each draft for the readers it was labelled for (its "audience": finance
knows GL); "(general)" is cio-coach with every draft checked for general readers, as
score.py's plain `check --jsonl` does.

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
import os
import random
import re
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

RACE_ROUNDS = 3
DEV_PASSES = 200  # checks of each development draft for the in-process median
DEV_ROUNDS = 5  # fresh processes of each kind, in turn: other sessions' load comes and goes
BOOTSTRAP_ROUNDS = 2000
SET_GLOBS = ("tests/data/drafts_real*.jsonl", "tests/data/drafts_blind*.jsonl")

# Each anchor, run over a JSONL file of drafts, prints one JSON list of [start, end] spans
# per draft: the findings the tool would show a writer.
PROSELINT_SPANS = r"""
import json, sys
from proselint.checks import __register__
from proselint.config import DEFAULT
from proselint.registry import CheckRegistry
from proselint.tools import LintFile
CheckRegistry().register_many(__register__)
for line in open(sys.argv[1], encoding="utf-8"):
    text = json.loads(line)["text"]
    spans = [list(r.check_result.span) for r in LintFile("<draft>", text).lint(DEFAULT)]
    print(json.dumps(spans))
"""

NODE_SPANS = r"""
import {readFileSync} from 'node:fs'
import {text as alexText} from 'alex'
import writeGood from 'write-good'
const [file, which] = process.argv.slice(2)
for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
  const text = JSON.parse(line).text
  const spans = which === 'alex'
    ? alexText(text).messages.filter(m => m.position)
        .map(m => [m.position.start.offset, m.position.end.offset])
    : writeGood(text).map(s => [s.index, s.index + s.offset])
  console.log(JSON.stringify(spans))
}
"""

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


def time_dev_drafts(passes: int = DEV_PASSES) -> dict:
    """The issue's in-process figure: the development drafts as written, checked `passes`
    times over after one pass to warm up, every check timed; with whether the check ran
    compiled (scripts/compile_jargon.py) or as plain Python."""
    from bot.jargon.compiled import running_compiled

    drafts = [json.loads(line)["text"] for line in DEV_DRAFTS.open(encoding="utf-8")
              if line.strip()] if DEV_DRAFTS.is_file() else list(FALLBACK_DRAFTS)
    time_ours(drafts)
    result = time_ours(drafts * passes)
    return {**result, "compiled": running_compiled()}


def compiled_against_pure(rounds: int = DEV_ROUNDS) -> None:
    """time_dev_drafts compiled and as plain Python, each in a fresh process, in turn."""
    from bot.jargon.compiled import PURE_PYTHON_ENV

    medians: dict[str, list[float]] = {"compiled": [], "plain Python": []}
    for _ in range(rounds):
        for mode in medians:
            env = {k: v for k, v in os.environ.items() if k != PURE_PYTHON_ENV}
            if mode == "plain Python":
                env[PURE_PYTHON_ENV] = "1"
            proc = subprocess.run([sys.executable, "-m", "bench.bench_jargon", "--dev-timing"],
                                  capture_output=True, text=True, cwd=REPO, env=env)
            result = json.loads(proc.stdout) if proc.returncode == 0 else None
            if result is None or (mode == "compiled") != result["compiled"]:
                print(f"development drafts, {mode}: not available "
                      f"{'(make compile)' if mode == 'compiled' else proc.stderr[-200:]}")
                return
            medians[mode].append(result["median"] * 1000)
    compiled, plain = (statistics.median(v) for v in medians.values())
    rounds_text = ", ".join(f"{a:.3f}/{b:.3f}" for a, b in zip(*medians.values(), strict=True))
    verdict = "meets" if compiled <= 0.2 else "misses"
    best = min(medians["compiled"])
    print(f"development drafts as written, median per draft, {rounds} rounds in turn "
          f"(fresh process each): compiled {compiled:.3f} ms, plain Python {plain:.3f} ms "
          f"(medians of the rounds; {plain / compiled:.2f}x; compiled at best {best:.3f} ms; "
          f"rounds compiled/plain {rounds_text}); {verdict} the <= 0.2 ms target")


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


def labelled_sets() -> list[Path]:
    found = [DEV_DRAFTS] if DEV_DRAFTS.is_file() else []
    for pattern in SET_GLOBS:
        found += sorted(REPO.glob(pattern))
    return found


def _spans(text: str, term: str) -> list[tuple[int, int]]:
    out, at = [], text.find(term)
    while at >= 0:
        out.append((at, at + len(term)))
        at = text.find(term, at + 1)
    return out


def score(rows: list[dict], found: list[list[tuple[int, int]]]) -> dict:
    """Recall, precision and must-not-flag hits, as ../shared/eval/score.py counts them."""
    tp = fn = fp = total = ok_hits = 0
    for row, spans in zip(rows, found, strict=True):
        text = row["text"]
        labelled = [s for t in row["flag"] + row["either"] for s in _spans(text, t)]
        total += len(spans)
        for term in row["flag"]:
            hit = any(a < f[1] and f[0] < b for a, b in _spans(text, term) for f in spans)
            tp, fn = tp + hit, fn + (not hit)
        fp += sum(not any(f[0] < b and a < f[1] for a, b in labelled) for f in spans)
        ok_hits += sum(any(a < f[1] and f[0] < b for a, b in _spans(text, t) for f in spans)
                       for t in row.get("ok", []))
    return {"recall": tp / (tp + fn) if tp + fn else 1.0,
            "precision": (total - fp) / total if total else 1.0, "ok_flagged": ok_hits,
            "findings": total}


def hits_per_draft(rows: list[dict], found: list[list[tuple[int, int]]]
                    ) -> list[tuple[float, int]]:
    """(flagged terms found, flagged terms) for each draft: recall, draft by draft."""
    return [(score([row], [spans])["recall"] * len(row["flag"]), len(row["flag"]))
            for row, spans in zip(rows, found, strict=True)]


def recall(hits: list[tuple[float, int]]) -> float:
    found, total = (sum(column) for column in zip(*hits, strict=True))
    return found / total if total else 1.0


def gap_interval(tuned: list[tuple[float, int]], blind: list[tuple[float, int]],
                 rounds: int = BOOTSTRAP_ROUNDS, seed: int = 1) -> tuple[float, float]:
    """A 95% interval for recall(tuned) - recall(blind), resampling each set's drafts."""
    rng = random.Random(seed)
    gaps = sorted(recall(rng.choices(tuned, k=len(tuned)))
                  - recall(rng.choices(blind, k=len(blind))) for _ in range(rounds))
    return gaps[int(0.025 * rounds)], gaps[int(0.975 * rounds) - 1]


def our_spans(rows: list[dict], *, own_audience: bool = True) -> list[list[tuple[int, int]]]:
    """Our findings; with `own_audience`, each draft checked for the readers it was
    written and labelled for (its "audience"), as `check --audience` would."""
    from bot.jargon import check, default_checker

    checker = default_checker()
    return [[(f.start, f.end) for f in check(
        r["text"], checker=checker, audience=r.get("audience") if own_audience else None
    ).findings] for r in rows]


def anchor_spans(name: str, path: Path) -> list[list[tuple[int, int]]] | str:
    if name == "proselint":
        python = ANCHORS / "venv" / "bin" / "python"
        if not python.exists():
            return "not installed"
        cmd, cwd = [str(python), "-c", PROSELINT_SPANS, str(path)], None
    else:
        node_dir = ANCHORS / "node"
        node = shutil.which("node")
        if not node or not (node_dir / "node_modules" / name).is_dir():
            return "not installed"
        script = node_dir / "anchor_spans.mjs"
        script.write_text(NODE_SPANS, encoding="utf-8")
        cmd, cwd = [node, str(script), str(path), name], node_dir
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)
    if proc.returncode != 0:
        return "failed"
    return [[tuple(s) for s in json.loads(line)] for line in proc.stdout.splitlines()]


def report_quality(tmp: Path) -> None:
    """Each labelled set: our figures and each anchor's on the same drafts."""
    print("quality (recall / precision / must-not-flag terms hit / findings):")
    ours: dict[str, tuple[list[dict], list[list[tuple[int, int]]]]] = {}
    for path in labelled_sets():
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        texts = tmp / f"{path.stem}.jsonl"
        texts.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in rows),
                         encoding="utf-8")
        print(f"  {path.name} ({len(rows)} drafts)")
        results = {"cio-coach": our_spans(rows),
                   "(general)": our_spans(rows, own_audience=False)}
        ours[path.stem] = rows, results["cio-coach"]
        for name in ("proselint", "alex", "write-good"):
            results[name] = anchor_spans(name, texts)
        for name, spans in results.items():
            if isinstance(spans, str):
                print(f"    {name:<12} {spans}")
                continue
            q = score(rows, spans)
            print(f"    {name:<12} recall {q['recall']:.3f}  precision {q['precision']:.3f}  "
                  f"must-not-flag {q['ok_flagged']:>3}  findings {q['findings']:>4}")
        print(f"    {'rewrites':<12} {rewrite_safety(rows)}")
    report_gaps(ours)


def report_gaps(ours: dict[str, tuple[list[dict], list[list[tuple[int, int]]]]]) -> None:
    """Tuned against never tuned, pooled where several sets were made the same way: the
    developer's real-style set against the issue's blind set, and the sets helpers wrote
    and labelled that were tuned on against those never tuned on."""
    def pooled(names: list[str]) -> tuple[list[dict], list[list[tuple[int, int]]]]:
        return ([row for n in names for row in ours[n][0]],
                [spans for n in names for spans in ours[n][1]])

    helpers_tuned = sorted(n for n in ours if re.fullmatch(r"drafts_real\d+", n))
    blind = sorted(n for n in ours if re.fullmatch(r"drafts_blind\d+", n))
    pairs = [("drafts_real", ["drafts_real"], "drafts_blind3", ["drafts_blind3"]),
             ("helpers' tuning sets", helpers_tuned, "blind sets", blind)]
    print(f"tuned against never tuned, cio-coach (95% interval of the recall gap from "
          f"{BOOTSTRAP_ROUNDS} resamplings of the drafts):")
    for tuned_name, tuned, blind_name, never in pairs:
        if not tuned or not never or not set(tuned + never) <= set(ours):
            continue
        (rows_a, spans_a), (rows_b, spans_b) = pooled(tuned), pooled(never)
        a, b = score(rows_a, spans_a), score(rows_b, spans_b)
        hits_a, hits_b = hits_per_draft(rows_a, spans_a), hits_per_draft(rows_b, spans_b)
        low, high = gap_interval(hits_a, hits_b)
        print(f"  {tuned_name} ({len(rows_a)} drafts) {a['recall']:.3f} / {a['precision']:.3f}"
              f"  vs  {blind_name} ({len(rows_b)} drafts) {b['recall']:.3f} / "
              f"{b['precision']:.3f}:  recall gap {a['recall'] - b['recall']:+.3f} "
              f"[{low:+.3f}, {high:+.3f}], precision gap {a['precision'] - b['precision']:+.3f}")


def rewrite_safety(rows: list[dict]) -> str:
    """How many drafts get a rewrite, and how many of those, checked again for the same
    readers, still hold a high-severity finding (the target: none)."""
    from bot.jargon import check, default_checker

    checker = default_checker()
    offered = unsafe = 0
    for row in rows:
        report = check(row["text"], checker=checker, audience=row.get("audience"))
        if not report.rewrite:
            continue
        offered += 1
        again = check(report.rewrite, checker=checker, audience=report.audience)
        unsafe += any(f.severity == "high" for f in again.findings)
    return f"offered for {offered} of {len(rows)} drafts; high-severity left after a " \
           f"second check: {unsafe}"


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


def _wall(cmd: list[str], cwd: Path, stdin_path: Path | None = None) -> float | None:
    t = time.perf_counter()
    try:
        if stdin_path is None:
            subprocess.run(cmd, capture_output=True, timeout=600, cwd=cwd)
        else:
            with stdin_path.open("rb") as fh:
                subprocess.run(cmd, stdin=fh, capture_output=True, timeout=600, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t


def _batch_files(drafts: list[str], tmp: Path) -> tuple[list[str], Path]:
    folder = tmp / "files"
    folder.mkdir(exist_ok=True)
    files = []
    for n, text in enumerate(drafts):
        path = folder / f"d{n:05d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        files.append(str(path))
    jsonl = tmp / "batch.jsonl"
    jsonl.write_text("".join(json.dumps({"text": d}) + "\n" for d in drafts), encoding="utf-8")
    return files, jsonl


def time_cli_batch(drafts: list[str], tmp: Path, rounds: int = RACE_ROUNDS) -> None:
    """Each tool's own command line over the same drafts in one invocation, start-up included;
    then cio-coach and write-good in turn, `rounds` times, medians compared (the machine's
    load moves between two runs minutes apart, not between two runs side by side)."""
    files, jsonl = _batch_files(drafts, tmp)
    ours = time_cli(jsonl, len(drafts))
    if ours is None:
        print("cio-coach CLI not found; batch comparison skipped")
        return
    print(f"command lines over {len(drafts):,} drafts, one invocation each, start-up included:")
    print(f"  {'cio-coach':<12} {ours:>7.2f} s  {len(drafts) / ours:>9,.0f} drafts/s")
    commands = cli_commands(files)
    for name, cmd in commands.items():
        wall = _wall(cmd, tmp) if cmd is not None else None
        if wall is None:
            print(f"  {name:<12} {'not installed' if cmd is None else 'over 600 s'}")
            continue
        print(f"  {name:<12} {wall:>7.2f} s  {len(drafts) / wall:>9,.0f} drafts/s  "
              f"(cio-coach {wall / ours:,.2f}x its speed)")
    if commands.get("write-good"):
        race_write_good(jsonl, commands["write-good"], tmp, rounds, len(drafts))


def race_write_good(jsonl: Path, write_good: list[str], tmp: Path, rounds: int,
                    count: int) -> None:
    """cio-coach (one process per CPU, as it runs on a file; and one process alone) and
    write-good in turn, `rounds` times."""
    from bot.cli.check import PARALLEL_MIN_BYTES, usable_cpus

    processes = usable_cpus() if jsonl.stat().st_size >= PARALLEL_MIN_BYTES else 1
    plural = "processes" if processes > 1 else "process"
    cli = shutil.which("cio-coach", path=str(Path(sys.executable).parent))
    ours, alone, theirs = [], [], []
    for _ in range(rounds):
        ours.append(_wall([cli, "check", "--jsonl"], tmp, jsonl) or float("inf"))
        alone.append(_wall([cli, "check", "--jsonl", "--workers", "1"], tmp, jsonl)
                     or float("inf"))
        theirs.append(_wall(write_good, tmp) or float("inf"))
    mine, single, other = (statistics.median(x) for x in (ours, alone, theirs))
    each = ", ".join(f"{a:.2f}/{b:.2f}/{c:.2f}"
                     for a, b, c in zip(ours, alone, theirs, strict=True))
    verdict = "meets" if mine <= other else "misses"
    print(f"side by side, {rounds} rounds in turn over {count:,} drafts: cio-coach check "
          f"--jsonl {mine:.2f} s ({processes} {plural}), --workers 1 {single:.2f} s, "
          f"write-good {other:.2f} s (medians; rounds "
          f"{each}); {verdict} the target of at least write-good's speed "
          f"(one process alone: {single / other:.2f}x write-good's time)")


def row(name: str, r: dict) -> str:
    rate = r["n"] / r["total"] if r["total"] else float("inf")
    return (f"{name:<12} {r['n']:>7,} drafts  {rate:>12,.0f} drafts/s  "
            f"median {r['median'] * 1000:>9.3f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=10_000)
    ap.add_argument("--anchor-seconds", type=float, default=30.0,
                    help="stop each anchor after this much checking time")
    ap.add_argument("--no-quality", action="store_true", help="skip the labelled sets")
    ap.add_argument("--dev-timing", action="store_true",
                    help="print time_dev_drafts' figures as JSON and stop")
    ap.add_argument("--cli-drafts", type=int, default=10_000,
                    help="drafts for the command-line comparison (0 to skip it)")
    args = ap.parse_args(argv if argv is not None else [])
    if args.dev_timing:
        print(json.dumps(time_dev_drafts()))
        return 0
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
        median_ms = ours["median"] * 1000
        print(f"median per draft over these {len(drafts):,} numbered drafts {median_ms:.3f} ms")
        compiled_against_pure()
        if args.cli_drafts:
            time_cli_batch(drafts[:args.cli_drafts], Path(tmp))
        if not args.no_quality:
            report_quality(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
