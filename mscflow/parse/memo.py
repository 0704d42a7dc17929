"""A memo that lives for one document: the pure text readers answer each question once.

Extraction asks the same reader about the same passage many times over (a sentence is read
for an anchor when its paragraph is scanned, again when it is read, again when it is split;
a study's evidence is counted by the field rules, then again by provenance). Inside
``one_document()`` a function decorated ``@per_document`` computes each distinct call once;
outside it (a test calling a reader directly, cleaning) it simply runs.

The scope is one document on purpose: a cache that outlived it would let a corpus that
repeats sentences across documents (the bench's synthetic corpus does) look faster than real
pages are. Results must be immutable or lists of immutable values: a list is handed out as
a fresh copy, so a caller that appends to it changes no other caller's answer."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_memo: ContextVar[dict | None] = ContextVar("mscflow_document_memo", default=None)
_MISSING = object()


@contextmanager
def one_document() -> Iterator[None]:
    """Open a fresh memo for the readers called inside (nested scopes each get their own)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def per_document(fn: Callable[P, R]) -> Callable[P, R]:
    """Memoise ``fn`` (pure, hashable arguments) within the current ``one_document()``."""

    @functools.wraps(fn)
    def memoised(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _memo.get()
        if memo is None:
            return fn(*args, **kwargs)
        key = (fn, args, tuple(kwargs.items())) if kwargs else (fn, args)
        try:
            found = memo.get(key, _MISSING)
        except TypeError:  # an unhashable argument: not worth remembering
            return fn(*args, **kwargs)
        if found is _MISSING:
            found = memo[key] = fn(*args, **kwargs)
        return list(found) if isinstance(found, list) else found  # type: ignore[return-value]

    return memoised
