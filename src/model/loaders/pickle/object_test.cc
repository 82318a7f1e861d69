// Object and NdArray: accessors and their messages, conversions, deep-graph destruction and
// bounded rendering, on graphs built directly (no Python needed).
#include "model/loaders/pickle/object.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ferry::pickle {
namespace {

using Kind = Object::Kind;

Dtype D(char kind, int32_t itemsize) {
  Dtype d;
  d.kind = kind;
  d.itemsize = itemsize;
  return d;
}
ObjectPtr Str(std::string s) {
  auto o = std::make_shared<Object>(Kind::kString);
  o->str = std::move(s);
  return o;
}
ObjectPtr Int(int64_t v) {
  auto o = std::make_shared<Object>(Kind::kInt);
  o->int_value = v;
  return o;
}
ObjectPtr Array(Dtype dtype, std::vector<int64_t> shape, const void* data, size_t n) {
  auto o = std::make_shared<Object>(Kind::kArray);
  o->array = std::make_shared<NdArray>();
  o->array->dtype = dtype;
  o->array->shape = std::move(shape);
  o->array->data.assign(static_cast<const char*>(data), n);
  return o;
}

TEST(ObjectTest, InstanceAttributesAndTypedAccessors) {
  auto state = std::make_shared<Object>(Kind::kDict);
  const double coef[] = {1.5, -2.0};
  state->entries.emplace_back(Str("coef_"), Array(Dtype{}, {2}, coef, sizeof coef));
  state->entries.emplace_back(Str("n_iter_"), Int(12));
  state->entries.emplace_back(Str("solver"), Str("lbfgs"));
  Object est(Kind::kInstance);
  est.str = "sklearn.linear_model._logistic.LogisticRegression";
  est.state = state;
  EXPECT_EQ(est.TypeName(), "LogisticRegression");
  EXPECT_TRUE(est.IsInstanceOf("LogisticRegression"));
  EXPECT_EQ(est.Keys(), (std::vector<std::string>{"coef_", "n_iter_", "solver"}));
  EXPECT_EQ(est.Attr("coef_").value()->AsDoubles("coef_").value(),
            (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(est.Attr("n_iter_").value()->AsInt("n_iter_").value(), 12);
  EXPECT_EQ(est.Attr("n_iter_").value()->AsDouble("n_iter_").value(), 12.0);
  EXPECT_EQ(est.Attr("solver").value()->AsString("solver").value(), "lbfgs");

  auto missing = est.Attr("intercept_");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(missing.status().message())
                .find("instance of sklearn.linear_model._logistic.LogisticRegression has no "
                      "attribute 'intercept_' (present: coef_, n_iter_, solver)"),
            std::string::npos)
      << missing.status();
  EXPECT_EQ(est.Get("solver")->AsDouble("solver").status().message(),
            "'solver': expected a number, got str 'lbfgs'");
  EXPECT_EQ(est.Get("coef_")->AsString("coef_").status().message(),
            "'coef_': expected a str, got ndarray <f8 shape (2,)");
  EXPECT_EQ(Int(3)->Attr("x").status().message(), "cannot look up attribute 'x' in int 3");
}

TEST(ObjectTest, NdArrayConversions) {
  const int32_t ints[] = {-1, 7, 2147483647};
  Dtype i4 = D('i', 4);
  auto a = Array(i4, {3}, ints, sizeof ints);
  EXPECT_EQ(a->AsInts("a").value(), (std::vector<int64_t>{-1, 7, 2147483647}));
  EXPECT_EQ(a->AsDoubles("a").value(), (std::vector<double>{-1, 7, 2147483647}));
  EXPECT_FALSE(a->AsStrings("a").ok());
  const uint16_t half[] = {0x3c00, 0xc000, 0x7bff};  // 1, -2, 65504
  auto h = Array(D('f', 2), {3}, half, sizeof half);
  EXPECT_EQ(h->AsDoubles("h").value(), (std::vector<double>{1.0, -2.0, 65504.0}));
  const char ucs4[] = {'a', 0, 0, 0, 0, 0, 0, 0, static_cast<char>(0xe9), 0, 0, 0, 0, 0, 0, 0};
  auto u = Array(D('U', 8), {2}, ucs4, sizeof ucs4);
  EXPECT_EQ(u->AsStrings("u").value(), (std::vector<std::string>{"a", "\xc3\xa9"}));
  auto f = Array(D('f', 8), {3}, "", 0);
  f->array->shape = {2, 0};
  EXPECT_EQ(f->array->size(), 0);
  EXPECT_EQ(f->array->ShapeString(), "(2, 0)");
  EXPECT_FALSE(f->AsDoubles("f").ok());  // 2-d
  Dtype be = i4;
  be.big_endian = true;
  const unsigned char be_bytes[] = {0, 0, 1, 0};
  EXPECT_EQ(Array(be, {1}, be_bytes, 4)->array->GetInt(0), 256);
}

TEST(ObjectTest, StructuredFieldsByName) {
  auto f8 = std::make_shared<Dtype>();
  auto i8 = std::make_shared<Dtype>(D('i', 8));
  Dtype rec = D('V', 16);
  rec.fields = {{"left", i8, 0}, {"threshold", f8, 8}};
  char raw[32];
  const int64_t left[] = {1, -1};
  const double thr[] = {0.5, -2.5};
  for (int r = 0; r < 2; ++r) {
    std::memcpy(raw + 16 * r, &left[r], 8);
    std::memcpy(raw + 16 * r + 8, &thr[r], 8);
  }
  auto a = Array(rec, {2}, raw, sizeof raw);
  EXPECT_EQ(a->array->FieldInt(1, "left").value(), -1);
  EXPECT_EQ(a->array->FieldDouble(1, "threshold").value(), -2.5);
  EXPECT_EQ(a->array->FieldDouble(0, "right").status().message(),
            "structured array has no field 'right' (fields: left, threshold)");
  EXPECT_FALSE(a->array->FieldDouble(2, "left").ok());
  EXPECT_FALSE(a->array->FieldInt(0, "threshold").ok());
  EXPECT_EQ(rec.ToString(), "|V16{left:<i8@0,threshold:<f8@8}");
}

TEST(ObjectTest, DeepGraphsAreDestroyedAndRenderedWithoutDeepRecursion) {
  ObjectPtr chain = std::make_shared<Object>(Kind::kNone);
  for (int i = 0; i < 500000; ++i) {
    auto parent = std::make_shared<Object>(i % 2 ? Kind::kList : Kind::kInstance);
    if (i % 2) {
      parent->items.push_back(std::move(chain));
    } else {
      parent->state = std::move(chain);
    }
    chain = std::move(parent);
  }
  const std::string text = chain->DebugString(1000000, 2);
  EXPECT_LT(text.size(), 10000u);
  EXPECT_NE(text.find("..."), std::string::npos);
  chain.reset();  // must not overflow the stack
  SUCCEED();
}

TEST(ObjectTest, LaterDictEntriesWin) {
  Object d(Kind::kDict);
  d.entries.emplace_back(Str("k"), Int(1));
  d.entries.emplace_back(Str("k"), Int(2));
  EXPECT_EQ(d.Get("k")->int_value, 2);
  EXPECT_EQ(d.Get("absent"), nullptr);
}

}  // namespace
}  // namespace ferry::pickle
