#include "gtest/gtest.h"
#include "serve/form_body.h"
#include "serve/http_errors.h"
#include "serve/json_body.h"

namespace ferry::serve {
namespace {

std::string Cell(const RecordBatch& b, std::string_view column, size_t row) {
  int i = b.FindColumn(column);
  return i < 0 ? "<missing>" : b.column(i).values[row].ToString();
}

TEST(JsonBody, ArrayOfObjectsAndPositionalRows) {
  auto root = ParseJsonBody(R"([{"a": 1, "b": "x"}, {"b": "y", "c": true}])", 16);
  ASSERT_TRUE(root.ok());
  auto batch = RecordsFromArray(ArrayOf(*root), {}, 10, "body");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(Cell(*batch, "a", 0), "1");
  EXPECT_EQ(Cell(*batch, "a", 1), "null");
  EXPECT_EQ(Cell(*batch, "c", 1), "true");

  root = ParseJsonBody(R"([[1, "x"], [2]])", 16);
  batch = RecordsFromArray(ArrayOf(*root), {"a", "b"}, 10, "data");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(Cell(*batch, "b", 0), "x");
  EXPECT_EQ(Cell(*batch, "a", 1), "2");
  root = ParseJsonBody(R"([[1, "x", 3]])", 16);
  EXPECT_FALSE(RecordsFromArray(ArrayOf(*root), {"a", "b"}, 10, "data").ok());
}

TEST(JsonBody, NestedValueIsThatRowsError) {
  auto root = ParseJsonBody(R"([{"a": {"b": 1}}, {"a": 2}])", 16);
  auto batch = RecordsFromArray(ArrayOf(*root), {}, 10, "body");
  ASSERT_TRUE(batch.ok());
  EXPECT_NE(batch->error(0).find("a: expected a number"), std::string::npos) << batch->error(0);
  EXPECT_TRUE(batch->ok(1));
}

TEST(JsonBody, LimitsAndMalformedInput) {
  EXPECT_EQ(ParseJsonBody("{\"a\": ", 16).status().code(), absl::StatusCode::kInvalidArgument);
  auto deep = ParseJsonBody(std::string(40, '[') + std::string(40, ']'), 16);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("deeper than the limit of 16"), std::string::npos);
  auto root = ParseJsonBody("[{}, {}, {}]", 16);
  auto batch = RecordsFromArray(ArrayOf(*root), {}, 2, "body");
  EXPECT_EQ(HttpStatusOf(batch.status()), 413);
}

TEST(JsonBody, Columns) {
  auto root = ParseJsonBody(R"({"a": [1, 2], "b": ["x", "y"]})", 16);
  auto batch = RecordsFromColumns(ObjectOf(*root), 10, "inputs");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(Cell(*batch, "b", 1), "y");
  root = ParseJsonBody(R"({"a": [1, 2], "b": ["x"]})", 16);
  EXPECT_FALSE(RecordsFromColumns(ObjectOf(*root), 10, "inputs").ok());
}

TEST(FormBody, UrlEncoded) {
  auto batch = RecordFromUrlEncoded("DepDelay=5.0&Carrier=A%41&Note=two+words&empty=");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(Cell(*batch, "DepDelay", 0), "5.0");
  EXPECT_EQ(Cell(*batch, "Carrier", 0), "AA");
  EXPECT_EQ(Cell(*batch, "Note", 0), "two words");
  EXPECT_EQ(Cell(*batch, "empty", 0), "");
  EXPECT_FALSE(RecordFromUrlEncoded("a=%4").ok());
  EXPECT_FALSE(RecordFromUrlEncoded("a=%zz").ok());
  EXPECT_FALSE(RecordFromUrlEncoded("").ok());
}

TEST(FormBody, MultipartFieldsAndFile) {
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"x1\"\r\n\r\n1.5\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"x2\"\r\n\r\n-2\r\n--XyZ--\r\n";
  auto batch = RecordsFromMultipart(body, "multipart/form-data; boundary=XyZ", 10);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->num_rows(), 1u);
  EXPECT_EQ(Cell(*batch, "x1", 0), "1.5");
  EXPECT_EQ(Cell(*batch, "x2", 0), "-2");

  std::string file =
      "--b\r\nContent-Disposition: form-data; name=\"rows\"; filename=\"r.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nx1,x2\n1,2\n3,4\n\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nfrom-form\r\n--b--\r\n";
  batch = RecordsFromMultipart(file, "multipart/form-data; boundary=\"b\"", 10);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(Cell(*batch, "x1", 1), "3");
  EXPECT_EQ(Cell(*batch, "tag", 1), "from-form");

  EXPECT_FALSE(RecordsFromMultipart(body, "multipart/form-data", 10).ok());
  EXPECT_FALSE(
      RecordsFromMultipart("--XyZ\r\nno end", "multipart/form-data; boundary=XyZ", 10).ok());
}

TEST(FormBody, CsvText) {
  auto batch = RecordsFromText("x1,x2\n1,2\n3,4\n", "csv", 10);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(HttpStatusOf(RecordsFromText("x1\n1\n2\n3\n", "csv", 2).status()), 413);
  EXPECT_FALSE(RecordsFromText("x1,x2\n", "csv", 10).ok());
}

TEST(HttpErrors, OneMapping) {
  EXPECT_EQ(HttpStatusOf(absl::InvalidArgumentError("x")), 400);
  EXPECT_EQ(HttpStatusOf(absl::NotFoundError("x")), 404);
  EXPECT_EQ(HttpStatusOf(absl::UnauthenticatedError("x")), 401);
  EXPECT_EQ(HttpStatusOf(absl::PermissionDeniedError("x")), 403);
  EXPECT_EQ(HttpStatusOf(PayloadTooLarge("x")), 413);
  EXPECT_EQ(HttpStatusOf(UnsupportedMediaType("x")), 415);
  EXPECT_EQ(HttpStatusOf(UnprocessableFields("x")), 422);
  EXPECT_EQ(HttpStatusOf(MethodNotAllowed("x")), 405);
  EXPECT_EQ(HttpStatusOf(absl::InternalError("x")), 500);
  Response r = ErrorResponse(absl::NotFoundError("no \"m\""), "m", "1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"no \"m\"","model":"m","version":"1"})");
}

}  // namespace
}  // namespace ferry::serve
