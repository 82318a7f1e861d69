// Python fixture scripts shared by the unpickler tests (run with /usr/bin/python3 <dir>).
#ifndef FERRY_MODEL_LOADERS_PICKLE_TEST_FIXTURES_H_
#define FERRY_MODEL_LOADERS_PICKLE_TEST_FIXTURES_H_

namespace ferry::pickle::testing {

// Writes arrays_p{2,3,4,5}.pkl (pickle.dump of a dict of arrays), arrays_joblib_<c>.pkl for
// each joblib compression (none, zlib, gzip, bz2, xz, lzma, lz4) and arrays.json with the
// expected shape, kind and C-order values of every array.
inline constexpr char kArraysScript[] = R"PY(
import json, os, pickle, sys
import numpy as np
import joblib
out = sys.argv[1]
ii = lambda t: np.array([np.iinfo(t).min, np.iinfo(t).max, 0, 1], dtype=t)
a = {
  'f8': np.array([1.5, -2.25, 1e300, 5e-324, 0.0, 0.1]),
  'f4': np.array([1.5, -0.1, 3.4e38], dtype=np.float32),
  'f2': np.array([1.5, -0.1, 65504, 6e-8], dtype=np.float16),
  'i1': ii(np.int8), 'i2': ii(np.int16), 'i4': ii(np.int32), 'i8': ii(np.int64),
  'u1': ii(np.uint8), 'u2': ii(np.uint16), 'u4': ii(np.uint32), 'u8': ii(np.uint64),
  'bool': np.array([True, False, True]),
  'be_f8': np.array([1.5, -2.0, 1e-300], dtype='>f8'),
  'be_i4': np.array([1, -2, 2**31 - 1], dtype='>i4'),
  'be_f4_2d': np.arange(6, dtype='>f4').reshape(2, 3) / 3,
  'c_2d': np.arange(12.0).reshape(3, 4) * 1.25,
  'f_2d': np.asfortranarray(np.arange(12.0).reshape(3, 4) * 1.25),
  'f_3d': np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 5),
  'f_be': np.asfortranarray(np.arange(6, dtype='>i8').reshape(2, 3) * -3),
  'zero_d': np.array(3.25),
  'empty': np.zeros((0, 3)),
  'strided': np.arange(20.0)[::3],
  'U': np.array(['a', 'h\u00e9llo', '\u65e5\u672c', '']),
  'S': np.array([b'ab', b'c']),
  'obj': np.array(['x', 1, None, 2.5, 'y'], dtype=object),
  'obj_f2d': np.asfortranarray(np.array([['a', 'b', 'c'], ['d', 'e', 'f']], dtype=object)),
  'struct': np.array([(1, 2.5, 3), (-4, 5.5, 6)], dtype=[('a', '<i8'), ('b', '>f8'), ('c', 'u1')]),
  'struct_aligned': np.array([(7, 0.5), (8, -1.5)], dtype=np.dtype([('x', 'u1'), ('y', '<f4')], align=True)),
  'scalar_f8': np.float64(2.5), 'scalar_i4': np.int32(-7), 'scalar_bool': np.bool_(True),
  'scalar_f4': np.float32(0.1),
}
def values(v):
  v = np.asarray(v)
  if v.dtype.names:
    return {n: [float(x) for x in v[n].ravel()] for n in v.dtype.names}
  if v.dtype.kind == 'S':
    return [x.decode('latin-1') for x in v.ravel()]
  if v.dtype.kind == 'O':
    return [x if (x is None or isinstance(x, str)) else float(x) for x in v.ravel()]
  if v.dtype.kind == 'f':
    return [float(x) for x in v.ravel()]
  return v.ravel().tolist()
spec = {k: {'shape': list(np.shape(v)), 'kind': np.asarray(v).dtype.kind, 'values': values(v)}
        for k, v in a.items()}
json.dump(spec, open(os.path.join(out, 'arrays.json'), 'w'))
for p in (2, 3, 4, 5):
  with open(os.path.join(out, 'arrays_p%d.pkl' % p), 'wb') as f:
    pickle.dump(a, f, protocol=p)
for c in ('none', 'zlib', 'gzip', 'bz2', 'xz', 'lzma', 'lz4'):
  joblib.dump(a, os.path.join(out, 'arrays_joblib_%s.pkl' % c),
              compress=0 if c == 'none' else (c, 3))
)PY";

}  // namespace ferry::pickle::testing

#endif  // FERRY_MODEL_LOADERS_PICKLE_TEST_FIXTURES_H_
