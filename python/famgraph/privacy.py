"""Keyed pseudonyms for linking records across organisations (docs/spec/disclosure.md §pseudonyms).

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

The same module derives the keys of the **cell key method** (``docs/disclosure.md``, "The cell key
method"): a record key per person, event row, incident, nuclear family or contact
(:func:`person_keys`, :func:`event_keys`, :func:`incident_keys`, :func:`family_keys`,
:func:`contact_keys`), a digest of the input (:func:`content_digest`) and the cell keys of both
scopes (:func:`cell_keys`), all with HMAC-SHA256 under a :class:`Key`.

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

import datetime as _dt
import hashlib
import hmac
import math
import numbers
import os
import struct
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _files, _rules
from ._errors import DataError, DataIssue

__all__ = [
    "CELL_KEY_DOMAIN",
    "DEFAULT_NORMALISATION",
    "MIN_KEY_BYTES",
    "RECOMMENDED_KEY_BYTES",
    "RECORD_KINDS",
    "RESERVED_INT64",
    "Key",
    "Normalisation",
    "WeakKeyWarning",
    "cell_keys",
    "collision_probability",
    "contact_keys",
    "content_digest",
    "event_keys",
    "family_keys",
    "incident_keys",
    "normalise_identifier",
    "person_keys",
    "pseudonym",
    "pseudonymise",
    "record_keys",
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

    def _digests8(self, prefix: bytes, messages: Sequence[bytes]) -> bytes:
        """The first 8 bytes of HMAC-SHA256(key, prefix + m) for every message, concatenated.

        RFC 2104 with the inner and outer SHA-256 states after the padded key computed once and
        copied per message — the same HMAC as :meth:`digest` (the tests compare them), about twice
        as fast on OpenSSL 3, whose one-shot HMAC has a large fixed cost per call.
        """
        k = self.__secret
        if len(k) > 64:
            k = hashlib.sha256(k).digest()
        k = k.ljust(64, b"\x00")
        inner0 = hashlib.sha256(bytes(b ^ 0x36 for b in k))
        outer0 = hashlib.sha256(bytes(b ^ 0x5C for b in k))
        inner0.update(prefix)
        out = bytearray(8 * len(messages))
        for j, m in enumerate(messages):
            inner = inner0.copy()
            inner.update(m)
            outer = outer0.copy()
            outer.update(inner.digest())
            out[8 * j : 8 * j + 8] = outer.digest()[:8]
        return bytes(out)

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


# ---- keys of the cell key method ----------------------------------------------------------------
#
# Every key below is the first 8 bytes (big-endian, unsigned) of an HMAC-SHA256 under the secret
# Key, of a message that starts with CELL_KEY_DOMAIN and names what it is for, so that keys of
# different kinds, and the pseudonyms above, can never coincide by construction of the message.
# The encodings are documented in docs/disclosure.md ("Record keys") so that another
# implementation can reproduce them.

#: The prefix of every message hashed for the cell key method (versioned: a change of encoding
#: changes the version, and with it every key).
CELL_KEY_DOMAIN: Final = b"famgraph/cell-key/v1\x00"
#: The record kinds famgraph defines keys for (any other kind is accepted by :func:`record_keys`).
RECORD_KINDS: Final = ("person", "event", "incident", "family", "contact")
_ROLES: Final = _rules.ROLES
_CHUNK: Final = 1 << 16
_MISSING: Final = b"-"

U64Array = npt.NDArray[np.uint64]


def _enc_int(value: int) -> bytes:
    return b"i" + struct.pack(">q", value)


def _enc_text(value: str) -> bytes:
    raw = value.encode("utf-8")
    return b"s" + struct.pack(">I", len(raw)) + raw


def _enc_value(value: object) -> bytes | None:
    """The field encoding of one value (``None`` when it is not a valid field value)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return _MISSING
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, str):
        return _enc_text(value)
    if isinstance(value, numbers.Integral):
        x = int(value)
        return _enc_int(x) if -(2**63) <= x < 2**63 else None
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return _MISSING
        if not math.isfinite(f) or f != math.floor(f) or abs(f) >= 2.0**63:
            return None
        return _enc_int(int(f))
    if isinstance(value, pd.Timestamp | _dt.datetime | _dt.date | np.datetime64):
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            return _MISSING
        text = ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
        return _enc_text(text)
    return None


def _column_encodings(values: Any, name: str, n: int | None) -> list[bytes]:
    """The field encoding of every value of a column; errors name the column and row only."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name}: expected one column (a Series, array or list), got a DataFrame")
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise TypeError(f"{name}: expected a column (a Series, array or list), got {type(values).__name__}")
    if n is not None and len(values) != n:
        raise ValueError(f"{name} has {len(values)} values; expected {n} (one per record)")
    arr = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else values
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "iu":
        if arr.dtype.kind == "u" and arr.size and int(arr.max()) >= 2**63:
            raise ValueError(f"{name}: an id does not fit in int64 (ids are int64 pseudonyms)")
        buf = np.ascontiguousarray(arr, dtype=">i8").tobytes()
        return [b"i" + buf[8 * j : 8 * j + 8] for j in range(len(arr))]
    if isinstance(arr, np.ndarray) and arr.dtype.kind == "b":
        raise TypeError(f"{name}: a boolean column is not an identifier")
    if isinstance(arr, np.ndarray) and arr.dtype.kind == "M":
        arr = np.asarray(pd.DatetimeIndex(arr).astype(object))  # Timestamps (NaT kept), not integers
    out: list[bytes] = []
    for row, value in enumerate(arr.tolist() if hasattr(arr, "tolist") else list(arr)):
        enc = _enc_value(value)
        if enc is None:
            raise ValueError(
                f"{name}, row {row}: not a valid value for a record key (expected an int64 id, a "
                f"text, a date or a missing value; the value is not shown)"
            )
        out.append(enc)
    return out


def _digests_u64(key: Key, prefix: bytes, rows: Sequence[bytes]) -> U64Array:
    """First 8 bytes of HMAC(key, prefix + row) for every row, as uint64."""
    out = np.empty(len(rows), dtype=np.uint64)
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        out[start : start + len(chunk)] = np.frombuffer(key._digests8(prefix, chunk), dtype=">u8")
    return out


def _kind_prefix(kind: str) -> bytes:
    if not isinstance(kind, str) or not kind or not kind.isascii() or "\x00" in kind:
        raise ValueError(f"kind must be a non-empty ASCII name such as 'person', got {kind!r}")
    return CELL_KEY_DOMAIN + kind.encode("ascii") + b"\x00"


def record_keys(key: Key | bytes | str, kind: str, *columns: Any) -> U64Array:
    """Record keys of the cell key method: one uint64 per record, from its identifying values.

    ``key(record) = first 8 bytes of HMAC-SHA256(secret, CELL_KEY_DOMAIN + kind + 0x00 + fields)``,
    big-endian unsigned, where each field is ``b"i"`` + 8-byte big-endian int64, ``b"s"`` + 4-byte
    big-endian length + UTF-8 text, or ``b"-"`` for a missing value. A key stands for the number
    key / 2⁶⁴ in [0, 1). The same secret and values always give the same key; without the secret,
    keys are unpredictable and independent. Prefer the functions for famgraph's record kinds
    (:func:`person_keys`, :func:`event_keys`, :func:`incident_keys`, :func:`family_keys`,
    :func:`contact_keys`).

    Example
    -------
    >>> from famgraph.privacy import Key, record_keys
    >>> k = record_keys(Key(b"0123456789abcdef"), "person", [1, 2, 1])
    >>> k.dtype, bool(k[0] == k[2]), bool(k[0] != k[1])
    (dtype('uint64'), True, True)
    """
    k = _as_key(key)
    prefix = _kind_prefix(kind)
    if not columns:
        raise ValueError("record_keys: give at least one column of identifying values")
    n = len(columns[0]) if hasattr(columns[0], "__len__") else None
    encoded = [_column_encodings(c, f"column {i}", n) for i, c in enumerate(columns)]
    rows = encoded[0] if len(encoded) == 1 else [b"".join(t) for t in zip(*encoded, strict=True)]
    return _digests_u64(k, prefix, rows)


def _require_present(encoded: list[bytes], name: str) -> None:
    for row, e in enumerate(encoded):
        if e == _MISSING:
            raise ValueError(f"{name}, row {row}: missing value (a record key needs it)")


def person_keys(key: Key | bytes | str, person_id: Any) -> U64Array:
    """Record keys of persons, from their ``person_id`` (already a pseudonym in linked data).

    Example
    -------
    >>> from famgraph.privacy import Key, person_keys, record_keys
    >>> k = Key(b"0123456789abcdef")
    >>> bool((person_keys(k, [7, 8]) == record_keys(k, "person", [7, 8])).all())
    True
    """
    k = _as_key(key)
    enc = _column_encodings(person_id, "person_id", None)
    _require_present(enc, "person_id")
    return _digests_u64(k, _kind_prefix("person"), enc)


def incident_keys(key: Key | bytes | str, incident_id: Any) -> U64Array:
    """Record keys of incidents, from their ``incident_id`` (for counts of incidents)."""
    k = _as_key(key)
    enc = _column_encodings(incident_id, "incident_id", None)
    _require_present(enc, "incident_id")
    return _digests_u64(k, _kind_prefix("incident"), enc)


def event_keys(key: Key | bytes | str, incident_id: Any, person_id: Any, role: Any) -> U64Array:
    """Record keys of event rows — one participant of one incident in one role.

    Fields: ``incident_id``, ``person_id``, ``role`` (the text ``victim``, ``perpetrator``,
    ``witness`` or ``other``), so that the same row always gets the same key, also when the events
    table is reordered.
    """
    k = _as_key(key)
    inc = _column_encodings(incident_id, "incident_id", None)
    pid = _column_encodings(person_id, "person_id", len(inc))
    roles = role.to_numpy() if isinstance(role, pd.Series) else role
    if hasattr(roles, "__len__") and len(roles) != len(inc):
        raise ValueError(f"role has {len(roles)} values; expected {len(inc)} (one per record)")
    rol: list[bytes] = []
    for row, r in enumerate(roles.tolist() if hasattr(roles, "tolist") else list(roles)):
        if r not in _ROLES:
            raise ValueError(f"role, row {row}: not a role (expected {', '.join(_ROLES)})")
        rol.append(_enc_text(r))
    _require_present(inc, "incident_id")
    _require_present(pid, "person_id")
    return _digests_u64(k, _kind_prefix("event"), [a + b + c for a, b, c in zip(inc, pid, rol, strict=True)])


def family_keys(key: Key | bytes | str, parent_a: Any, parent_b: Any) -> U64Array:
    """Record keys of nuclear families, from their parents as an *unordered* pair.

    A family is keyed by its two parents' ``person_id`` in ascending order; a single-parent family
    (the other parent unknown) by its parent and a missing value. ``(1, 2)`` and ``(2, 1)`` give the
    same key; a row with both parents missing is an error.

    Example
    -------
    >>> from famgraph.privacy import Key, family_keys
    >>> k = family_keys(Key(b"0123456789abcdef"), [1, 2, 5], [2, 1, None])
    >>> bool(k[0] == k[1]), bool(k[2] != k[0])
    (True, True)
    """
    k = _as_key(key)
    a = _column_encodings(parent_a, "parent_a", None)
    b = _column_encodings(parent_b, "parent_b", len(a))
    rows: list[bytes] = []
    for row, (x, y) in enumerate(zip(a, b, strict=True)):
        if x == _MISSING and y == _MISSING:
            raise ValueError(f"family row {row}: both parents are missing")
        if (x != _MISSING and x[:1] != b"i") or (y != _MISSING and y[:1] != b"i"):
            raise ValueError(f"family row {row}: parents must be int64 person ids")
        if x == _MISSING or (y != _MISSING and struct.unpack(">q", y[1:])[0] < struct.unpack(">q", x[1:])[0]):
            x, y = y, x
        rows.append(x + y)
    return _digests_u64(k, _kind_prefix("family"), rows)


def contact_keys(
    key: Key | bytes | str,
    person_id: Any,
    source: Any,
    start_date: Any,
    end_date: Any = None,
    kind: Any = None,
) -> U64Array:
    """Record keys of contact rows, from all their columns.

    Fields: ``person_id``, ``source``, ``start_date``, ``end_date`` and ``kind`` (a column left out
    is missing in every row). Dates are encoded as ISO text: pass them as the Dataset exports them
    (``ds.contacts``) or as dates/Timestamps (``2010-03-01``), the same way in every run.
    """
    k = _as_key(key)
    pid = _column_encodings(person_id, "person_id", None)
    n = len(pid)
    src = _column_encodings(source, "source", n)
    start = _column_encodings(start_date, "start_date", n)
    end = [_MISSING] * n if end_date is None else _column_encodings(end_date, "end_date", n)
    knd = [_MISSING] * n if kind is None else _column_encodings(kind, "kind", n)
    _require_present(pid, "person_id")
    _require_present(src, "source")
    _require_present(start, "start_date")
    rows = [b"".join(t) for t in zip(pid, src, start, end, knd, strict=True)]
    return _digests_u64(k, _kind_prefix("contact"), rows)


def _as_u64(values: Any, name: str) -> U64Array:
    """A one-dimensional uint64 array of keys or key sums (integers in 0 .. 2⁶⁴ − 1)."""
    if isinstance(values, list | tuple):
        # Python ints above 2⁶³ would become float64 in np.asarray: convert them exactly.
        values = np.array(values, dtype=object) if values else np.array([], dtype=np.uint64)
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a one-dimensional array, got {arr.ndim} dimensions")
    if arr.dtype.kind == "u":
        return arr.astype(np.uint64, copy=False)
    if arr.dtype.kind == "i":
        if arr.size and int(arr.min()) < 0:
            raise ValueError(f"{name}: keys are integers from 0 to 2**64 - 1; got a negative value")
        return arr.astype(np.uint64)
    if arr.dtype.kind == "O":
        items = arr.tolist()
        if all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in items):
            if any(not 0 <= int(x) < 2**64 for x in items):
                raise ValueError(f"{name}: keys are integers from 0 to 2**64 - 1; got one outside")
            return np.array([int(x) for x in items], dtype=np.uint64)
    raise TypeError(f"{name}: expected integers from 0 to 2**64 - 1 (uint64), got dtype {arr.dtype}")


def cell_keys(
    key: Key | bytes | str,
    key_sums: Any,
    *,
    scope: Literal["data", "records"] = "data",
    digest: bytes | None = None,
) -> U64Array:
    """The cell keys that select each cell's noise, from the cells' key sums.

    ``scope="records"`` (pure ABS): the cell key is the key sum itself (Σ record keys mod 2⁶⁴), so a
    cell gets the same noise in every run in which it has the same records. ``scope="data"``: the
    cell key is ``first 8 bytes of HMAC-SHA256(secret, CELL_KEY_DOMAIN + b"cell\\x00" + digest +
    key sum as 8 bytes big-endian)``, where ``digest`` (32 bytes, :func:`content_digest`) identifies
    the input data and the options of the run: the same cells of the same run still get the same
    noise, but a run on different data (or with different options) draws fresh, independent noise
    for *every* cell. docs/disclosure.md explains the difference (the one-record differencing
    attack).

    Example
    -------
    >>> from famgraph.privacy import Key, cell_keys, content_digest
    >>> k = Key(b"0123456789abcdef")
    >>> cell_keys(k, [5, 2**64 - 1], scope="records").tolist()
    [5, 18446744073709551615]
    >>> d1, d2 = content_digest("run 1"), content_digest("run 2")
    >>> a = cell_keys(k, [5, 5], digest=d1)
    >>> bool(a[0] == a[1]), bool(cell_keys(k, [5], digest=d2)[0] != a[0])
    (True, True)
    """
    k = _as_key(key)
    sums = _as_u64(key_sums, "key_sums")
    if scope == "records":
        if digest is not None:
            raise ValueError("digest: scope='records' uses no digest (the noise depends on the records only)")
        return sums.copy()
    if scope != "data":
        raise ValueError(f"scope must be 'data' or 'records', got {scope!r}")
    if not isinstance(digest, bytes) or len(digest) != 32:
        raise ValueError(
            "digest: scope='data' needs the 32-byte content digest of the run "
            "(famgraph.privacy.content_digest(<input tables>, <options>))"
        )
    prefix = _kind_prefix("cell") + digest
    return _digests_u64(k, prefix, [struct.pack(">Q", int(s)) for s in sums.tolist()])


# ---- content digest -------------------------------------------------------------------------------


def _digest_part(h: Any, part: object, where: str) -> None:
    """Feed the canonical encoding of one part into the SHA-256 object ``h``."""
    if isinstance(part, pd.DataFrame):
        h.update(b"F" + struct.pack(">Q", part.shape[1]))
        for name in part.columns:
            _digest_part(h, str(name), where)
            _digest_part(h, part[name], f"{where}[{name!r}]")
        return
    if isinstance(part, pd.Series | pd.Index | np.ndarray | pd.api.extensions.ExtensionArray):
        if isinstance(part, pd.Series | pd.Index):
            values = part.to_numpy() if isinstance(part.dtype, np.dtype) else part.array
        else:
            values = part
        if isinstance(values, np.ndarray) and values.ndim != 1:
            raise ValueError(f"content_digest: {where} has {values.ndim} dimensions; expected 1")
        arr = values.to_numpy() if isinstance(values, pd.api.extensions.ExtensionArray) else values
        n = len(arr)
        if isinstance(values, np.ndarray) and values.dtype.kind in "biufcmM":
            le = values.dtype.newbyteorder("<") if values.dtype.byteorder == ">" else values.dtype
            h.update(b"A" + le.str.encode() + struct.pack(">Q", n))  # byte order normalised
            h.update(np.ascontiguousarray(values, dtype=le).tobytes())
            return
        # Everything else (text, nullable, categorical, mixed): first-appearance codes + values.
        codes, uniques = pd.factorize(np.asarray(arr, dtype=object), use_na_sentinel=True)
        h.update(b"C" + struct.pack(">QQ", n, len(uniques)))
        h.update(np.ascontiguousarray(codes, dtype="<i8").tobytes())
        for u in uniques.tolist():
            _digest_part(h, u, where)
        return
    if isinstance(part, Mapping):
        h.update(b"M" + struct.pack(">Q", len(part)))
        for name in sorted(part, key=str):
            _digest_part(h, str(name), where)
            _digest_part(h, part[name], f"{where}[{name!r}]")
        return
    if isinstance(part, bytes | bytearray | memoryview):
        raw = bytes(part)
        h.update(b"B" + struct.pack(">Q", len(raw)) + raw)
        return
    if isinstance(part, list | tuple):
        h.update(b"L" + struct.pack(">Q", len(part)))
        for i, x in enumerate(part):
            _digest_part(h, x, f"{where}[{i}]")
        return
    if isinstance(part, float | np.floating):
        x = float(part)
        if not math.isnan(x) and not (math.isfinite(x) and x.is_integer() and abs(x) < 2.0**63):
            h.update(b"f" + struct.pack(">d", x))  # fractions and infinities; integral floats as ints
            return
    if isinstance(part, bool | np.bool_):
        h.update(b"b" + (b"\x01" if part else b"\x00"))
        return
    enc = _enc_value(part)
    if enc is None:
        raise TypeError(
            f"content_digest: {where} is a {type(part).__name__}; expected DataFrames, Series, arrays, "
            f"mappings, lists, text, numbers, dates or bytes"
        )
    h.update(enc)


def content_digest(*parts: object) -> bytes:
    """A 32-byte SHA-256 digest of the input of a run, for the ``"data"`` scope of :func:`cell_keys`.

    Pass everything that decides which records are counted: the input tables (DataFrames or
    columns, in a canonical order such as the sorted tables of a Dataset) and the options (window,
    subgroups, … as a mapping). Equal parts give equal digests on every machine; any change to a
    value, a column name, a column's type or an option changes it. The digest is not secret (it
    contains no key); the index of a DataFrame is ignored, the order of rows is not.

    Example
    -------
    >>> import pandas as pd
    >>> from famgraph.privacy import content_digest
    >>> df = pd.DataFrame({"person_id": [1, 2], "sex": ["F", "M"]})
    >>> d = content_digest(df, {"window": "2010:2019"})
    >>> len(d), d == content_digest(df.copy(), {"window": "2010:2019"})
    (32, True)
    >>> d == content_digest(df.iloc[:1], {"window": "2010:2019"})
    False
    """
    h = hashlib.sha256(b"famgraph/content/v1\x00")
    h.update(struct.pack(">Q", len(parts)))
    for i, part in enumerate(parts):
        _digest_part(h, part, f"part {i}")
    return h.digest()


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
