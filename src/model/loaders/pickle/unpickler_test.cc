// Decoding pickles written by Debian's Python/numpy at protocols 2 to 5: containers and
// scalars, numpy arrays of many dtypes and layouts, compared element by element.
#include <gtest/gtest.h>

#include <cmath>

#include "model/loaders/pickle/object.h"
#include "model/loaders/pickle/test_fixtures.h"
#include "model/loaders/pickle/test_support.h"

namespace ferry::pickle {
namespace {

using testing::ReadFile;
using Kind = Object::Kind;

constexpr char kContainersScript[] = R"PY(
import collections, os, pickle, sys
out = sys.argv[1]
d = {
  'none': None, 't': True, 'f': False, 'small': 7, 'neg': -300, 'big': 2**62, 'min': -2**63,
  'u32': 2**32 + 5, 'pi': 3.141592653589793, 'tiny': -5e-324, 'str': 'h\u00e9llo \u65e5\u672c',
  'empty_str': '', 'bytes': b'\x00\x01\xff\x80abc', 'empty_bytes': b'', 'ba': bytearray(b'xyz'),
  'tuple': (1, 'a', None), 'empty_tuple': (), 'list': [1, [2, [3, []]], {'k': 'v'}],
  'set': {5}, 'frozenset': frozenset([6]), 'od': collections.OrderedDict([('b', 1), ('a', 2)]),
  'long_str': 'x' * 70000, 'slice': slice(1, 10, 2),
}
shared = [1, 2]
d['shared_a'] = shared
d['shared_b'] = shared
for p in (2, 3, 4, 5):
  with open(os.path.join(out, 'containers_p%d.pkl' % p), 'wb') as f:
    pickle.dump(d, f, protocol=p)
)PY";

class UnpicklerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    dir_ = &tmp_->path();
    ASSERT_TRUE(testing::RunPython(*dir_, kContainersScript));
    ASSERT_TRUE(testing::RunPython(*dir_, testing::kArraysScript));
  }
  static void TearDownTestSuite() { delete tmp_; }
  static testing::TempDir* tmp_;
  static const std::string* dir_;
};
testing::TempDir* UnpicklerTest::tmp_ = nullptr;
const std::string* UnpicklerTest::dir_ = nullptr;

const Object& Must(const Object& root, std::string_view key) {
  const Object* o = root.Get(key);
  if (o == nullptr) {
    ADD_FAILURE() << "missing " << key;
    static const Object none;
    return none;
  }
  return *o;
}

TEST_F(UnpicklerTest, ContainersAndScalarsAtEveryProtocol) {
  for (int p = 2; p <= 5; ++p) {
    SCOPED_TRACE("protocol " + std::to_string(p));
    std::string format;
    auto root =
        UnpickleBytes(ReadFile(*dir_ + "/containers_p" + std::to_string(p) + ".pkl"), &format);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(format, "pickle protocol " + std::to_string(p));
    const Object& d = **root;
    ASSERT_EQ(d.kind, Kind::kDict);
    EXPECT_TRUE(Must(d, "none").IsNone());
    EXPECT_EQ(Must(d, "t").AsBool("t").value(), true);
    EXPECT_EQ(Must(d, "f").AsBool("f").value(), false);
    EXPECT_EQ(Must(d, "small").AsInt("small").value(), 7);
    EXPECT_EQ(Must(d, "neg").AsInt("neg").value(), -300);
    EXPECT_EQ(Must(d, "big").AsInt("big").value(), int64_t{1} << 62);
    EXPECT_EQ(Must(d, "min").AsInt("min").value(), INT64_MIN);
    EXPECT_EQ(Must(d, "u32").AsInt("u32").value(), (int64_t{1} << 32) + 5);
    EXPECT_EQ(Must(d, "pi").AsDouble("pi").value(), 3.141592653589793);
    EXPECT_EQ(Must(d, "tiny").AsDouble("tiny").value(), -5e-324);
    EXPECT_EQ(Must(d, "str").AsString("str").value(), "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac");
    EXPECT_EQ(Must(d, "empty_str").AsString("s").value(), "");
    EXPECT_EQ(Must(d, "bytes").kind, Kind::kBytes);
    EXPECT_EQ(Must(d, "bytes").str, std::string("\x00\x01\xff\x80"
                                                "abc",
                                                7));
    EXPECT_EQ(Must(d, "empty_bytes").kind, Kind::kBytes);
    EXPECT_EQ(Must(d, "empty_bytes").str, "");
    EXPECT_EQ(Must(d, "ba").str, "xyz");
    const Object& t = Must(d, "tuple");
    ASSERT_EQ(t.kind, Kind::kTuple);
    ASSERT_EQ(t.items.size(), 3u);
    EXPECT_EQ(t.items[1]->str, "a");
    EXPECT_EQ(Must(d, "empty_tuple").items.size(), 0u);
    const Object& l = Must(d, "list");
    ASSERT_EQ(l.kind, Kind::kList);
    EXPECT_EQ(l.items[1]->items[1]->items[0]->int_value, 3);
    EXPECT_EQ(l.items[2]->Get("k")->str, "v");
    EXPECT_EQ(Must(d, "set").kind, Kind::kSet);
    EXPECT_EQ(Must(d, "set").items.at(0)->int_value, 5);
    EXPECT_EQ(Must(d, "frozenset").items.at(0)->int_value, 6);
    const Object& od = Must(d, "od");
    ASSERT_EQ(od.kind, Kind::kDict);
    EXPECT_EQ(od.Keys(), (std::vector<std::string>{"b", "a"}));
    EXPECT_EQ(Must(d, "long_str").str, std::string(70000, 'x'));
    EXPECT_EQ(Must(d, "slice").kind, Kind::kInstance);
    EXPECT_EQ(Must(d, "slice").TypeName(), "slice");
    EXPECT_EQ(Must(d, "slice").items.size(), 3u);
    EXPECT_EQ(d.Get("shared_a"), d.Get("shared_b"));  // the memo shares one object
  }
}

TEST_F(UnpicklerTest, ArraysMatchNumpyAtEveryProtocol) {
  const std::string json = ReadFile(*dir_ + "/arrays.json");
  for (int p = 2; p <= 5; ++p) {
    const std::string name = "arrays_p" + std::to_string(p) + ".pkl";
    auto root = Unpickle(ReadFile(*dir_ + "/" + name));
    ASSERT_TRUE(root.ok()) << name << ": " << root.status();
    testing::ExpectArraysMatch(**root, json, name);
  }
}

TEST_F(UnpicklerTest, ArraysAreNativeOrderCOrderWithFieldsFromTheFile) {
  auto root = Unpickle(ReadFile(*dir_ + "/arrays_p4.pkl"));
  ASSERT_TRUE(root.ok()) << root.status();
  const NdArray& s = *(*root)->Get("struct")->array;
  EXPECT_EQ(s.dtype.kind, 'V');
  EXPECT_EQ(s.dtype.itemsize, 17);
  ASSERT_EQ(s.dtype.fields.size(), 3u);
  EXPECT_EQ(s.dtype.fields[1].name, "b");
  EXPECT_EQ(s.dtype.fields[1].offset, 8);
  EXPECT_FALSE(s.dtype.fields[1].type->big_endian);
  EXPECT_EQ(s.FieldInt(1, "a").value(), -4);
  EXPECT_FALSE(s.FieldDouble(0, "zz").ok());
  const NdArray& aligned = *(*root)->Get("struct_aligned")->array;
  EXPECT_EQ(aligned.dtype.itemsize, 8);
  EXPECT_EQ(aligned.dtype.FindField("y")->offset, 4);
  const NdArray& be = *(*root)->Get("be_f8")->array;
  EXPECT_FALSE(be.dtype.big_endian);
  EXPECT_EQ(be.dtype.ToString(), "<f8");
  auto doubles = (*root)->Get("be_f8")->AsDoubles("be_f8");
  ASSERT_TRUE(doubles.ok());
  EXPECT_EQ((*doubles)[1], -2.0);
  EXPECT_EQ((*root)->Get("scalar_f8")->AsDouble("x").value(), 2.5);
  EXPECT_EQ((*root)->Get("scalar_i4")->AsInt("x").value(), -7);
  EXPECT_EQ((*root)->Get("scalar_bool")->AsBool("x").value(), true);
  EXPECT_EQ((*root)->Get("U")->AsStrings("U").value()[1], "h\xc3\xa9llo");
}

TEST_F(UnpicklerTest, Numpy2ModuleNamesDecodeTheSame) {
  // numpy 2.x pickles name numpy._core where numpy 1.x wrote numpy.core; protocol 2 spells
  // globals as text lines, so renaming the module in the bytes gives a numpy 2 style file.
  std::string bytes = ReadFile(*dir_ + "/arrays_p2.pkl");
  size_t renamed = 0;
  for (size_t at = bytes.find("numpy.core."); at != std::string::npos;
       at = bytes.find("numpy.core.", at + 12)) {
    bytes.replace(at, 11, "numpy._core.");
    ++renamed;
  }
  ASSERT_GT(renamed, 0u);
  auto root = Unpickle(bytes);
  ASSERT_TRUE(root.ok()) << root.status();
  testing::ExpectArraysMatch(**root, ReadFile(*dir_ + "/arrays.json"), "numpy._core");
}

TEST(UnpicklerCallsTest, CopyregReconstructorAndSlotStateBuildInstances) {
  const testing::TempDir tmp;
  ASSERT_TRUE(testing::RunPython(tmp.path(), R"PY(
import copyreg, pickle, sys
from sklearn.dummy import DummyRegressor
class Old:
  def __reduce__(self):
    return (copyreg._reconstructor, (DummyRegressor, object, None), {'constant_': 2.5})
class Slots:
  def __reduce__(self):
    return (DummyRegressor, (), ({'strategy': 'mean'}, {'constant_': 1.5}))
for p in (2, 4):
  open('%s/old_p%d.pkl' % (sys.argv[1], p), 'wb').write(pickle.dumps(Old(), protocol=p))
  open('%s/slots_p%d.pkl' % (sys.argv[1], p), 'wb').write(pickle.dumps(Slots(), protocol=p))
)PY"));
  for (const char* p : {"2", "4"}) {
    auto old = UnpickleFile(tmp.path() + "/old_p" + p + ".pkl", nullptr);
    ASSERT_TRUE(old.ok()) << old.status();
    EXPECT_EQ((*old)->str, "sklearn.dummy.DummyRegressor");
    EXPECT_EQ((*old)->Attr("constant_").value()->AsDouble("c").value(), 2.5);
    auto slots = UnpickleFile(tmp.path() + "/slots_p" + p + ".pkl", nullptr);
    ASSERT_TRUE(slots.ok()) << slots.status();
    EXPECT_EQ((*slots)->Attr("strategy").value()->AsString("s").value(), "mean");
    EXPECT_EQ((*slots)->Attr("constant_").value()->AsDouble("c").value(), 1.5);
  }
}

}  // namespace
}  // namespace ferry::pickle
