// Behaviour of src/store against real databases: a SQLite file and a private PostgreSQL 15
// cluster started by scripts/services.sh on a free port for the duration of the test binary.
// The same cases run on both dialects.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "store/database.h"
#include "store/store_test_util.h"
#include "store/table_writer.h"

namespace ferry::store {
namespace {

using ::ferry::store::testing::MakeBatch;
using ::ferry::store::testing::Rows;
namespace fs = std::filesystem;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Starts PostgreSQL once for the binary; stops it and removes its files at the end.
class PostgresEnvironment : public ::testing::Environment {
 public:
  static std::string url;

  void SetUp() override {
    const char* source = std::getenv("FERRY_SOURCE_DIR");
    ASSERT_NE(source, nullptr) << "FERRY_SOURCE_DIR must name the source tree (ctest sets it)";
    dir_ = fs::temp_directory_path() / absl::StrCat("ferry-store-test-", getpid());
    port_ = FreePort();
    script_ = absl::StrCat(source, "/scripts/services.sh");
    ASSERT_EQ(Run("start postgres"), 0) << "scripts/services.sh could not start PostgreSQL";
    url = absl::StrCat("postgresql://ferry@127.0.0.1:", port_, "/postgres");
  }
  void TearDown() override {
    Run("stop postgres");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 private:
  int Run(const std::string& args) {
    std::string command = absl::StrCat("FERRY_SERVICES_DIR=", dir_.string(),
                                       " FERRY_PG_PORT=", port_, " ", script_, " ", args);
    return std::system(command.c_str());
  }
  fs::path dir_;
  int port_ = 0;
  std::string script_;
};
std::string PostgresEnvironment::url;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    table_ = absl::StrCat("t_", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (char& c : table_) {
      if (c == '/') c = '_';
    }
    if (GetParam() == "sqlite") {
      path_ = fs::temp_directory_path() / absl::StrCat("ferry-store-", getpid(), table_, ".db");
      fs::remove(path_);
      url = "sqlite://" + path_.string();
    } else {
      url = PostgresEnvironment::url;
    }
    auto db = OpenDatabase(url);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Execute("DROP TABLE IF EXISTS " + QuoteIdentifier(table_)).ok());
  }
  void TearDown() override {
    db_.reset();
    if (!path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
    }
  }

  std::unique_ptr<Database> db_;
  std::string table_;
  fs::path path_;
};

TEST_P(StoreTest, UpsertCreatesTableAndReplacesRowsByKey) {
  TableWriter writer(db_.get());
  RecordBatch first = MakeBatch({{"id", {Value::String("a"), Value::String("b")}},
                                 {"score", {Value::Float(1.5), Value::Float(2.0)}},
                                 {"n", {Value::Int(1), Value::Null()}}});
  ASSERT_TRUE(writer.UpsertBatch(table_, {"id"}, first).ok());
  RecordBatch second = MakeBatch({{"id", {Value::String("b"), Value::String("c")}},
                                  {"score", {Value::Float(20.25), Value::Float(3.0)}},
                                  {"n", {Value::Int(7), Value::Int(8)}}});
  absl::Status status = writer.UpsertBatch(table_, {"id"}, second);
  ASSERT_TRUE(status.ok()) << status;
  // Replaying a batch changes nothing.
  ASSERT_TRUE(writer.UpsertBatch(table_, {"id"}, second).ok());
  EXPECT_EQ(Rows(*db_, "SELECT id, score, n FROM " + QuoteIdentifier(table_) + " ORDER BY id"),
            (std::vector<std::string>{"a|1.5|1", "b|20.25|7", "c|3.0|8"}));
}

TEST_P(StoreTest, DuplicateKeysInOneBatchKeepTheLastRow) {
  TableWriter writer(db_.get());
  RecordBatch batch =
      MakeBatch({{"id", {Value::Int(1), Value::Int(2), Value::Int(1)}},
                 {"v", {Value::String("x"), Value::String("y"), Value::String("z")}}});
  absl::Status status = writer.UpsertBatch(table_, {"id"}, batch);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Rows(*db_, "SELECT id, v FROM " + QuoteIdentifier(table_) + " ORDER BY id"),
            (std::vector<std::string>{"1|z", "2|y"}));
}

TEST_P(StoreTest, NewColumnsAreAddedToAnExistingTable) {
  TableWriter writer(db_.get());
  ASSERT_TRUE(writer.UpsertBatch(table_, {"id"}, MakeBatch({{"id", {Value::Int(1)}}})).ok());
  TableWriter later(db_.get());
  RecordBatch batch = MakeBatch({{"id", {Value::Int(2)}}, {"flag", {Value::Bool(true)}}});
  absl::Status status = later.UpsertBatch(table_, {"id"}, batch);
  ASSERT_TRUE(status.ok()) << status;
  auto columns = db_->TableColumns(table_);
  ASSERT_TRUE(columns.ok());
  EXPECT_EQ(*columns, (std::vector<std::string>{"id", "flag"}));
  EXPECT_EQ(Rows(*db_, "SELECT COUNT(*) FROM " + QuoteIdentifier(table_)),
            (std::vector<std::string>{"2"}));
}

TEST_P(StoreTest, ManyRowsSpanSeveralStatementsInOneTransaction) {
  TableWriter writer(db_.get());
  std::vector<Value> ids, values;
  for (int i = 0; i < 2500; ++i) {
    ids.push_back(Value::Int(i));
    values.push_back(Value::Float(i * 0.5));
  }
  RecordBatch batch = MakeBatch({{"id", ids}, {"v", values}});
  ASSERT_TRUE(writer.UpsertBatch(table_, {"id"}, batch).ok());
  EXPECT_EQ(Rows(*db_, "SELECT COUNT(*), SUM(v) FROM " + QuoteIdentifier(table_)),
            (std::vector<std::string>{"2500|1561875.0"}));
}

TEST_P(StoreTest, FailedBatchLeavesNothingBehind) {
  TableWriter writer(db_.get());
  ASSERT_TRUE(
      writer
          .UpsertBatch(table_, {"id"}, MakeBatch({{"id", {Value::Int(1)}}, {"v", {Value::Int(5)}}}))
          .ok());
  // A key column missing from the batch is refused before anything is written.
  absl::Status status =
      writer.UpsertBatch(table_, {"missing"}, MakeBatch({{"id", {Value::Int(2)}}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("missing"), std::string::npos);
  // A NULL key violates NOT NULL: the whole batch (including the good first row) rolls back.
  status = writer.UpsertBatch(
      table_, {"id"},
      MakeBatch({{"id", {Value::Int(3), Value::Null()}}, {"v", {Value::Int(1), Value::Int(2)}}}));
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(Rows(*db_, "SELECT id FROM " + QuoteIdentifier(table_) + " ORDER BY id"),
            (std::vector<std::string>{"1"}));
}

TEST_P(StoreTest, QueryReturnsTypedChunksWithParameters) {
  ASSERT_TRUE(db_->Execute("CREATE TABLE " + QuoteIdentifier(table_) +
                           " (id INTEGER, name TEXT, x DOUBLE PRECISION)")
                  .ok());
  for (int i = 0; i < 7; ++i) {
    absl::Status status =
        db_->Execute("INSERT INTO " + QuoteIdentifier(table_) + " VALUES ($1, $2, $3)",
                     {Value::Int(i), i == 3 ? Value::Null() : Value::String(absl::StrCat("n", i)),
                      Value::Float(i / 4.0)});
    ASSERT_TRUE(status.ok()) << status;
  }
  auto chunks = ReadQuery(*db_,
                          "SELECT id, name, x FROM " + QuoteIdentifier(table_) +
                              " WHERE id >= $1 AND name <> $2 ORDER BY id",
                          {Value::Int(1), Value::String("n5")}, 2);
  ASSERT_TRUE(chunks.ok()) << chunks.status();
  ASSERT_EQ(chunks->size(), 2u);  // rows 1, 2, 4, 6 in chunks of two
  const RecordBatch& first = (*chunks)[0];
  ASSERT_EQ(first.num_rows(), 2u);
  EXPECT_EQ(first.column(0).name, "id");
  EXPECT_EQ(first.column(0).values[1].kind(), Value::Kind::kInt);
  EXPECT_EQ(first.column(0).values[1].as_int(), 2);
  EXPECT_EQ(first.column(1).values[0].as_string(), "n1");
  EXPECT_EQ(first.column(2).values[1].as_float(), 0.5);
  EXPECT_EQ((*chunks)[1].column(0).values[1].as_int(), 6);
}

TEST_P(StoreTest, ErrorsNameTheProblem) {
  absl::Status status = db_->Execute("SELEC 1");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("SELEC"), std::string::npos) << status;
  auto missing = db_->TableColumns("no_such_table_here");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_TRUE(missing->empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, StoreTest, ::testing::Values("sqlite", "postgres"));

TEST(OpenDatabaseTest, RejectsUnknownSchemesAndHidesPasswords) {
  auto db = OpenDatabase("mysql://root:secret@localhost/db");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db.status().message().find("secret"), std::string::npos);
  EXPECT_EQ(RedactUrl("postgresql://u:pw@h:5/d"), "postgresql://u:***@h:5/d");
  EXPECT_EQ(QuoteIdentifier("s.my\"t"), "\"s\".\"my\"\"t\"");
}

TEST(OpenDatabaseTest, UnreachablePostgresIsUnavailable) {
  auto db = OpenDatabase(
      absl::StrCat("postgresql://nobody:pw@127.0.0.1:", FreePort(), "/x?connect_timeout=2"));
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
  EXPECT_EQ(db.status().message().find("pw@"), std::string::npos);
}

TEST(PostgresReconnectTest, ConnectionKilledByServerIsUnavailableThenRecovers) {
  auto db = OpenDatabase(PostgresEnvironment::url);
  auto admin = OpenDatabase(PostgresEnvironment::url);
  ASSERT_TRUE(db.ok() && admin.ok());
  auto pid = ReadQuery(**db, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE(
      (*admin)->Execute("SELECT pg_terminate_backend($1)", {(*pid)[0].column(0).values[0]}).ok());
  absl::Status status = (*db)->Execute("SELECT 1");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE((*db)->Execute("SELECT 1").ok());  // reconnected
}

}  // namespace
}  // namespace ferry::store

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ferry::store::PostgresEnvironment);
  return RUN_ALL_TESTS();
}
