// Tests of lookup tables: CSV, JSONL and SQLite files, key matching, missing-key policies,
// duplicate keys, and lookup(...) in expressions.
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bundle/expr.h"
#include "bundle/lookup_table.h"
#include "gtest/gtest.h"

namespace ferry::bundle {
namespace {

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ferry_lookup_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  LookupSpec Spec(const std::string& file, std::vector<std::string> key) {
    LookupSpec s;
    s.name = "distances";
    s.file = file;
    s.key = std::move(key);
    return s;
  }
  // Evaluates `expr` over inputs Origin, Dest (strings) with `table` as the only lookup.
  std::vector<std::string> Eval(const LookupTable& table, const std::string& expr,
                                std::vector<std::string> origins, std::vector<std::string> dests,
                                std::vector<std::string>* errors) {
    CompileEnv env;
    env.inputs = {{"Origin", Type::kString}, {"Dest", Type::kString}};
    env.lookups = {&table};
    auto node = CompileExpression(expr, env);
    EXPECT_TRUE(node.ok()) << node.status();
    size_t n = origins.size();
    std::vector<ColumnData> inputs = {ColumnData::Make(Type::kString, n), ColumnData::Make(Type::kString, n)};
    for (size_t r = 0; r < n; ++r) {
      inputs[0].strings[r] = origins[r];
      inputs[1].strings[r] = dests[r];
      inputs[0].valid[r] = inputs[1].valid[r] = 1;
    }
    errors->assign(n, "");
    EvalContext ctx{n, &inputs, errors, "Distance"};
    ColumnData out = (*node)->Eval(ctx);
    std::vector<std::string> texts;
    for (size_t r = 0; r < n; ++r) texts.push_back(out.is_valid(r) ? out.ToText(r) : "null");
    return texts;
  }

  std::filesystem::path dir_;
};

TEST_F(LookupTest, CsvWithCompositeKeyAndErrorPolicy) {
  auto t = LookupTable::Load(Spec(Write("d.csv", "Origin,Dest,Distance,AirTime\nSFO,JFK,2586,330.5\nJFK,SFO,2586,360\n"),
                                  {"Origin", "Dest"}));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 2u);
  std::vector<std::string> errors;
  auto v = Eval(*t, "lookup(distances, Origin, Dest).Distance", {"SFO", "XXX"}, {"JFK", "SFO"}, &errors);
  EXPECT_EQ(v[0], "2586");
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(v[1], "null");
  EXPECT_EQ(errors[1], "lookup distances: no row for Origin=XXX, Dest=SFO");
  v = Eval(*t, "lookup(distances, Origin, Dest, \"AirTime\")", {"JFK"}, {"SFO"}, &errors);
  EXPECT_EQ(v[0], "360.0");  // a column of ints and floats is float
}

TEST_F(LookupTest, DefaultAndNullPolicies) {
  LookupSpec s = Spec(Write("d.csv", "Origin,Dest,Distance\nSFO,JFK,2586\n"), {"Origin", "Dest"});
  s.on_missing = OnMissing::kDefault;
  s.defaults["Distance"] = Value::Int(0);
  auto t = LookupTable::Load(s);
  ASSERT_TRUE(t.ok()) << t.status();
  std::vector<std::string> errors;
  auto v = Eval(*t, "lookup(distances, Origin, Dest)", {"SFO", "AAA"}, {"JFK", "BBB"}, &errors);
  EXPECT_EQ(v[1], "0");
  EXPECT_EQ(errors[1], "");
  s.on_missing = OnMissing::kNull;
  s.defaults.clear();
  t = LookupTable::Load(s);
  ASSERT_TRUE(t.ok());
  v = Eval(*t, "coalesce(lookup(distances, Origin, Dest), -1)", {"AAA"}, {"BBB"}, &errors);
  EXPECT_EQ(v[0], "-1");
  EXPECT_EQ(errors[0], "");
  s.on_missing = OnMissing::kDefault;
  s.defaults["Distance"] = Value::String("far");
  t = LookupTable::Load(s);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "lookup distances: default for 'Distance' is far but the column holds int values");
}

TEST_F(LookupTest, DuplicateKeysAndMissingKeyColumnsAreLoadErrors) {
  auto t = LookupTable::Load(Spec(Write("d.csv", "Origin,Dest,Distance\nSFO,JFK,1\nJFK,SFO,2\nSFO,JFK,3\n"), {"Origin", "Dest"}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "lookup distances: " + (dir_ / "d.csv").string() +
                                      " line 4: duplicate key Origin=SFO, Dest=JFK (first at line 2)");
  t = LookupTable::Load(Spec(Write("e.csv", "Origin,Distance\nSFO,1\n"), {"Origin", "Dest"}));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("no key column 'Dest' (columns: Origin, Distance)"), std::string::npos);
  t = LookupTable::Load(Spec((dir_ / "none.csv").string(), {"Origin"}));
  EXPECT_FALSE(t.ok());
  t = LookupTable::Load(Spec(Write("x.txt", ""), {"Origin"}));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("unknown extension"), std::string::npos);
}

TEST_F(LookupTest, JsonlKeysMatchNumbersAndStrings) {
  auto t = LookupTable::Load(Spec(Write("d.jsonl", "{\"Origin\": 12, \"Dest\": \"A\", \"Name\": \"twelve\"}\n"
                                                   "{\"Origin\": 13, \"Dest\": \"A\", \"Name\": \"thirteen\"}\n"),
                                  {"Origin", "Dest"}));
  ASSERT_TRUE(t.ok()) << t.status();
  std::vector<std::string> errors;
  auto v = Eval(*t, "lookup(distances, Origin, Dest)", {"12", "13"}, {"A", "A"}, &errors);
  EXPECT_EQ(v[0], "twelve");
  EXPECT_EQ(v[1], "thirteen");
  auto bad = LookupTable::Load(Spec(Write("b.jsonl", "{\"Origin\": 1, \"Dest\": 2}\n{nope\n"), {"Origin"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status();
}

TEST_F(LookupTest, SqliteTableAndQuery) {
  std::string path = (dir_ / "d.sqlite").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE dist (Origin TEXT, Dest TEXT, Distance REAL);"
                             "INSERT INTO dist VALUES ('SFO', 'JFK', 2586.0), ('JFK', 'SFO', 2585.5);",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  LookupSpec s = Spec(path, {"Origin", "Dest"});
  s.table = "dist";
  auto t = LookupTable::Load(s);
  ASSERT_TRUE(t.ok()) << t.status();
  std::vector<std::string> errors;
  EXPECT_EQ(Eval(*t, "lookup(distances, Origin, Dest)", {"JFK"}, {"SFO"}, &errors)[0], "2585.5");
  s.table.clear();
  s.query = "SELECT Origin, Dest, Distance * 2 AS Twice FROM dist";
  t = LookupTable::Load(s);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Eval(*t, "lookup(distances, Origin, Dest).Twice", {"SFO"}, {"JFK"}, &errors)[0], "5172.0");
  s.query = "SELECT nope FROM dist";
  t = LookupTable::Load(s);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("bad query"), std::string::npos);
}

TEST_F(LookupTest, LookupTypeErrors) {
  auto t = LookupTable::Load(Spec(Write("d.csv", "Origin,Dest,Distance,AirTime\nSFO,JFK,1,2\n"), {"Origin", "Dest"}));
  ASSERT_TRUE(t.ok());
  CompileEnv env;
  env.inputs = {{"Origin", Type::kString}, {"Dest", Type::kString}};
  env.lookups = {&*t};
  auto err = [&](const std::string& e) {
    auto n = CompileExpression(e, env);
    return n.ok() ? std::string("compiled") : std::string(n.status().message());
  };
  EXPECT_EQ(err("lookup(distances, Origin)"), "column 1: lookup distances has 2 key columns (Origin, Dest), got 1 key value");
  EXPECT_EQ(err("lookup(distances, Origin, Dest)"), "column 1: lookup distances has several columns (Distance, AirTime): pick one with lookup(...).Column");
  EXPECT_EQ(err("lookup(distances, Origin, Dest).Miles"), "column 1: lookup distances has no column 'Miles' (columns: Distance, AirTime)");
  EXPECT_EQ(err("lookup(dist, Origin, Dest).Distance"), "column 8: unknown lookup table 'dist' (tables: distances)");
}

}  // namespace
}  // namespace ferry::bundle
