"""Keyed pseudonyms for linking records across organisations (DESIGN.md §6).

Every organisation turns its identifiers (e.g. a national person number) into pseudonyms with the
same secret key::

    pseudonym = int64( HMAC-SHA256(key, UTF-8(normalise(identifier)))[0:8], big-endian, signed )

so that the same person gets the same pseudonym everywhere, while nobody without the key can
compute a pseudonym from an identifier (or test a guess). The value −2⁶³ is reserved (it is the
missing value of R's ``bit64`` and of several other systems): a digest whose first 8 bytes give it
takes the next 8 bytes instead. With n = 18 million distinct identifiers the probability that two
of them share a pseudonym is 1 − exp(−n(n−1) / (2·(2⁶⁴−1))) ≈ 8.8·10⁻⁶ (about 1 in 114,000); the
full derivation, the normalisation and the key handling are in ``docs/linkage.md``.

The key is held by :class:`Key`, whose ``repr`` is redacted and which cannot be pickled; no
function of this module prints, logs or returns the key or puts it into an exception message.

Example
-------
>>> import pandas as pd
>>> from famgraph import privacy
>>> key = privacy.Key("0b8f6e2a9c41d7e3b5a0f9c2d8e1a4b7")
>>> key
Key(<redacted>)
>>> df = pd.DataFrame({"bsn": ["123.456.782", " 123456782", None]})
>>> out = privacy.pseudonymise(df, "bsn", key)
>>> bool(out["bsn"].iloc[0] == out["bsn"].iloc[1]), bool(out["bsn"].isna().iloc[2])
(True, True)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import numbers
import os
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn

import numpy as np
import pandas as pd

from . import _files
from ._errors import DataError, DataIssue

__all__ = [
    "DEFAULT_NORMALISATION",
    "MIN_KEY_BYTES",
    "RECOMMENDED_KEY_BYTES",
    "RESERVED_INT64",
    "Key",
    "Normalisation",
    "WeakKeyWarning",
    "collision_probability",
    "normalise_identifier",
    "pseudonym",
    "pseudonymise",
]

#: The shortest key accepted, in bytes (128 bits).
MIN_KEY_BYTES: Final = 16
#: The shortest key not warned about (:class:`WeakKeyWarning`), in bytes.
RECOMMENDED_KEY_BYTES: Final = 32
#: Estimated key entropy below which a key is warned about, in bits.
_MIN_KEY_BITS: Final = 128


class WeakKeyWarning(UserWarning):
    """A pseudonymisation key that looks easy to guess: shorter than 32 bytes, a repeated short
    pattern (or one byte repeated), or an estimated entropy below 128 bits, estimated as (length of
    the shortest repeating pattern) x log2(number of distinct bytes). A warning, not an error:
    the key still works, but whoever guesses it can compute every pseudonym
    (docs/privacy.md, "The key")."""


def _key_weakness(raw: bytes) -> str | None:
    """Why ``raw`` looks weak, in words that reveal nothing of the key; None if it does not."""
    n = len(raw)
    # the shortest period p: raw is a pattern of p bytes repeated (p = n if none)
    period = next((p for p in range(1, n // 2 + 1) if n % p == 0 and raw == raw[:p] * (n // p)), n)
    distinct = len(set(raw[:period]))
    bits = period * math.log2(distinct) if distinct > 1 else 0.0
    if period < n:
        what = "one byte repeated" if period == 1 else f"a pattern of {period} bytes repeated"
        return f"it is {what}"
    if n < RECOMMENDED_KEY_BYTES:
        return f"it has {n} bytes ({RECOMMENDED_KEY_BYTES} or more recommended)"
    if bits < _MIN_KEY_BITS:
        return (
            f"it has only {distinct} distinct byte values: about {bits:.0f} bits of entropy at most "
            f"({_MIN_KEY_BITS} or more recommended)"
        )
    return None


#: The int64 value no pseudonym takes (−2⁶³).
RESERVED_INT64: Final = -(2**63)

PathLike = str | os.PathLike[str]


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 (RFC 2104 with SHA-256): the primitive, without any check of the key length."""
    return hmac.digest(key, message, hashlib.sha256)


def _to_int64(digest: bytes) -> int:
    """The pseudonym of a digest: its first 8 bytes as a big-endian signed integer.

    When those 8 bytes are the reserved value −2⁶³ (probability 2⁻⁶⁴), the next 8 bytes are used,
    and so on; should all four 8-byte words of the digest be reserved, −2⁶³ + 1.
    """
    for start in range(0, len(digest) - 7, 8):
        value = int.from_bytes(digest[start : start + 8], "big", signed=True)
        if value != RESERVED_INT64:
            return value
    return RESERVED_INT64 + 1


class Key:
    """The secret HMAC key, kept out of every output.

    ``repr`` and ``str`` are redacted, the object cannot be pickled or copied into another
    process, and the bytes are only reachable through :meth:`digest`. A key must have at least
    :data:`MIN_KEY_BYTES` (16) bytes; a ``str`` is encoded as UTF-8.

    Example
    -------
    >>> from famgraph.privacy import Key
    >>> k = Key(b"0123456789abcdef")
    >>> print(k)
    Key(<redacted>)
    >>> Key("short")
    Traceback (most recent call last):
    ...
    ValueError: the pseudonymisation key has 5 bytes; at least 16 are required (use e.g. 32 random bytes)
    """

    __slots__ = ("__secret",)

    def __init__(self, secret: bytes | bytearray | memoryview | str | Key) -> None:
        if isinstance(secret, Key):
            raw = secret.__secret
        elif isinstance(secret, str):
            raw = secret.encode("utf-8")
        elif isinstance(secret, bytes | bytearray | memoryview):
            raw = bytes(secret)
        else:
            raise TypeError(f"a key must be bytes or str, got {type(secret).__name__}")
        if len(raw) < MIN_KEY_BYTES:
            raise ValueError(
                f"the pseudonymisation key has {len(raw)} bytes; at least {MIN_KEY_BYTES} are "
                f"required (use e.g. 32 random bytes)"
            )
        weakness = _key_weakness(raw)
        if weakness is not None:
            warnings.warn(
                f"the pseudonymisation key looks weak: {weakness}; whoever guesses it can compute "
                "every pseudonym. Use 32 random bytes, e.g. `openssl rand -hex 32 > famgraph.key`",
                WeakKeyWarning,
                stacklevel=2,
            )
        self.__secret: bytes = raw

    @classmethod
    def from_file(cls, path: PathLike, *, strip_newline: bool = True) -> Key:
        """The key held in a file: its bytes, less trailing line breaks (``\\n``, ``\\r\\n``).

        Keep the file readable by its owner only (``chmod 600``). ``strip_newline=False`` takes
        every byte as it is.
        """
        p = Path(path)
        with _files.open_input(p, "a key file") as f:
            raw = f.read(1 << 16)
            if f.read(1):
                raise ValueError(f"the key file {p} is longer than 64 KiB (expected a key of e.g. 32 bytes)")
        if strip_newline:
            raw = raw.rstrip(b"\r\n")
        if len(raw) < MIN_KEY_BYTES:
            raise ValueError(
                f"the key in {p} has {len(raw)} bytes; at least {MIN_KEY_BYTES} are required "
                f"(e.g. `openssl rand -hex 32 > {p.name}`)"
            )
        return cls(raw)

    @classmethod
    def from_env(cls, name: str = "FAMGRAPH_KEY") -> Key:
        """The key held in an environment variable (its UTF-8 bytes)."""
        value = os.environ.get(name)
        if value is None:
            raise ValueError(f"environment variable {name} is not set (it should hold the key)")
        raw = value.encode("utf-8")
        if len(raw) < MIN_KEY_BYTES:
            raise ValueError(
                f"the key in environment variable {name} has {len(raw)} bytes; at least "
                f"{MIN_KEY_BYTES} are required"
            )
        return cls(raw)

    def digest(self, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` under this key (32 bytes)."""
        return _hmac_sha256(self.__secret, message)

    def __repr__(self) -> str:
        return "Key(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return hmac.compare_digest(self.__secret, other.__secret)

    __hash__ = None  # type: ignore[assignment]  # keys are compared, never used as dict keys

    def __reduce__(self) -> NoReturn:
        raise TypeError("a famgraph.privacy.Key cannot be pickled: the key must not leave the process")

    def __copy__(self) -> Key:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Key:
        return self


@dataclass(frozen=True)
class Normalisation:
    """How an identifier becomes the text that is hashed.

    Applied in this order to the identifier's text (an integer ``123`` is the text ``"123"``; a
    float must be integral, ``123.0`` → ``"123"``):

    1. ``unicode_form`` (default ``"NFKC"``): Unicode normalisation, so that e.g. a full-width
       digit and an ASCII digit are the same;
    2. ``strip``: remove leading and trailing white space;
    3. ``casefold``: ``str.casefold`` (``"AB12"`` and ``"ab12"`` are the same);
    4. *number-like* identifiers — those that are ASCII digits once every character of
       ``number_separators`` (space, no-break space, ``-``, ``.``, ``/``) is removed — become those
       digits (``"123.456.782"`` → ``"123456782"``), left-padded with zeros to ``number_width``
       when it is set (``number_width=9`` for the Dutch BSN makes ``12345678`` and ``"012345678"``
       the same). Other identifiers keep their separators.

    An identifier that is empty after these steps, or made of separators only (``"-"``), is
    missing; so is a number-like identifier of zeros only (``"000000000"``, a common code for
    "unknown") unless ``zeros_are_missing=False``. Hashing such codes would link every record
    that carries one into a single false person.
    """

    unicode_form: str | None = "NFKC"
    strip: bool = True
    casefold: bool = True
    number_separators: str = " \u00a0-./"
    number_width: int | None = None
    zeros_are_missing: bool = True

    def __post_init__(self) -> None:
        if self.unicode_form not in (None, "NFC", "NFKC", "NFD", "NFKD"):
            raise ValueError(
                f"unicode_form={self.unicode_form!r} (expected None, 'NFC', 'NFKC', 'NFD' or 'NFKD')"
            )
        if self.number_width is not None and (
            isinstance(self.number_width, bool)
            or not isinstance(self.number_width, int)
            or not 1 <= self.number_width <= 64
        ):
            raise ValueError(f"number_width={self.number_width!r} (expected None or 1..64)")

    def __call__(self, text: str) -> str:
        if self.unicode_form is not None:
            text = unicodedata.normalize(self.unicode_form, text)  # type: ignore[arg-type]
        if self.strip:
            text = text.strip()
        if self.casefold:
            text = text.casefold()
        digits = text.translate({ord(c): None for c in self.number_separators})
        if not digits.strip():
            return ""
        if digits.isascii() and digits.isdigit():
            if self.zeros_are_missing and digits.count("0") == len(digits):
                return ""
            text = digits.zfill(self.number_width) if self.number_width else digits
        return text


#: The default normalisation (see :class:`Normalisation`).
DEFAULT_NORMALISATION: Final = Normalisation()

Normaliser = Normalisation | Callable[[str], str] | None


class _BadIdentifier(ValueError):
    pass


def _identifier_text(value: object) -> str | None:
    """The text of one identifier, ``None`` when missing; raises _BadIdentifier (value not quoted)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        raise _BadIdentifier("a boolean is not an identifier")
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise _BadIdentifier("bytes that are not valid UTF-8") from None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if np.isnan(x):
            return None
        if not np.isfinite(x) or x != np.floor(x) or abs(x) >= 2.0**63:
            raise _BadIdentifier("a number that is not a whole number below 2^63")
        return str(int(x))
    raise _BadIdentifier(f"a value of type {type(value).__name__}")


def normalise_identifier(value: object, normalise: Normaliser = DEFAULT_NORMALISATION) -> str | None:
    """The normalised text of one identifier (``None`` when missing or empty).

    Example
    -------
    >>> from famgraph.privacy import normalise_identifier, Normalisation
    >>> normalise_identifier(" 123-456-782 "), normalise_identifier("AbC 1")
    ('123456782', 'abc 1')
    >>> normalise_identifier(12345678, Normalisation(number_width=9))
    '012345678'
    """
    text = _identifier_text(value)
    if text is None:
        return None
    if normalise is not None:
        text = normalise(text)
        if not isinstance(text, str):
            raise TypeError(f"the normalise function returned {type(text).__name__}, expected str")
    return text if text != "" else None


def _as_key(key: Key | bytes | str) -> Key:
    return key if isinstance(key, Key) else Key(key)


def pseudonym(
    value: object, key: Key | bytes | str, normalise: Normaliser = DEFAULT_NORMALISATION
) -> int | None:
    """The pseudonym of one identifier (``None`` when it is missing).

    Example
    -------
    >>> from famgraph.privacy import Key, pseudonym
    >>> k = Key(b"\\x0b" * 20)
    >>> pseudonym("Hi There", k, normalise=None)   # RFC 4231 test case 1: b0344c61d8db3853...
    -5749886841111496621
    """
    text = normalise_identifier(value, normalise)
    if text is None:
        return None
    return _to_int64(_as_key(key).digest(text.encode("utf-8")))


def _column_map(df: pd.DataFrame, columns: str | Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    if isinstance(columns, str):
        mapping = {columns: columns}
    elif isinstance(columns, Mapping):
        mapping = {str(k): str(v) for k, v in columns.items()}
    else:
        mapping = {str(c): str(c) for c in columns}
    if not mapping:
        raise ValueError("columns: name at least one identifier column")
    missing = [c for c in mapping if c not in df.columns]
    if missing:
        raise ValueError(
            f"identifier column(s) {', '.join(map(repr, missing))} not found; columns: "
            f"{', '.join(map(str, df.columns))}"
        )
    return mapping


def pseudonymise(
    df: pd.DataFrame,
    columns: str | Sequence[str] | Mapping[str, str],
    key: Key | bytes | str,
    *,
    normalise: Normaliser = DEFAULT_NORMALISATION,
    label: str = "DataFrame",
    max_errors: int = 100,
) -> pd.DataFrame:
    """A copy of ``df`` in which identifier columns are replaced by their keyed pseudonyms.

    Parameters
    ----------
    df
        The table holding the identifiers.
    columns
        A column name, a list of names (each replaced in place), or a mapping ``{identifier
        column: pseudonym column}`` (the identifier column is dropped).
    key
        A :class:`Key` (or bytes/str of at least 16 bytes, wrapped in one).
    normalise
        A :class:`Normalisation` (default: :data:`DEFAULT_NORMALISATION`), any function
        ``str -> str``, or ``None`` to hash the identifier's text exactly as it is.
    label
        The name used for this table in error messages.
    max_errors
        Stop collecting bad identifiers after this many.

    Returns
    -------
    pandas.DataFrame
        The copy; each pseudonym column has dtype ``Int64`` (missing identifiers stay missing).

    Raises
    ------
    famgraph.DataError
        For values that cannot be identifiers (booleans, fractions, other types): each names the
        row (position + 2) and column, never the value itself.

    Example
    -------
    >>> import pandas as pd
    >>> from famgraph.privacy import Key, pseudonymise
    >>> df = pd.DataFrame({"bsn": ["123456782", "123-456-782"], "x": [1, 2]})
    >>> out = pseudonymise(df, {"bsn": "pseudonym"}, Key("0123456789abcdef"))
    >>> list(out.columns), out["pseudonym"].nunique()
    (['x', 'pseudonym'], 1)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    k = _as_key(key)
    mapping = _column_map(df, columns)
    out = df.copy()
    issues: list[DataIssue] = []
    for source, target in mapping.items():
        series = df[source]
        if isinstance(series, pd.DataFrame):
            raise ValueError(f"{label}: column {source!r} appears more than once")
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        values = np.empty(len(uniques), dtype=np.int64)
        present = np.ones(len(uniques), dtype=bool)
        bad: dict[int, str] = {}
        for i, raw in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)):
            try:
                text = normalise_identifier(raw, normalise)
            except _BadIdentifier as e:
                bad[i] = str(e)
                present[i] = False
                continue
            if text is None:
                present[i] = False
                values[i] = 0
            else:
                values[i] = _to_int64(k.digest(text.encode("utf-8")))
        if bad and len(issues) < max_errors:
            for row in np.flatnonzero(np.isin(codes, list(bad))):
                if len(issues) >= max_errors:
                    break
                issues.append(
                    DataIssue(
                        "error",
                        "identifier.invalid",
                        label,
                        int(row) + 2,
                        source,
                        "",
                        f"not an identifier: {bad[int(codes[row])]} (the value is not shown)",
                    )
                )
        known = codes >= 0
        take = np.where(known, codes, 0)
        ok = known & present[take] if len(uniques) else np.zeros(len(codes), dtype=bool)
        result = pd.array(np.where(ok, values[take] if len(uniques) else 0, 0), dtype="Int64")
        result[~ok] = pd.NA
        if target != source:
            out = out.drop(columns=[source])
        out[target] = pd.Series(result, index=df.index)
    if issues:
        n = len(issues)
        lines = "\n".join(f"  {i}" for i in issues)
        raise DataError(f"{n} error{'s' if n != 1 else ''} in the input:\n{lines}", issues, n >= max_errors)
    return out


def collision_probability(n: int, bits: int = 64) -> float:
    """Probability that ``n`` distinct identifiers do not all get distinct pseudonyms.

    The birthday bound for ``2**bits − 1`` equally likely values (one int64 value is reserved):
    ``1 − exp(−n(n−1) / (2·(2**bits − 1)))``, computed without cancellation.

    Example
    -------
    >>> from famgraph.privacy import collision_probability
    >>> round(collision_probability(18_000_000) * 1e6, 2)
    8.78
    """
    if n < 2:
        return 0.0
    return float(-np.expm1(-n * (n - 1) / (2.0 * (2.0**bits - 1))))
