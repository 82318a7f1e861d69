// Tests of input parsing: every type, every rule and its message, defaults, unknown fields.
#include "bundle/inputs.h"

#include "gtest/gtest.h"

namespace ferry::bundle {
namespace {

InputSpec Field(std::string name, Type type) {
  InputSpec in;
  in.name = std::move(name);
  in.type = type;
  return in;
}

// Parses one column `name` holding `values` against `spec`; returns the per-row errors.
std::vector<std::string> Errors(const InputSpec& spec, std::vector<Value> values,
                                std::vector<ColumnData>* parsed = nullptr, bool reject = false,
                                const std::string& extra = "") {
  auto parser = InputParser::Make({spec}, reject);
  EXPECT_TRUE(parser.ok()) << parser.status();
  RecordBatch batch(values.size());
  if (!extra.empty()) batch.AddColumn(extra, std::vector<Value>(values.size(), Value::Int(1)));
  batch.AddColumn(spec.name, std::move(values));
  std::vector<std::string> errors(batch.num_rows());
  auto cols = parser->Parse(batch, &errors);
  if (parsed) *parsed = std::move(cols);
  return errors;
}

TEST(InputsTest, DatesAndTimestamps) {
  std::vector<ColumnData> cols;
  auto e = Errors(Field("FlightDate", Type::kDate),
                  {Value::String("2016-12-25"), Value::String("2016-13-45"), Value::String("2016-02-30"), Value::Int(3)}, &cols);
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(cols[0].ToText(0), "2016-12-25");
  EXPECT_EQ(e[1], "FlightDate: '2016-13-45' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(e[2], "FlightDate: '2016-02-30' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(e[3], "FlightDate: 3 is not a date (YYYY-MM-DD)");
  e = Errors(Field("At", Type::kTimestamp),
             {Value::String("2016-12-25T14:30:00Z"), Value::String("2016-12-25 14:30:00+02:00"),
              Value::String("2016-12-25T25:00:00")}, &cols);
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "");
  EXPECT_EQ(cols[0].ToText(1), "2016-12-25 14:30:00");
  EXPECT_EQ(e[2], "At: '2016-12-25T25:00:00' is not a timestamp (YYYY-MM-DDTHH:MM:SS[Z|+hh:mm])");
}

TEST(InputsTest, NumbersAcceptNumericStringsAndCheckBounds) {
  InputSpec f = Field("DepDelay", Type::kFloat);
  f.min = -60;
  f.max = 1500;
  std::vector<ColumnData> cols;
  auto e = Errors(f, {Value::String("12.5"), Value::Int(5000), Value::Float(-61), Value::String("abc"), Value::Bool(true)}, &cols);
  EXPECT_EQ(e[0], "");
  EXPECT_DOUBLE_EQ(cols[0].floats[0], 12.5);
  EXPECT_EQ(e[1], "DepDelay: 5000 is above the maximum 1500");
  EXPECT_EQ(e[2], "DepDelay: -61 is below the minimum -60");
  EXPECT_EQ(e[3], "DepDelay: 'abc' is not a number");
  EXPECT_EQ(e[4], "DepDelay: true is not a number");
  e = Errors(Field("Seats", Type::kInt), {Value::String(" 7 "), Value::Float(3.0), Value::Float(2.5), Value::String("2.5")}, &cols);
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(cols[0].ints[0], 7);
  EXPECT_EQ(e[1], "");
  EXPECT_EQ(e[2], "Seats: 2.5 is not an integer");
  EXPECT_EQ(e[3], "Seats: '2.5' is not an integer");
}

TEST(InputsTest, Bools) {
  std::vector<ColumnData> cols;
  auto e = Errors(Field("Member", Type::kBool), {Value::String("yes"), Value::Int(0), Value::Bool(true), Value::String("maybe")}, &cols);
  EXPECT_EQ(cols[0].ints[0], 1);
  EXPECT_EQ(cols[0].ints[1], 0);
  EXPECT_EQ(e[2], "");
  EXPECT_EQ(e[3], "Member: 'maybe' is not a bool (true or false)");
}

TEST(InputsTest, RegexAndEnum) {
  InputSpec c = Field("Carrier", Type::kString);
  c.regex = "^[A-Z0-9]{2}$";
  auto e = Errors(c, {Value::String("AA"), Value::String("xyz")});
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "Carrier: 'xyz' does not match ^[A-Z0-9]{2}$");
  InputSpec cabin = Field("Cabin", Type::kString);
  cabin.enum_values = {Value::String("economy"), Value::String("business")};
  e = Errors(cabin, {Value::String("business"), Value::String("first")});
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "Cabin: 'first' is not one of: economy, business");
  InputSpec level = Field("Level", Type::kInt);
  level.enum_values = {Value::Int(1), Value::Int(2)};
  e = Errors(level, {Value::String("2"), Value::Int(3)});
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "Level: 3 is not one of: 1, 2");
}

TEST(InputsTest, RequiredOptionalAndDefaults) {
  auto e = Errors(Field("Origin", Type::kString), {Value::String("SFO"), Value()});
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "Origin: required field is missing");
  InputSpec n = Field("FlightNum", Type::kString);
  n.required = false;
  n.default_value = Value::String("none");
  std::vector<ColumnData> cols;
  e = Errors(n, {Value(), Value::Int(1234)}, &cols);
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(cols[0].ToText(0), "none");
  EXPECT_EQ(cols[0].ToText(1), "1234");  // ids sent as numbers become their text
  InputSpec d = Field("Delay", Type::kFloat);
  d.required = false;
  e = Errors(d, {Value::String(""), Value()}, &cols);  // "" from a form is missing, not an error
  EXPECT_EQ(e[0], "");
  EXPECT_FALSE(cols[0].is_valid(0));
  InputSpec bad = Field("When", Type::kDate);
  bad.required = false;
  bad.default_value = Value::String("soon");
  auto parser = InputParser::Make({bad}, false);
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(), "inputs.When.default: When: 'soon' is not a date (YYYY-MM-DD)");
  InputSpec re = Field("R", Type::kString);
  re.regex = "([a-";
  EXPECT_FALSE(InputParser::Make({re}, false).ok());
}

TEST(InputsTest, UnknownFieldsIgnoredOrRejected) {
  auto e = Errors(Field("A", Type::kInt), {Value::Int(1)}, nullptr, /*reject=*/false, "Extra");
  EXPECT_EQ(e[0], "");
  e = Errors(Field("A", Type::kInt), {Value::Int(1)}, nullptr, /*reject=*/true, "Extra");
  EXPECT_EQ(e[0], "Extra: unknown field (not declared in inputs, and unknown_fields is reject)");
}

// A regex with repetition used to recurse once per character and overflow the stack on a long
// field (a crash of ferry serve from one request); long fields are now checked safely, and
// error messages show a cut of the value, not all of it.
TEST(InputsTest, RegexChecksLongFieldsWithoutCrashingAndCutsTheValueShown) {
  InputSpec letters = Field("Name", Type::kString);
  letters.regex = "^([a-z]|[0-9])+$";
  const std::string ok(1000000, 'a');
  std::string bad = ok + "!";
  auto e = Errors(letters, {Value::String(ok), Value::String(bad)});
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "Name: '" + std::string(60, 'a') + "...' (1000001 bytes) does not match ^([a-z]|[0-9])+$");
  InputSpec repeated = Field("Pair", Type::kString);
  repeated.regex = "^(a+)-\\1$";
  e = Errors(repeated, {Value::String("aa-aa"), Value::String("aa-a"), Value::String(std::string(5000, 'a'))});
  EXPECT_EQ(e[0], "");
  EXPECT_EQ(e[1], "Pair: 'aa-a' does not match ^(a+)-\\1$");
  EXPECT_NE(e[2].find("is longer than 1000 bytes, the most its regex (which has a back-reference) checks"),
            std::string::npos) << e[2];
}

// A regex on a non-string field used to index its empty string storage (found by fuzzing).
TEST(InputsTest, RegexOnANonStringFieldIsAnError) {
  InputSpec delay = Field("DepDelay", Type::kFloat);
  delay.regex = "^[A-Z]{3}$";
  auto parser = InputParser::Make({delay}, false);
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(),
            "inputs.DepDelay.regex: only string fields take a regex (this one is float); remove the "
            "regex or use min/max/enum");
}

}  // namespace
}  // namespace ferry::bundle
