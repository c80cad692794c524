"""treatydiff: compare policy documents provision by provision."""

from __future__ import annotations

__version__ = "0.1.0"

from treatydiff.alignment import Alignment as Alignment
from treatydiff.alignment import AlignmentConfig as AlignmentConfig
from treatydiff.alignment import Group as Group
from treatydiff.alignment import SideVectors as SideVectors
from treatydiff.alignment import align as align
from treatydiff.changelist import ChangeRow as ChangeRow
from treatydiff.changelist import change_list as change_list
from treatydiff.compare import CompareOptions as CompareOptions
from treatydiff.compare import compare_documents as compare_documents
from treatydiff.corpus import Corpus as Corpus
from treatydiff.corpus import CorpusEntry as CorpusEntry
from treatydiff.diffing import word_diff as word_diff
from treatydiff.documents import load_document as load_document
from treatydiff.documents import parse_document as parse_document
from treatydiff.embeddings import Embedder as Embedder
from treatydiff.embeddings import EmbeddingCache as EmbeddingCache
from treatydiff.embeddings import SentenceTransformerEmbedder as SentenceTransformerEmbedder
from treatydiff.errors import TreatydiffError as TreatydiffError
from treatydiff.export import comparison_to_dict as comparison_to_dict
from treatydiff.ingest import Converted as Converted
from treatydiff.ingest import convert_path as convert_path
from treatydiff.records import Comparison as Comparison
from treatydiff.records import Document as Document
from treatydiff.records import Level as Level
from treatydiff.records import Pair as Pair
from treatydiff.records import Segment as Segment
from treatydiff.records import SegmentedDocument as SegmentedDocument
from treatydiff.records import Status as Status
from treatydiff.segments import segment_document as segment_document

__all__ = [
    "Alignment",
    "AlignmentConfig",
    "ChangeRow",
    "CompareOptions",
    "Comparison",
    "Converted",
    "Corpus",
    "CorpusEntry",
    "Document",
    "EmbeddingCache",
    "Embedder",
    "Group",
    "Level",
    "Pair",
    "Segment",
    "SegmentedDocument",
    "SentenceTransformerEmbedder",
    "SideVectors",
    "Status",
    "TreatydiffError",
    "__version__",
    "align",
    "change_list",
    "compare_documents",
    "comparison_to_dict",
    "convert_path",
    "load_document",
    "parse_document",
    "segment_document",
    "word_diff",
]
