"""Builders of hostile model files: code-executing pickles, truncated and mislabelled files,
bad memo references, absurd sizes and deep nesting. Each builder returns a list of
Case(name, data, expect) where expect lists substrings stderr must contain (case-insensitive).
"""

import dataclasses
import io
import os
import pickle
import struct
import tempfile
import zlib
from typing import List

import joblib
import numpy as np
from joblib import numpy_pickle
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

GIB = 1 << 30
HUGE_ELEMENTS = (100 * GIB) // 8  # float64 elements in 100 GiB


@dataclasses.dataclass
class Case:
    name: str
    data: bytes
    expect: List[str] = dataclasses.field(default_factory=list)
    sentinel: str = ""  # a file the payload would create; must not exist afterwards
    suffix: str = ".pkl"


def _unicode(s, short=True):
    b = s.encode()
    return (b"\x8c" + bytes([len(b)]) + b) if short else (b"X" + struct.pack("<I", len(b)) + b)


def code_payloads(sentinel_for):
    """Pickles that would run code. Each is checked live with Python by the runner first."""
    cases = []

    def p2_global(module, name, arg_ops):
        return b"\x80\x02c" + f"{module}\n{name}\n".encode() + arg_ops + b"R."

    def p4_stack_global(module, name, arg_ops):
        return (b"\x80\x04" + _unicode(module) + _unicode(name) + b"\x93" + arg_ops + b"R.")

    s = sentinel_for("os_system")
    cases.append(Case("os.system (protocol 2 GLOBAL)",
                      p2_global("os", "system", _unicode(f"touch {s}", False) + b"\x85"),
                      ["os", "system"], s))
    s = sentinel_for("builtins_open")
    cases.append(Case("builtins.open (protocol 4 STACK_GLOBAL)",
                      p4_stack_global("builtins", "open", _unicode(s) + _unicode("w") + b"\x86"),
                      ["builtins", "open"], s))
    s = sentinel_for("subprocess_popen")
    args = b"(" + _unicode("touch") + _unicode(s) + b"l\x85"  # (["touch", s],)
    cases.append(Case("subprocess.Popen (protocol 4)",
                      p4_stack_global("subprocess", "Popen", args), ["subprocess", "Popen"], s))
    s = sentinel_for("builtins_eval")
    cases.append(Case("builtins.eval (protocol 2)",
                      p2_global("builtins", "eval", _unicode(f"open({s!r}, 'w')", False) + b"\x85"),
                      ["builtins", "eval"], s))
    s = sentinel_for("nested_in_model")
    cases.append(Case("os.system hidden inside a fitted LinearRegression (joblib zlib)",
                      _model_with_payload(s), ["system"], s, ".joblib"))
    return cases


class _Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def _model_with_payload(sentinel):
    model = LinearRegression().fit(np.arange(20.0).reshape(10, 2), np.arange(10.0))
    model.extra_state_ = _Payload(sentinel)
    raw = io.BytesIO()
    joblib.dump(model, raw)
    return zlib.compress(raw.getvalue())  # joblib's zlib format: a bare zlib stream


def _file_bytes(write, suffix):
    """Bytes of a file written by write(path) (libraries that only save to paths)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model" + suffix)
        write(path)
        with open(path, "rb") as f:
            return f.read()


def valid_models():
    """(name, suffix, bytes) of small valid model files to truncate."""
    import xgboost as xgb
    X = np.random.default_rng(0).normal(size=(200, 4))
    y = X[:, 0] * 2 + X[:, 1]
    lin = LinearRegression().fit(X, y)
    forest = RandomForestRegressor(n_estimators=5, max_depth=5, random_state=0).fit(X, y)
    out = [("linear pickle p4", ".pkl", pickle.dumps(lin, protocol=4))]
    for compress, label in ((0, "forest joblib"), (("zlib", 3), "forest joblib zlib"),
                            (("xz", 3), "forest joblib xz")):
        data = _file_bytes(lambda p: joblib.dump(forest, p, compress=compress), ".joblib")
        out.append((label, ".joblib", data))
    booster = xgb.XGBRegressor(n_estimators=5, max_depth=3).fit(X, y)
    for fmt in ("json", "ubj"):
        out.append((f"xgboost {fmt}", "." + fmt, _file_bytes(booster.save_model, "." + fmt)))
    return out


def truncated():
    cases = []
    for name, suffix, data in valid_models():
        for cut in sorted({1, len(data) // 3, len(data) // 2, len(data) - 1}):
            cases.append(Case(f"truncated {name} at {cut}/{len(data)}", data[:cut], [],
                              suffix=suffix))
    return cases


def wrong_magic():
    return [
        Case("empty file", b""),
        Case("plain text", b"hello, this is not a model\n", suffix=".joblib"),
        Case("PNG header", b"\x89PNG\r\n\x1a\n" + bytes(64), suffix=".pkl"),
        Case("random bytes", bytes(np.random.default_rng(1).integers(0, 256, 4096,
                                                                     dtype=np.uint8))),
        Case("zlib stream of text", zlib.compress(b"just some text, not a pickle" * 10),
             suffix=".joblib"),
        Case("JSON that is not an XGBoost model", b'{"learner": 5, "version": [1, 7, 4]}',
             suffix=".json"),
        Case("CSV passed as a model", b"a,b,c\n1,2,3\n", suffix=".json"),
        Case("pickle of a plain dict", pickle.dumps({"coef_": [1.0, 2.0]}, protocol=4)),
    ]


def bad_memo():
    return [
        Case("BINGET of an empty memo", b"\x80\x02h\x05.", ["memo"]),
        Case("LONG_BINGET index 2^32-1", b"\x80\x04j\xff\xff\xff\xff.", ["memo"]),
        Case("BINGET past the stored entries", b"\x80\x02]q\x00h\x01.", ["memo"]),
        Case("MEMOIZE on an empty stack", b"\x80\x04\x94.", []),
        Case("BINPUT on an empty stack", b"\x80\x02q\x00.", []),
    ]


class _FakeArray:
    """Pickles like numpy's ndarray reconstruction, but with a lying shape."""

    def __init__(self, protocol5=False):
        self.protocol5 = protocol5

    def __reduce__(self):
        if self.protocol5:
            from numpy.core.numeric import _frombuffer
            return (_frombuffer, (b"\x00" * 8, np.dtype("f8"), (HUGE_ELEMENTS,), "C"))
        from numpy.core.multiarray import _reconstruct
        return (_reconstruct, (np.ndarray, (0,), b"b"),
                (1, (HUGE_ELEMENTS,), np.dtype("f8"), False, b"\x00" * 8))


class _LyingWrapperPickler(numpy_pickle.NumpyPickler):
    """joblib's pickler, but every array header claims 100 GiB of float64."""

    def _create_array_wrapper(self, array):
        wrapper = super()._create_array_wrapper(array)
        wrapper.shape = (HUGE_ELEMENTS,)
        return wrapper


def absurd_sizes():
    lin = LinearRegression().fit(np.arange(20.0).reshape(10, 2), np.arange(10.0))
    cases = []
    for protocol, p5 in ((2, False), (4, False), (5, True)):
        m = LinearRegression().fit(np.arange(20.0).reshape(10, 2), np.arange(10.0))
        m.coef_ = _FakeArray(protocol5=p5)
        cases.append(Case(f"ndarray header claiming 100 GiB (pickle protocol {protocol})",
                          pickle.dumps(m, protocol=protocol)))
    buf = io.BytesIO()
    _LyingWrapperPickler(buf, protocol=4).dump(lin)
    cases.append(Case("joblib array wrapper claiming 100 GiB", buf.getvalue(), suffix=".joblib"))
    huge = struct.pack("<Q", 100 * GIB)
    cases += [
        Case("BINBYTES8 claiming 100 GiB", b"\x80\x04\x8e" + huge + b"abc."),
        Case("BINUNICODE8 claiming 100 GiB", b"\x80\x04\x8d" + huge + b"abc."),
        Case("BYTEARRAY8 claiming 100 GiB", b"\x80\x05\x96" + huge + b"abc."),
        Case("FRAME claiming 100 GiB", b"\x80\x04\x95" + huge + b"N."),
        Case("LONG4 claiming 2 GiB", b"\x80\x02\x8b\xff\xff\xff\x7f" + b"\x01" * 16 + b"."),
        Case("UBJSON typed array claiming 2^36 float32",
             b"{L\x00\x00\x00\x00\x00\x00\x00\x07learner[$d#L" + struct.pack(">q", 1 << 36)
             + b"\x00" * 16, suffix=".ubj"),
        Case("UBJSON string claiming 2^40 bytes",
             b"{L\x00\x00\x00\x00\x00\x00\x00\x07versionSL" + struct.pack(">q", 1 << 40)
             + b"abc", suffix=".ubj"),
    ]
    return cases


def deep_nesting(depth=100_000):
    return [
        Case(f"{depth} nested lists via MARK/LIST", b"\x80\x02" + b"(" * depth + b"l" * depth
             + b"."),
        Case(f"{depth} nested lists via EMPTY_LIST/APPEND",
             b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."),
        Case(f"{depth} unclosed MARKs", b"\x80\x02" + b"(" * depth + b"."),
        Case(f"{depth} nested tuples via MARK/TUPLE", b"\x80\x02" + b"(" * depth + b"t" * depth
             + b"."),
        Case(f"JSON with {depth} nested arrays", b"[" * depth + b"]" * depth, suffix=".json"),
        Case(f"JSON with {depth} nested objects", b'{"a":' * depth + b"1" + b"}" * depth,
             suffix=".json"),
        Case(f"UBJSON with {depth} nested arrays", b"[" * depth + b"]" * depth, suffix=".ubj"),
        Case(f"UBJSON with {depth} nested objects",
             b"{L\x00\x00\x00\x00\x00\x00\x00\x01a" * depth + b"Z" + b"}" * depth, suffix=".ubj"),
    ]
