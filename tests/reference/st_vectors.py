"""sentence-transformers' own vectors for all-MiniLM-L6-v2, as JSON on stdout.

Runs only in the reference venv (`make reference-venv`: PyTorch, sentence-transformers
and the model package), never in the project's. Reads a JSON list of sentences on stdin;
prints {"versions": {...}, "vectors": [[...], ...]}. The model is found through the
model package's own helper, independently of bot/embedding.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys


def main() -> None:
    sentences = json.load(sys.stdin)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # The model package and sentence-transformers print banners and progress on stdout.
    with contextlib.redirect_stdout(sys.stderr):
        import sentence_transformers
        import torch
        from all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(get_model_path()), device="cpu")
        vectors = model.encode(sentences, convert_to_numpy=True)
    versions = {"torch": torch.__version__,
                "sentence_transformers": sentence_transformers.__version__}
    json.dump({"versions": versions, "vectors": vectors.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
