// Hostile and corrupt inputs: refused globals (nothing is executed), truncation, bad opcodes,
// memo and stack abuse, absurd sizes, deep nesting, cycles and budgets. Every case must be a
// clean error naming what was wrong and where; never a crash or a huge allocation.
#include <gtest/gtest.h>

#include <string>

#include "model/loaders/pickle/object.h"
#include "model/loaders/pickle/test_support.h"

namespace ferry::pickle {
namespace {

using testing::ReadFile;

// A pickle literal with its embedded NUL bytes.
template <size_t N>
std::string B(const char (&s)[N]) {
  return std::string(s, N - 1);
}

void ExpectError(const std::string& bytes, std::string_view needle,
                 const UnpickleOptions& options = {}) {
  auto root = Unpickle(bytes, options);
  ASSERT_FALSE(root.ok()) << "accepted; expected an error containing '" << needle << "'";
  EXPECT_NE(std::string(root.status().message()).find(needle), std::string::npos)
      << "message: " << root.status().message();
}

constexpr char kMaliciousScript[] = R"PY(
import builtins, os, pickle, subprocess, sys
out = sys.argv[1]
target = os.path.join(out, 'pwned')
class R:
  def __init__(self, f, args): self.f, self.args = f, args
  def __reduce__(self): return (self.f, self.args)
cases = {
  'os_system': R(os.system, ('touch ' + target,)),
  'open': R(builtins.open, (target, 'w')),
  'eval': R(builtins.eval, ("open(%r, 'w')" % target,)),
  'popen': R(subprocess.Popen, (['touch', target],)),
  'getattr': R(builtins.getattr, ('abc', 'upper')),
  'exec': R(builtins.exec, ("open(%r, 'w')" % target,)),
}
# A malicious global hidden inside an otherwise legitimate-looking dict.
cases['nested'] = {'coef_': [1.0, 2.0], 'x': R(os.system, ('touch ' + target,))}
for name, obj in cases.items():
  for p in (2, 3, 4, 5):
    with open(os.path.join(out, '%s_p%d.pkl' % (name, p)), 'wb') as f:
      pickle.dump(obj, f, protocol=p)
from sklearn.svm import SVC
import numpy as np
pickle.dump(SVC().fit(np.array([[0.0], [1.0]]), [0, 1]), open(os.path.join(out, 'svc.pkl'), 'wb'))
)PY";

TEST(HostileTest, MaliciousGlobalsAreRefusedByNameAndNothingRuns) {
  const testing::TempDir tmp;
  const std::string& dir = tmp.path();
  ASSERT_TRUE(testing::RunPython(dir, kMaliciousScript));
  const std::pair<const char*, const char*> cases[] = {
      {"os_system", "'posix.system'"},   {"open", "'io.open'"},
      {"eval", "'builtins.eval'"},       {"popen", "'subprocess.Popen'"},
      {"getattr", "'builtins.getattr'"}, {"exec", "'builtins.exec'"},
      {"nested", "'posix.system'"}};
  for (const auto& [name, global] : cases) {
    for (int p = 2; p <= 5; ++p) {
      SCOPED_TRACE(std::string(name) + " protocol " + std::to_string(p));
      auto root = UnpickleFile(dir + "/" + name + "_p" + std::to_string(p) + ".pkl", nullptr);
      ASSERT_FALSE(root.ok());
      const std::string msg(root.status().message());
      EXPECT_NE(msg.find("refusing global"), std::string::npos) << msg;
      // Protocol 2 writes builtins as __builtin__.
      std::string g = global;
      if (p == 2 && g.rfind("'builtins.", 0) == 0) g = "'__builtin__." + g.substr(10);
      if (p == 2 && g == "'subprocess.Popen'") g = "'commands.Popen'";  // Python 2 name
      EXPECT_NE(msg.find(g), std::string::npos) << msg;
      EXPECT_NE(msg.find(g + " (byte "), std::string::npos) << msg;
      EXPECT_NE(msg.find("may be malicious"), std::string::npos) << msg;
    }
  }
  EXPECT_FALSE(testing::FileExists(dir + "/pwned"));
  auto svc = UnpickleFile(dir + "/svc.pkl", nullptr);
  ASSERT_FALSE(svc.ok());
  EXPECT_NE(
      std::string(svc.status().message()).find("sklearn.svm._classes.SVC' is a scikit-learn class"),
      std::string::npos)
      << svc.status();
}

TEST(HostileTest, EveryTruncationOfARealPickleFailsCleanly) {
  const testing::TempDir tmp;
  const std::string& dir = tmp.path();
  ASSERT_TRUE(testing::RunPython(dir, R"PY(
import pickle, sys, numpy as np, collections
d = {'a': np.arange(5.0), 'b': [1, (2, 'x')], 'c': np.array(['u', 'v'], dtype=object),
     'd': collections.OrderedDict(k=np.float32(1.5)), 'e': 2**70 // 2**10}
for p in (2, 5):
  open(sys.argv[1] + '/t%d.pkl' % p, 'wb').write(pickle.dumps(d, protocol=p))
)PY"));
  for (const char* name : {"/t2.pkl", "/t5.pkl"}) {
    const std::string full = ReadFile(dir + name);
    ASSERT_TRUE(Unpickle(full).ok()) << Unpickle(full).status();
    for (size_t n = 0; n < full.size(); ++n) {
      EXPECT_FALSE(Unpickle(full.substr(0, n)).ok()) << name << " prefix " << n;
    }
  }
}

TEST(HostileTest, WrongMagicAndOldProtocols) {
  ExpectError(B(""), "empty");
  ExpectError(B("hello world"), "not a pickle");
  ExpectError(B("(lp0\nI1\na."), "not a pickle");
  ExpectError(B("\x80\x06N."), "unsupported pickle protocol 6");
  ExpectError(B("PK\x03\x04"), "zip archive");
  ExpectError(B("\x80\x04N\xff."), "unknown opcode 0xff");
  ExpectError(B("\x80\x04(I1\n."), "protocols 0 and 1");
  ExpectError(B("\x80\x04N"), "ends before its STOP");
}

TEST(HostileTest, MemoStackAndMarkAbuse) {
  ExpectError(B("\x80\x04h\x05."), "memo entry 5");
  ExpectError(B("\x80\x04j\xff\xff\xff\x7f."), "memo entry 2147483647");
  ExpectError(B("\x80\x04"
                "a."),
              "stack underflow");
  ExpectError(B("\x80\x04."), "stack underflow");
  ExpectError(B("\x80\x04N\x86."), "stack underflow");
  ExpectError(B("\x80\x04Nt."), "expects a MARK");
  ExpectError(B("\x80\x04(\x85."), "stack underflow");  // TUPLE1 may not reach below a MARK
  ExpectError(B("\x80\x04}Nu."), "expects a MARK");
  ExpectError(B("\x80\x04}(Nu."), "odd number");
  ExpectError(B("\x80\x04NNa."), "needs a list");
  ExpectError(B("\x80\x04NNb."), "BUILD cannot set state on None");
  ExpectError(B("\x80\x04NNR."), "REDUCE calls None");
  ExpectError(B("\x80\x05\x97."), "NEXT_BUFFER");
  ExpectError(B("\x80\x04\x82\x01."), "extension codes");
  ExpectError(B("\x80\x04NQ."), "persistent ids");
}

TEST(HostileTest, HugeLengthPrefixesAreCheckedAgainstTheBytesPresent) {
  ExpectError(B("\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x40x"), "truncated");
  ExpectError(B("\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xffx"), "truncated");
  ExpectError(B("\x80\x04X\xff\xff\xff\xffx"), "truncated");
  ExpectError(B("\x80\x04\x95\x00\x00\x00\x00\x00\x00\x10\x00N."), "FRAME");
  ExpectError(B("\x80\x04\x8b\xff\xff\xff\xff."), "negative byte count");
  UnpickleOptions small;
  small.max_total_bytes = 500;
  auto root = Unpickle(
      B("\x80\x04\x8e\xe8\x03\x00\x00\x00\x00\x00\x00") + std::string(1000, 'x') + ".", small);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(HostileTest, IntegersBeyond64BitsAreRefused) {
  ExpectError(B("\x80\x04\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."), "does not fit in 64");
  auto min = Unpickle(B("\x80\x04\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."));
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ((*min)->int_value, INT64_MIN);
  auto minus_one = Unpickle(B("\x80\x04\x8a\x09\xff\xff\xff\xff\xff\xff\xff\xff\xff."));
  ASSERT_TRUE(minus_one.ok()) << minus_one.status();
  EXPECT_EQ((*minus_one)->int_value, -1);
  auto u63 = Unpickle(B("\x80\x04\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."));
  EXPECT_FALSE(u63.ok());  // 2**63 needs 65 bits as a signed integer
  auto neg = Unpickle(B("\x80\x04\x8a\x02\x00\xff."));
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ((*neg)->int_value, -256);
}

TEST(HostileTest, CyclesAreRefused) {
  ExpectError(B("\x80\x04]\x94h\x00"
                "a."),
              "contain itself");
  ExpectError(B("\x80\x04]\x94]h\x00"
                "aa."),
              "self-referencing");
  ExpectError(B("\x80\x04}\x94(Nh\x00u."), "contain itself");
}

TEST(HostileTest, DeepNestingIsLimitedAndDeepGraphsAreFreedIteratively) {
  ExpectError(B("\x80\x04") + std::string(200000, '(') + ".", "nested MARKs");
  const std::string tuples = B("\x80\x04N") + std::string(400000, '\x85') + ".";
  ExpectError(tuples, "nested deeper than 10000");
  UnpickleOptions deep;
  deep.max_depth = 2000000;
  auto root = Unpickle(tuples, deep);  // a million nested 1-tuples, destroyed without recursion
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_FALSE((*root)->DebugString(1000000).empty());
  const std::string lists =
      B("\x80\x04") + std::string(300000, ']') + std::string(299999, 'a') + ".";
  auto nested = Unpickle(lists, deep);
  ASSERT_TRUE(nested.ok()) << nested.status();
}

constexpr char kAbsurdArraysScript[] = R"PY(
import pickle, sys
import numpy as np
out = sys.argv[1]
class R:
  def __init__(self, f, args, state=None): self.f, self.args, self.state = f, args, state
  def __reduce__(self): return (self.f, self.args) if self.state is None else (self.f, self.args, self.state)
fb = np.core.numeric._frombuffer
rc = np.core.multiarray._reconstruct
cases = {
  'frombuffer_huge': R(fb, (b'12345678', np.dtype('f8'), (2**40,), 'C')),
  'frombuffer_overflow': R(fb, (b'12345678', np.dtype('f8'), (2**40, 2**40, 2**40), 'C')),
  'frombuffer_negative': R(fb, (b'12345678', np.dtype('f8'), (-1,), 'C')),
  'reconstruct_huge': R(rc, (np.ndarray, (0,), b'b'), (1, (2**62, 4), np.dtype('f8'), False, b'')),
  'reconstruct_short': R(rc, (np.ndarray, (0,), b'b'), (1, (3,), np.dtype('f8'), False, b'x' * 16)),
  'object_count': R(rc, (np.ndarray, (0,), b'b'), (1, (5,), np.dtype('O'), False, [1, 2])),
  'scalar_short': R(np.core.multiarray.scalar, (np.dtype('f8'), b'123')),
  'zero_itemsize': R(fb, (b'', np.dtype('V0'), (2**60,), 'C')),
  'struct_object': np.zeros(2, dtype=[('a', 'O'), ('b', 'f8')]),
}
for name, obj in cases.items():
  open('%s/%s.pkl' % (out, name), 'wb').write(pickle.dumps(obj, protocol=4))
import joblib
joblib.dump(cases['struct_object'], '%s/struct_object_joblib.pkl' % out)
)PY";

TEST(HostileTest, AbsurdArraySizesAreRefusedBeforeAllocating) {
  const testing::TempDir tmp;
  const std::string& dir = tmp.path();
  ASSERT_TRUE(testing::RunPython(dir, kAbsurdArraysScript));
  const std::pair<const char*, const char*> cases[] = {
      {"frombuffer_huge", "needs 8796093022208 bytes but 8 are present"},
      {"frombuffer_overflow", "overflows 64 bits"},
      {"frombuffer_negative", "negative dimension"},
      {"reconstruct_huge", "overflows 64 bits"},
      {"reconstruct_short", "needs 24 bytes but 16"},
      {"object_count", "of 5 elements holds 2 objects"},
      {"scalar_short", "needs 8 bytes but 3"},
      {"zero_itemsize", "zero-size dtype"},
      {"struct_object", "object fields"},
      {"struct_object_joblib", "object fields"},
  };
  for (const auto& [name, needle] : cases) {
    auto root = UnpickleFile(dir + "/" + name + ".pkl", nullptr);
    ASSERT_FALSE(root.ok()) << name;
    EXPECT_NE(std::string(root.status().message()).find(needle), std::string::npos)
        << name << ": " << root.status();
  }
}

}  // namespace
}  // namespace ferry::pickle
