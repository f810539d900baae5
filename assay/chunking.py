"""Chunks of a clean body, with exact character offsets and their section heading.

LangChain's RecursiveCharacterTextSplitter, measured in characters (tiktoken
would download its encodings) and told to break at paragraphs, then lines, then
sentence ends, so a chunk rarely stops mid-sentence. Each section is split on its
own, so a chunk never straddles two headings.
"""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assay.ids import chunk_id
from assay.types import Article, Chunk

SENTENCE_SEPARATORS = [
    r"\n\n",
    r"\n",
    r"(?<=[.!?…])\s+(?=[\"“‘(\[A-Z0-9•])",
    # CJK sentence ends (。！？, then any closing quote or bracket), with or without space after:
    # text in those scripts has no spaces to break at. Tried after the Latin rule, so English text,
    # which has none of these marks, is split exactly as before.
    r"(?<=[。！？])(?![」』”’\"）)])\s*|(?<=[。！？][」』”’\"）)])\s*",
    r"(?<=[;:])\s+",
    r"(?<=[；：，、])",  # CJK clause marks, before falling back to single characters
    r"\s+",
    "",
]


def splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SENTENCE_SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",  # pieces join back into the exact original text
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        strip_whitespace=True,
        add_start_index=True,
    )


def chunk_article(article: Article, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    text_splitter = splitter(chunk_size, chunk_overlap)
    chunks: list[Chunk] = []
    for section in article.sections:
        text = article.body[section.start : section.end]
        for document in text_splitter.create_documents([text]):
            start = section.start + document.metadata["start_index"]
            piece = document.page_content
            # The splitter finds start_index by searching; check it so offsets are exact, not hoped for.
            if article.body[start : start + len(piece)] != piece:
                start = article.body.index(piece, section.start)
            index = len(chunks)
            chunks.append(
                Chunk(
                    id=chunk_id(article.id, index, piece),
                    article_id=article.id,
                    index=index,
                    text=piece,
                    start=start,
                    end=start + len(piece),
                    section=section.heading,
                )
            )
    return chunks
