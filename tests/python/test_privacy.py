"""Keyed pseudonyms (famgraph.privacy, docs/linkage.md).

The HMAC primitive is checked against the published RFC 4231 test vectors (hex digests copied
from the RFC, not computed), the int64 mapping against those digests by hand, the collision
probability against the exact birthday product, and the key against every way it could leak.
"""

from __future__ import annotations

import base64
import copy
import logging
import math
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import famgraph as fg
from famgraph import privacy
from famgraph.cli import main
from famgraph.privacy import Key, Normalisation, WeakKeyWarning, normalise_identifier, pseudonym, pseudonymise

# The RFC test vectors and several tests use short or repetitive keys on purpose: the weak-key
# warning is tested by test_weak_keys_warn_without_revealing_the_key.
pytestmark = pytest.mark.filterwarnings("ignore::famgraph.privacy.WeakKeyWarning")

# RFC 4231, section 4: (key, data, HMAC-SHA-256 as printed in the RFC)
RFC4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (b"\xaa" * 20, b"\xdd" * 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (
        bytes(range(1, 26)),
        b"\xcd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ),
    # test case 5: the RFC prints only the first 128 bits
    (b"\x0c" * 20, b"Test With Truncation", "a3b6167473100ee06e0c796c2955552b"),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size data. The key "
        b"needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ),
]


@pytest.mark.parametrize(("key", "data", "expected"), RFC4231)
def test_hmac_sha256_rfc4231(key: bytes, data: bytes, expected: str) -> None:
    digest = privacy._hmac_sha256(key, data)
    assert digest.hex()[: len(expected)] == expected
    if len(key) >= privacy.MIN_KEY_BYTES:
        assert Key(key).digest(data).hex()[: len(expected)] == expected


@pytest.mark.parametrize("case", [0, 4, 5, 6])  # the vectors with text data and keys of >= 16 bytes
def test_pseudonym_is_first_8_bytes_big_endian_signed(case: int) -> None:
    key, data, expected = RFC4231[case]
    first = bytes.fromhex(expected[:16])
    value = (first[0] << 56 | int.from_bytes(first[1:], "big")) - (1 << 64 if first[0] >= 0x80 else 0)
    assert pseudonym(data.decode(), Key(key), normalise=None) == value


def test_test_case_1_by_hand() -> None:
    # b0344c61d8db3853 = 0xb0344c61d8db3853 - 2**64
    assert pseudonym("Hi There", Key(b"\x0b" * 20), normalise=None) == 0xB0344C61D8DB3853 - 2**64


def test_reserved_value_is_mapped_away() -> None:
    reserved = b"\x80" + b"\x00" * 7
    nxt = bytes.fromhex("0123456789abcdef")
    assert privacy._to_int64(reserved + nxt + b"\x00" * 16) == 0x0123456789ABCDEF
    assert privacy._to_int64(reserved + reserved + nxt + b"\x00" * 8) == 0x0123456789ABCDEF
    assert privacy._to_int64(reserved * 4) == -(2**63) + 1
    assert privacy._to_int64(bytes.fromhex("ffffffffffffffff") + b"\x00" * 24) == -1


def test_collision_probability_against_exact_product() -> None:
    n, space = 18_000_000, 2.0**64 - 1
    log_none = 0.0
    for start in range(0, n, 3_000_000):  # log P(no collision) = sum log(1 - i/N), i < n
        i = np.arange(start, min(n, start + 3_000_000), dtype=np.float64)
        log_none += float(np.sum(np.log1p(-i / space)))
    exact = -math.expm1(log_none)
    assert privacy.collision_probability(n) == pytest.approx(exact, rel=1e-6)
    assert 8.7e-6 < exact < 8.8e-6  # the value quoted in docs/linkage.md (about 1 in 114,000)
    assert privacy.collision_probability(1) == 0.0


@pytest.mark.parametrize(
    ("value", "normalise", "expected"),
    [
        (" 123.456.782 ", privacy.DEFAULT_NORMALISATION, "123456782"),
        ("123-456-782", privacy.DEFAULT_NORMALISATION, "123456782"),
        ("123 456\u00a0782", privacy.DEFAULT_NORMALISATION, "123456782"),
        ("１２３４５", privacy.DEFAULT_NORMALISATION, "12345"),  # full-width digits (NFKC)
        (123456782, privacy.DEFAULT_NORMALISATION, "123456782"),
        (123456782.0, privacy.DEFAULT_NORMALISATION, "123456782"),
        (np.int64(7), privacy.DEFAULT_NORMALISATION, "7"),
        (b"AB-12", privacy.DEFAULT_NORMALISATION, "ab-12"),
        ("  Jansen, P. ", privacy.DEFAULT_NORMALISATION, "jansen, p."),
        ("STRASSE", privacy.DEFAULT_NORMALISATION, "strasse"),
        ("Straße", privacy.DEFAULT_NORMALISATION, "strasse"),  # casefold, not lower
        (12345678, Normalisation(number_width=9), "012345678"),
        ("012345678", Normalisation(number_width=9), "012345678"),
        (" AB ", None, " AB "),
        ("AB", Normalisation(casefold=False), "AB"),
        ("000000000", Normalisation(zeros_are_missing=False), "000000000"),
        # missing
        (None, privacy.DEFAULT_NORMALISATION, None),
        (float("nan"), privacy.DEFAULT_NORMALISATION, None),
        (pd.NA, privacy.DEFAULT_NORMALISATION, None),
        ("", privacy.DEFAULT_NORMALISATION, None),
        ("   ", privacy.DEFAULT_NORMALISATION, None),
        ("-", privacy.DEFAULT_NORMALISATION, None),
        ("000000000", privacy.DEFAULT_NORMALISATION, None),
        (0, privacy.DEFAULT_NORMALISATION, None),
    ],
)
def test_normalisation(value: object, normalise: privacy.Normaliser, expected: str | None) -> None:
    assert normalise_identifier(value, normalise) == expected


def test_pseudonymise_frame() -> None:
    key = Key("0123456789abcdef-test")
    df = pd.DataFrame(
        {
            "bsn": ["123456782", "123.456.782", None, "", "987654321", "-"],
            "other": pd.array([1, None, 1, 2, 3, 4], dtype="Int64"),
            "keep": list("abcdef"),
        }
    )
    out = pseudonymise(df, {"bsn": "pseudonym"}, key)
    assert "bsn" not in out.columns and list(out.columns) == ["other", "keep", "pseudonym"]
    assert out["pseudonym"].dtype == "Int64"
    p = out["pseudonym"]
    assert p[0] == p[1] == pseudonym("123456782", key)
    assert p[2:4].isna().all() and pd.isna(p[5])
    assert p[4] == pseudonym("987654321", key) != p[0]
    assert df["bsn"][0] == "123456782"  # the input is not modified
    # in place (list of columns); integer columns; another key gives other pseudonyms
    both = pseudonymise(df, ["other"], key)
    assert both["other"][0] == both["other"][2] == pseudonym(1, key) and pd.isna(both["other"][1])
    assert pseudonymise(df, "bsn", Key("another key of 16 bytes"))["bsn"][0] != p[0]


def test_pseudonymise_bad_values_do_not_quote_them() -> None:
    df = pd.DataFrame({"id": ["1", 2.5, True, object(), "ok"]})
    with pytest.raises(fg.DataError) as e:
        pseudonymise(df, "id", Key(b"k" * 16), label="persons.csv")
    errors = e.value.errors
    assert [(x.rule, x.file, x.line, x.column, x.value) for x in errors] == [
        ("identifier.invalid", "persons.csv", 3, "id", ""),
        ("identifier.invalid", "persons.csv", 4, "id", ""),
        ("identifier.invalid", "persons.csv", 5, "id", ""),
    ]
    assert "2.5" not in str(e.value)
    with pytest.raises(ValueError, match="not found"):
        pseudonymise(df, "nope", Key(b"k" * 16))


# ---- the key ------------------------------------------------------------------------------------

SECRET = "Sup3r-s3cret-key-material-XYZ-42"


def leaks(text: str | bytes) -> bool:
    raw = SECRET.encode()
    forms = [raw, raw.hex().encode(), base64.b64encode(raw), repr(raw).encode(), SECRET[:12].encode()]
    data = text.encode() if isinstance(text, str) else text
    return any(f in data for f in forms)


def test_key_is_redacted_and_cannot_be_pickled() -> None:
    k = Key(SECRET)
    for shown in (repr(k), str(k), f"{k}", f"{k!r}", repr([k]), repr({"key": k})):
        assert shown.count("Key(<redacted>)") >= 1 and not leaks(shown)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(k)
    with pytest.raises(TypeError):
        vars(k)  # no __dict__
    assert copy.copy(k) is k and copy.deepcopy(k) is k
    assert k == Key(SECRET) and k != Key(SECRET + "!")
    with pytest.raises(TypeError):
        hash(k)


def test_short_or_bad_keys_give_clear_errors_without_the_key() -> None:
    with pytest.raises(ValueError, match="has 11 bytes; at least 16") as e:
        Key("SHORTSECRET")
    assert "SHORTSECRET" not in str(e.value)
    with pytest.raises(TypeError, match="bytes or str"):
        Key(12345)  # type: ignore[arg-type]


def test_key_from_file_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "key"
    f.write_bytes(SECRET.encode() + b"\r\n")
    assert Key.from_file(f) == Key(SECRET)
    assert Key.from_file(f, strip_newline=False) == Key(SECRET.encode() + b"\r\n")
    short = tmp_path / "short"
    short.write_bytes(b"tiny-secret\n")
    with pytest.raises(ValueError, match="has 11 bytes") as e:
        Key.from_file(short)
    assert "tiny-secret" not in str(e.value)
    with pytest.raises(FileNotFoundError, match="key file"):
        Key.from_file(tmp_path / "absent")
    monkeypatch.setenv("FG_TEST_KEY", SECRET)
    assert Key.from_env("FG_TEST_KEY") == Key(SECRET)
    monkeypatch.setenv("FG_TEST_KEY", "tiny")
    with pytest.raises(ValueError, match="has 4 bytes"):
        Key.from_env("FG_TEST_KEY")
    monkeypatch.delenv("FG_TEST_KEY")
    with pytest.raises(ValueError, match="FG_TEST_KEY is not set"):
        Key.from_env("FG_TEST_KEY")


def _export(folder: Path, rows: list[tuple[int, str | None, str, str, int | None]]) -> None:
    folder.mkdir()
    lines = ["person_id,identifier,sex,birth_date,exit_date,mother_id,father_id"]
    for pid, ident, sex, birth, mother in rows:
        lines.append(f"{pid},{ident or ''},{sex},{birth},,{mother or ''},")
    (folder / "persons.csv").write_text("\n".join(lines) + "\n")


def test_key_never_reaches_outputs_logs_or_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key_file = tmp_path / "key.txt"
    key_file.write_text(SECRET + "\n")
    _export(tmp_path / "police", [(1, "123456782", "F", "1960", None), (2, "111222333", "M", "1990", 1)])
    _export(tmp_path / "care", [(7, "123-456-782", "F", "1960-02", None), (8, None, "U", "1995", None)])
    out = tmp_path / "linked"
    argv = ["link", str(tmp_path / "police"), str(tmp_path / "care"), "--key-file", str(key_file)]
    assert main([*argv, "--out", str(out), "--min-cell", "0"]) == 0
    produced = capsys.readouterr()
    texts: list[str | bytes] = [produced.out, produced.err, caplog.text]
    texts += [p.read_bytes() for p in out.iterdir()]
    # the raw identifiers never reach the output either
    assert not any(b"123456782" in (t if isinstance(t, bytes) else t.encode()) for t in texts)
    # errors: a data error and usage errors, with the key loaded
    _export(tmp_path / "bad", [(1, "123", "X", "1960", None)])
    assert (
        main(["link", str(tmp_path / "bad"), "--key-file", str(key_file), "--out", str(tmp_path / "o2")]) == 1
    )
    assert main([*argv, "--out", str(out)]) == 2  # --out not empty
    assert main([*argv, "--out", str(tmp_path / "o3"), "--org", "one"]) == 2
    produced = capsys.readouterr()
    texts += [produced.out, produced.err, caplog.text]
    assert not any(leaks(t) for t in texts)
    # exceptions raised with a key in scope
    k = Key.from_file(key_file)
    for call in (
        lambda: pseudonymise(pd.DataFrame({"id": [1.5]}), "id", k),
        lambda: pseudonymise(pd.DataFrame({"id": [1]}), "missing", k),
        lambda: fg.link([fg.linkage.Export("A", pd.DataFrame({"person_id": [1]}))]),
    ):
        with pytest.raises(Exception) as e:
            call()
        assert not leaks(str(e.value)) and not leaks(repr(e.value))


@pytest.mark.filterwarnings("error::famgraph.privacy.WeakKeyWarning")
@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"a" * 40, "one byte repeated"),
        (b"abcd" * 10, "a pattern of 4 bytes repeated"),
        (b"0123456789abcdefghijklmnopqrstu" * 2, "a pattern of 31 bytes repeated"),
        (b"0123456789abcdef", "it has 16 bytes (32 or more recommended)"),
        (b"0123456789abcdefghijklmnopqrstu", "it has 31 bytes"),
        (b"0123456789abcde" * 2 + b"00", "only 15 distinct byte values"),  # 32 bytes, 15 kinds
        (b"ab" * 30 + b"b", "only 2 distinct byte values: about 61 bits"),
    ],
)
def test_weak_keys_warn_without_revealing_the_key(raw: bytes, why: str, tmp_path: Path) -> None:
    with pytest.warns(WeakKeyWarning, match=re.escape(why)) as got:
        Key(raw)
    message = str(got[0].message)
    assert raw.decode() not in message and raw[:8].decode() not in message
    assert issubclass(WeakKeyWarning, UserWarning)
    f = tmp_path / "key"
    f.write_bytes(raw + b"\n")
    with pytest.warns(WeakKeyWarning):
        Key.from_file(f)


@pytest.mark.filterwarnings("error::famgraph.privacy.WeakKeyWarning")
def test_strong_keys_do_not_warn() -> None:
    import secrets

    Key(secrets.token_bytes(32))
    Key(secrets.token_hex(32))  # openssl rand -hex 32: 64 characters of 16 kinds
    Key(b"0b8f6e2a9c41d7e3b5a0f9c2d8e1a4b7")  # 32 hex digits, all 16 kinds: 128 bits
    Key(SECRET)
    Key(base64.b64encode(secrets.token_bytes(32)))


@pytest.mark.filterwarnings("error::famgraph.privacy.WeakKeyWarning")
def test_a_weak_key_is_one_warning_line_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "key").write_bytes(b"k" * 40)
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "persons.csv").write_text(
        "person_id,sex,birth_date,exit_date,mother_id,father_id,identifier\n1,F,1960,,,,123456782\n"
    )
    code = main(
        ["link", str(tmp_path / "e"), "--key-file", str(tmp_path / "key"), "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "famgraph: warning: the pseudonymisation key looks weak: it is one byte repeated" in err
    assert "kkkk" not in err and "Traceback" not in err
