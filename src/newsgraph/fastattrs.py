"""Faster drop-ins for spaCy's ``attribute_ruler`` and ``lemmatizer``, with the same output.

The English pipelines map fine-grained tags to POS and morphology with an
``AttributeRuler`` of ~180 patterns. spaCy runs them through its general
``Matcher``, which costs about a sixth of ``en_core_web_sm``'s whole parse:
every token is tested against every pattern. Almost all of those patterns are
one token wide and keyed on ``TAG``, so an index by tag finds the candidates of
a token in one dictionary look-up. Patterns this index cannot express (several
tokens, other attributes) stay with a ``Matcher`` that holds only them.

The result is identical to the original component: the same rules, applied in
the same order (by rule index, later rules win), through spaCy's own
``set_token_attrs``. ``tests/test_fastattrs.py`` checks POS, morphology and
lemmas token by token against the stock pipeline.

The rule lemmatizer (:class:`FastLemmatizer`) is a function of a token's text,
POS and morphology, but spaCy keeps the answer only for the tokens that reach its
rules: every singular noun, infinitive or positive adjective (most tokens) is
answered again from its morphology parsed into a dict, about a tenth of the parse.
The drop-in keeps every answer, keyed as spaCy keys its own cache, and calls the
original lemmatizer for keys it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Token attributes a one-token pattern may test for the index to take it over.
_TOKEN_GETTERS: dict[str, Callable[[Any], Any]] = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
    "POS": lambda t: t.pos_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}

_ANY: Any = "\x00any"  # a pattern that does not test this attribute


def _predicate(key: str, value: Any) -> Callable[[Any], bool] | None:
    getter = _TOKEN_GETTERS.get(key)
    if getter is None:
        return None
    if isinstance(value, dict):
        if set(value) == {"IN"}:
            allowed = frozenset(value["IN"])
            return lambda t: getter(t) in allowed
        if set(value) == {"NOT_IN"}:
            banned = frozenset(value["NOT_IN"])
            return lambda t: getter(t) not in banned
        return None
    if isinstance(value, list | set | tuple):
        return None
    return lambda t: getter(t) == value


class FastAttributeRuler:
    """Applies an ``AttributeRuler``'s rules; construct it from the original."""

    def __init__(self, original: Any) -> None:
        from spacy.matcher import Matcher

        self.name = "attribute_ruler"
        self.attrs = original.attrs
        self.indices = original.indices
        self.vocab = original.vocab
        self.setters = [self._setter(a) for a in original.attrs]
        # (tag, lower, is_space), each possibly _ANY -> [(rule index, [other predicates])]
        self.index: dict[tuple[Any, Any, Any], list[tuple[int, list[Callable[[Any], bool]]]]] = {}
        self.rest = Matcher(original.vocab, validate=False)
        self.has_rest = False
        for rule, entry in enumerate(original.patterns):
            pats = entry["patterns"]
            if original.indices[rule] in (0, -1) and all(self._index(rule, p) for p in pats):
                continue
            # Undo partial indexing of this rule and leave all its patterns to the matcher.
            for cands in self.index.values():
                cands[:] = [c for c in cands if c[0] != rule]
            self.rest.add(str(rule), pats)
            self.has_rest = True

    def _setter(self, attrs: dict[int, Any]) -> Callable[[Any], None]:
        """A function that sets ``attrs`` (normalised by the ruler: attribute ids to ids or hashes)
        on a token; the common POS/MORPH/LEMMA case without spaCy's generic dispatch."""
        from spacy.attrs import LEMMA, MORPH, POS
        from spacy.tokens._retokenize import set_token_attrs

        if not set(attrs) <= {POS, MORPH, LEMMA}:
            return lambda token: set_token_attrs(token, attrs)
        pos = attrs.get(POS)
        morph = attrs.get(MORPH)
        lemma = attrs.get(LEMMA)

        def apply(token: Any) -> None:
            if pos is not None:
                token.pos = pos
            if morph is not None:
                token.set_morph(morph)
            if lemma is not None:
                token.lemma = lemma

        return apply

    def _index(self, rule: int, pattern: list[dict[str, Any]]) -> bool:
        """File a one-token pattern under its TAG, LOWER and IS_SPACE values (or 'any')."""
        if len(pattern) != 1:
            return False
        spec = dict(pattern[0])
        tag = spec.pop("TAG", _ANY)
        lower = spec.pop("LOWER", _ANY)
        space = spec.pop("IS_SPACE", _ANY)
        if not isinstance(tag, str) or not (isinstance(space, bool) or space is _ANY):
            return False
        lowers: tuple[str, ...]
        if isinstance(lower, str):
            lowers = (lower,)
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            lowers = tuple(lower["IN"])
        else:
            return False
        preds = []
        for key, value in spec.items():
            pred = _predicate(key, value)
            if pred is None:
                return False
            preds.append(pred)
        for low in lowers:
            self.index.setdefault((tag, low, space), []).append((rule, preds))
        return True

    def __call__(self, doc: Any) -> Any:
        index = self.index
        matches: list[tuple[int, int, int]] = []
        for token in doc:
            tag, low, space = token.tag_, token.lower_, token.is_space
            found: list[tuple[int, list[Callable[[Any], bool]]]] = []
            for key in (
                (tag, _ANY, _ANY),
                (tag, low, _ANY),
                (_ANY, low, _ANY),
                (_ANY, _ANY, _ANY),
                (tag, _ANY, space),
                (tag, low, space),
                (_ANY, low, space),
                (_ANY, _ANY, space),
            ):
                cands = index.get(key)
                if cands:
                    found.extend(cands)
            for rule, preds in found:
                if not preds or all(p(token) for p in preds):
                    matches.append((rule, token.i, token.i + 1))
        if self.has_rest:
            for m_id, start, end in self.rest(doc, allow_missing=True):
                matches.append((int(self.vocab.strings[m_id]), start, end))
        matches.sort()
        for rule, start, end in matches:
            offset = self.indices[rule]
            self.setters[rule](doc[start + offset if offset >= 0 else end + offset])
        return doc

    def pipe(self, stream: Any, batch_size: int = 128) -> Any:
        for doc in stream:
            yield self(doc)


class FastLemmatizer:
    """Applies a rule ``Lemmatizer``'s lemmas through a cache of every answer it gave."""

    LIMIT = 500_000  # cached keys (token text, POS, morphology); emptied when full

    def __init__(self, original: Any) -> None:
        self.name = "lemmatizer"
        self.original = original
        self.overwrite = bool(original.overwrite)
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Any) -> Any:
        cache, overwrite = self.cache, self.overwrite
        strings = doc.vocab.strings
        for token in doc:
            if overwrite or token.lemma == 0:
                key = (token.orth, token.pos, token.morph.key)
                lemma = cache.get(key)
                if lemma is None:
                    if len(cache) >= self.LIMIT:
                        cache.clear()
                    lemma = cache[key] = strings.add(self.original.lemmatize(token)[0])
                token.lemma = lemma
        return doc

    def pipe(self, stream: Any, batch_size: int = 128) -> Any:
        for doc in stream:
            yield self(doc)


def speed_up(nlp: Any) -> None:
    """Replace the pipeline's ``attribute_ruler`` with :class:`FastAttributeRuler` and its
    rule ``lemmatizer`` with :class:`FastLemmatizer`, each in its place."""
    _register()
    if "attribute_ruler" in nlp.pipe_names and "newsgraph_attribute_ruler" not in nlp.pipe_names:
        nlp.add_pipe("newsgraph_attribute_ruler", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    if (
        "lemmatizer" in nlp.pipe_names
        and "newsgraph_lemmatizer" not in nlp.pipe_names
        and getattr(nlp.get_pipe("lemmatizer"), "mode", None) == "rule"
    ):
        nlp.add_pipe("newsgraph_lemmatizer", after="lemmatizer")
        nlp.remove_pipe("lemmatizer")


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("newsgraph_attribute_ruler"):

        @Language.factory("newsgraph_attribute_ruler")
        def _make(nlp: Any, name: str) -> FastAttributeRuler:
            return FastAttributeRuler(nlp.get_pipe("attribute_ruler"))

    if not Language.has_factory("newsgraph_lemmatizer"):

        @Language.factory("newsgraph_lemmatizer")
        def _make_lemmatizer(nlp: Any, name: str) -> FastLemmatizer:
            return FastLemmatizer(nlp.get_pipe("lemmatizer"))
