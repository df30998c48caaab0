"""Regenerate knowledge/retrieval/word-frequency.tsv from the `wordfreq` package.

    .venv/bin/pip install wordfreq && .venv/bin/python scripts/build_word_frequency.py

The list says how common each English word is (Zipf scale: 7 = "the", 3 = rare); the
retriever uses it so that everyday words weigh less. It is kept as data so the CLI does
not pay wordfreq's start-up cost on every question.
"""

from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

TARGET = Path(__file__).resolve().parent.parent / "knowledge" / "retrieval" / "word-frequency.tsv"
WORDS = 30_000


def main() -> None:
    lines = ["# English word frequencies, Zipf scale, from wordfreq "
             "(data CC BY-SA 4.0, https://github.com/rspeer/wordfreq).",
             "# Made by scripts/build_word_frequency.py. word<TAB>zipf"]
    seen = set()
    for word in top_n_list("en", WORDS):
        if word.isalpha() and word.isascii() and word not in seen:
            seen.add(word)
            lines.append(f"{word}\t{zipf_frequency(word, 'en'):.1f}")
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(seen)} words to {TARGET}")


if __name__ == "__main__":
    main()
