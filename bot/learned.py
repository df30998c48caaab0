"""Models learned from examples for the built-in texts, kept as data in
`knowledge/retrieval/` (JSON, made by the scripts in `scripts/`): the scope classifier
(bot/scope.py) and the passage model (bot/passage_model.py).

Each file names the texts and the embedding model it was trained for; a knowledge folder
with other texts, or an index with another model, does without it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def read_learned(knowledge_dir: Path, name: str, texts: list[str], model: str
                 ) -> dict[str, Any] | None:
    """The file's data when it fits these texts and this model; None otherwise (a file
    that cannot be read is logged and left out)."""
    path = knowledge_dir / "retrieval" / name
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fits = sorted(data["texts"]) == sorted(texts) and data["model"] == model
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s is unreadable (%s); answers are found without it", path, exc)
        return None
    return data if fits else None


def write_learned(target: Path, about: dict[str, Any], arrays: dict[str, Any]) -> None:
    """`about` a line per key, then each array on one line: a file a person can skim."""
    lines = [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in about.items()]
    lines += [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in arrays.items()]
    lines[-1] = lines[-1].removesuffix(",")
    target.write_text("{\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
