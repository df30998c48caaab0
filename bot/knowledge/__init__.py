"""The knowledge index: the passages of the knowledge folder, their plain takeaways and
their sentence vectors, in a SQLite file. This package owns those tables and every query
on them; retrieval scores what it is handed.

    index = KnowledgeIndex.open(db_path, knowledge_dir)
    index.refresh()                      # incremental; cheap when nothing changed
    index.candidates(["erp"], 60)        # lexical candidates (FTS5)
    index.vectors()                      # the semantic side, one matrix per kind
"""

from bot.knowledge.index import (
    CorpusStats,
    IndexReport,
    KnowledgeIndex,
    Progress,
    decode_sentences,
    source_files,
)
from bot.knowledge.vectors import Vectors

__all__ = ["CorpusStats", "IndexReport", "KnowledgeIndex", "Progress", "Vectors",
           "decode_sentences", "source_files"]
