#include "model/loaders/pickle/test_support.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry::pickle::testing {

std::string MakeTempDir() {
  const char* base = getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/ferry_pickle_XXXXXX";
  char* made = mkdtemp(templ.data());
  EXPECT_NE(made, nullptr);
  return templ;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool RunPython(const std::string& dir, const std::string& script) {
  const std::string path = dir + "/gen.py";
  {
    std::ofstream out(path);
    out << script;
  }
  // One OpenMP thread: fitting tiny models is faster without thread start-up on busy hosts.
  const std::string cmd =
      "OMP_NUM_THREADS=1 /usr/bin/python3 " + path + " " + dir + " 2>" + dir + "/gen.err";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "fixture script failed: " << ReadFile(dir + "/gen.err");
  return rc == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

namespace {

void ExpectElement(const NdArray& a, int64_t i, simdjson::dom::element v,
                   const std::string& where) {
  if (v.is_string()) {
    auto strings = a.ToStrings();
    ASSERT_TRUE(strings.ok()) << where << ": " << strings.status();
    EXPECT_EQ((*strings)[static_cast<size_t>(i)], std::string(std::string_view(v.get_string())))
        << where << "[" << i << "]";
  } else if (v.is_int64() && a.dtype.kind != 'f') {
    EXPECT_EQ(a.GetInt(i), int64_t(v.get_int64())) << where << "[" << i << "]";
  } else if (v.is_uint64()) {
    EXPECT_EQ(static_cast<uint64_t>(a.GetInt(i)), uint64_t(v.get_uint64()))
        << where << "[" << i << "]";
  } else if (v.is_bool()) {
    EXPECT_EQ(a.GetInt(i), bool(v.get_bool()) ? 1 : 0) << where << "[" << i << "]";
  } else {
    EXPECT_EQ(a.GetDouble(i), double(v.get_double())) << where << "[" << i << "]";
  }
}

}  // namespace

void ExpectArraysMatch(const Object& root, const std::string& json, const std::string& where) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  int checked = 0;
  for (auto [key, spec] : simdjson::dom::object(doc)) {
    const std::string name = std::string(where) + ":" + std::string(key);
    const Object* o = root.Get(std::string_view(key));
    ASSERT_NE(o, nullptr) << name << " missing";
    auto a = o->AsArray(name);
    ASSERT_TRUE(a.ok()) << a.status();
    const NdArray& arr = **a;
    std::vector<int64_t> shape;
    for (auto d : simdjson::dom::array(spec["shape"])) shape.push_back(int64_t(d.get_int64()));
    EXPECT_EQ(arr.shape, shape) << name;
    EXPECT_EQ(arr.dtype.kind, std::string_view(spec["kind"].get_string())[0]) << name;
    simdjson::dom::element values = spec["values"];
    if (values.is_object()) {  // structured: field -> values
      for (auto [field, list] : simdjson::dom::object(values)) {
        int64_t r = 0;
        for (auto v : simdjson::dom::array(list)) {
          auto got = arr.FieldDouble(r, std::string_view(field));
          ASSERT_TRUE(got.ok()) << name << "." << field << ": " << got.status();
          EXPECT_EQ(*got, double(v.get_double())) << name << "." << field << "[" << r << "]";
          ++r;
        }
        EXPECT_EQ(r, arr.size()) << name;
      }
    } else if (arr.dtype.kind == 'O') {
      int64_t i = 0;
      for (auto v : simdjson::dom::array(values)) {
        ASSERT_LT(i, static_cast<int64_t>(arr.objects.size())) << name;
        const Object& e = *arr.objects[static_cast<size_t>(i)];
        if (v.is_null()) {
          EXPECT_TRUE(e.IsNone()) << name << "[" << i << "] is " << e.Describe();
        } else if (v.is_string()) {
          EXPECT_EQ(e.AsString(name).value_or("<not str>"), std::string_view(v.get_string()));
        } else {
          EXPECT_EQ(e.AsDouble(name).value_or(NAN), double(v.get_double())) << name;
        }
        ++i;
      }
      EXPECT_EQ(i, arr.size()) << name;
    } else {
      int64_t i = 0;
      for (auto v : simdjson::dom::array(values)) {
        ASSERT_LT(i, arr.size()) << name;
        ExpectElement(arr, i++, v, name);
      }
      EXPECT_EQ(i, arr.size()) << name;
    }
    ++checked;
  }
  EXPECT_GT(checked, 0) << where;
}

}  // namespace ferry::pickle::testing
