"""`cio-coach ask`: a cited answer to a coaching question."""

from __future__ import annotations

import argparse
import json
import sys

from bot.answer import Answer
from bot.cli._input import InputError, looks_binary, text_argument
from bot.config import Settings
from bot.service import Coach

MAX_QUESTION_BYTES = 20_000


def _print_human(answer: Answer) -> None:
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for n, c in enumerate(answer.citations, 1):
            print(f"  [{n}] {c.locator}  ({c.source})")
    if answer.guard:
        print(f"\n(model answer not used: {answer.guard})")


def _question_from_line(line: bytes) -> str:
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("line is not valid UTF-8") from None
    except ValueError:
        raise InputError("line is not valid JSON") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
        raise InputError('line must be a JSON object with a "question" string')
    question = obj["question"]
    if not question.strip():
        raise InputError("question is empty")
    if len(question.encode("utf-8")) > MAX_QUESTION_BYTES:
        raise InputError(f"question is too long (over {MAX_QUESTION_BYTES:,} bytes)")
    if looks_binary(question):
        raise InputError("question looks like binary data, not text")
    return question


def _run_jsonl(coach: Coach) -> int:
    out = sys.stdout
    for n, line in enumerate(sys.stdin.buffer, 1):
        if not line.strip():
            continue
        try:
            question = _question_from_line(line)
            result = coach.ask(question).to_json()
        except InputError as exc:
            result = {"error": str(exc), "line": n}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    coach = Coach(settings)
    if args.jsonl:
        return _run_jsonl(coach)
    if args.question is None:
        raise InputError('give a question, e.g. cio-coach ask "How do I treat my old boss?", '
                         "or - to read it from stdin")
    question = text_argument(args.question, what="question", max_bytes=MAX_QUESTION_BYTES)
    answer = coach.ask(question, top=args.top)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_human(answer)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ask", help="answer a coaching question from the knowledge base, with citations",
        description="Answer a question by quoting and citing the knowledge base. When the "
        "texts do not cover it, say so. Exit 0 on an answer or a decline, 2 on bad input.",
        epilog='Examples: cio-coach ask "My former manager now reports to me, how do I treat '
        'him?"   echo \'{"question": "Why do users complain?"}\' | cio-coach ask --jsonl')
    p.add_argument("question", nargs="?", help="the question, or - to read it from stdin")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    fmt.add_argument("--jsonl", action="store_true",
                     help='read {"question": ...} JSON lines on stdin, write one result per line')
    p.add_argument("-k", "--top", type=int, default=5, help=argparse.SUPPRESS)
    p.set_defaults(func=run)
