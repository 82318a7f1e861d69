// Schema resolution and physical-to-Value conversion. Decimals become the double nearest to
// their exact value (the unscaled integer printed with its exponent, then strtod).
#include "io/parquet/column_types.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "io/parquet/calendar.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

using K = LogicalType::Kind;

const char* PhysicalName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "unknown";
}

LogicalType FromConverted(const SchemaElement& e) {
  LogicalType lt;
  if (!e.converted_type) return lt;
  namespace c = converted;
  switch (*e.converted_type) {
    case c::kUtf8:
      lt.kind = K::kString;
      break;
    case c::kEnum:
      lt.kind = K::kEnum;
      break;
    case c::kJson:
      lt.kind = K::kJson;
      break;
    case c::kBson:
      lt.kind = K::kBson;
      break;
    case c::kDecimal:
      lt.kind = K::kDecimal;
      lt.scale = e.scale;
      lt.precision = e.precision;
      break;
    case c::kDate:
      lt.kind = K::kDate;
      break;
    case c::kTimeMillis:
    case c::kTimeMicros:
      lt.kind = K::kTime;
      lt.unit = *e.converted_type == c::kTimeMillis ? TimeUnit::kMillis : TimeUnit::kMicros;
      lt.adjusted_to_utc = true;
      break;
    case c::kTimestampMillis:
    case c::kTimestampMicros:
      lt.kind = K::kTimestamp;
      lt.unit = *e.converted_type == c::kTimestampMillis ? TimeUnit::kMillis : TimeUnit::kMicros;
      lt.adjusted_to_utc = true;
      break;
    case c::kUint8:
    case c::kUint16:
    case c::kUint32:
    case c::kUint64:
    case c::kInt8:
    case c::kInt16:
    case c::kInt32:
    case c::kInt64: {
      int k = *e.converted_type;
      lt.kind = K::kInteger;
      lt.is_signed = k >= c::kInt8;
      lt.bit_width = 8 << ((k - (lt.is_signed ? c::kInt8 : c::kUint8)) & 3);
      break;
    }
    default:
      lt.kind = K::kOther;
      break;
  }
  return lt;
}

ColumnType TypeOf(PhysicalType p, const LogicalType& lt) {
  switch (p) {
    case PhysicalType::kBoolean:
      return ColumnType::kBool;
    case PhysicalType::kInt96:
      return ColumnType::kTimestamp;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return ColumnType::kDouble;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      if (lt.kind == K::kDate) return ColumnType::kDate;
      if (lt.kind == K::kTimestamp) return ColumnType::kTimestamp;
      if (lt.kind == K::kDecimal) return ColumnType::kDouble;
      if (lt.kind == K::kTime) return ColumnType::kString;
      return ColumnType::kInt64;
    default:
      if (lt.kind == K::kDecimal || lt.kind == K::kFloat16) return ColumnType::kDouble;
      return ColumnType::kString;
  }
}

std::string Annotation(const LogicalType& lt) {
  const char* unit = lt.unit == TimeUnit::kMillis   ? "MILLIS"
                     : lt.unit == TimeUnit::kMicros ? "MICROS"
                                                    : "NANOS";
  switch (lt.kind) {
    case K::kNone:
      return "";
    case K::kString:
      return "STRING";
    case K::kEnum:
      return "ENUM";
    case K::kJson:
      return "JSON";
    case K::kBson:
      return "BSON";
    case K::kUuid:
      return "UUID";
    case K::kFloat16:
      return "FLOAT16";
    case K::kDecimal:
      return absl::StrCat("DECIMAL(", lt.precision, ",", lt.scale, ")");
    case K::kDate:
      return "DATE";
    case K::kTime:
      return absl::StrCat("TIME(", unit, ")");
    case K::kTimestamp:
      return absl::StrCat("TIMESTAMP(", unit, lt.adjusted_to_utc ? ",UTC)" : ")");
    case K::kInteger:
      return absl::StrCat(lt.is_signed ? "INT(" : "UINT(", lt.bit_width, ")");
    case K::kNull:
      return "NULL";
    default:
      return "other";
  }
}

float HalfToFloat(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0)
    v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

}  // namespace

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kString:
      return "string";
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kTimestamp:
      return "timestamp";
  }
  return "unknown";
}

absl::StatusOr<ColumnType> ParseColumnType(std::string_view name) {
  for (ColumnType t : {ColumnType::kInt64, ColumnType::kDouble, ColumnType::kString,
                       ColumnType::kBool, ColumnType::kDate, ColumnType::kTimestamp}) {
    if (name == ColumnTypeName(t)) return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown column type '", Sv(name), "'; use int64, double, string, bool, date or timestamp"));
}

absl::StatusOr<std::vector<ColumnDescriptor>> ResolveColumns(
    const std::vector<SchemaElement>& schema) {
  if (schema.empty()) return absl::InvalidArgumentError("the file's schema is empty");
  std::vector<ColumnDescriptor> columns;
  for (size_t i = 1; i < schema.size(); ++i) {
    const SchemaElement& e = schema[i];
    if (e.num_children > 0 || !e.type) {
      return absl::UnimplementedError(absl::StrCat(
          "column '", e.name,
          "' is a group (struct, list or map): nested columns are not supported; only flat "
          "tables can be read"));
    }
    if (e.repetition.value_or(0) == 2) {
      return absl::UnimplementedError(
          absl::StrCat("column '", e.name, "' is repeated: nested columns are not supported"));
    }
    ColumnDescriptor c;
    c.name = e.name;
    c.physical = *e.type;
    if (static_cast<int32_t>(c.physical) < 0 || static_cast<int32_t>(c.physical) > 7) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", e.name, "' has unknown physical type ", static_cast<int32_t>(c.physical)));
    }
    c.type_length = e.type_length;
    if (c.physical == PhysicalType::kFixedLenByteArray &&
        (e.type_length <= 0 || e.type_length > (1 << 20))) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", e.name, "' is FIXED_LEN_BYTE_ARRAY with invalid type_length ",
                       e.type_length));
    }
    c.optional = e.repetition.value_or(1) == 1;
    c.logical = e.logical_type.kind == K::kNone ? FromConverted(e) : e.logical_type;
    if (c.logical.kind == K::kDecimal && c.logical.precision == 0) {
      c.logical.precision = e.precision;
      c.logical.scale = e.scale;
    }
    c.type = TypeOf(c.physical, c.logical);
    std::string note = Annotation(c.logical);
    c.description = c.physical == PhysicalType::kFixedLenByteArray
                        ? absl::StrCat(PhysicalName(c.physical), "(", c.type_length, ")")
                        : PhysicalName(c.physical);
    if (!note.empty()) absl::StrAppend(&c.description, " (", note, ")");
    columns.push_back(std::move(c));
  }
  if (schema[0].num_children != static_cast<int32_t>(columns.size())) {
    return absl::InvalidArgumentError(absl::StrCat("the schema root declares ",
                                                   schema[0].num_children, " columns but ",
                                                   columns.size(), " follow"));
  }
  return columns;
}

Value ValueConverter::FromInt(int64_t v) const {
  if (c_.physical == PhysicalType::kBoolean) return Value::Bool(v != 0);
  bool is32 = c_.physical == PhysicalType::kInt32;
  if (is32) v = static_cast<int32_t>(v);
  const LogicalType& lt = c_.logical;
  switch (lt.kind) {
    case K::kDate:
      return Value::String(FormatDate(v));
    case K::kDecimal:
      return FromUnscaled(v);
    case K::kTimestamp:
    case K::kTime: {
      int64_t per_second = lt.unit == TimeUnit::kMillis   ? 1000
                           : lt.unit == TimeUnit::kMicros ? 1000000
                                                          : 1000000000;
      int64_t seconds = FloorDiv(v, per_second);
      int64_t nanos = (v - seconds * per_second) * (1000000000 / per_second);
      int digits = lt.unit == TimeUnit::kNanos ? 9 : 6;
      if (lt.kind == K::kTimestamp)
        return Value::String(FormatTimestampNanos(seconds, nanos, digits));
      int64_t sod = seconds - FloorDiv(seconds, 86400) * 86400;
      return Value::String(absl::StrFormat("%02d:%02d:%02d%s", sod / 3600, sod / 60 % 60, sod % 60,
                                           FormatFraction(nanos, digits)));
    }
    case K::kInteger:
      if (!lt.is_signed) {
        if (is32) return Value::Int(static_cast<uint32_t>(v));
        if (v < 0) return Value::Float(static_cast<double>(static_cast<uint64_t>(v)));
      }
      return Value::Int(v);
    default:
      return Value::Int(v);
  }
}

Value ValueConverter::FromDouble(double v) const { return Value::Float(v); }

Value ValueConverter::FromBytes(std::string_view v) const {
  const auto* b = reinterpret_cast<const uint8_t*>(v.data());
  if (c_.physical == PhysicalType::kInt96) {
    if (v.size() != 12) return Value::Null();
    int64_t nanos = 0;
    int32_t julian = 0;
    std::memcpy(&nanos, b, 8);
    std::memcpy(&julian, b + 8, 4);
    int64_t seconds =
        (static_cast<int64_t>(julian) - 2440588) * 86400 + FloorDiv(nanos, 1000000000);
    return Value::String(
        FormatTimestampNanos(seconds, nanos - FloorDiv(nanos, 1000000000) * 1000000000, 9));
  }
  switch (c_.logical.kind) {
    case K::kDecimal: {
      if (v.empty()) return Value::Float(0);
      if (v.size() <= 16) {
        __int128 u = static_cast<int8_t>(b[0]);  // sign-extends
        for (size_t i = 1; i < v.size(); ++i) u = u * 256 + b[i];
        return FromUnscaled(u);
      }
      double d = static_cast<int8_t>(b[0]);
      for (size_t i = 1; i < v.size(); ++i) d = d * 256 + b[i];
      return Value::Float(d / std::pow(10.0, c_.logical.scale));
    }
    case K::kFloat16:
      if (v.size() != 2) return Value::Null();
      return Value::Float(HalfToFloat(static_cast<uint16_t>(b[0] | (b[1] << 8))));
    case K::kUuid:
      if (v.size() == 16) {
        std::string s;
        for (int i = 0; i < 16; ++i) {
          if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
          absl::StrAppendFormat(&s, "%02x", b[i]);
        }
        return Value::String(std::move(s));
      }
      return Value::String(std::string(v));
    default:
      return Value::String(std::string(v));
  }
}

Value ValueConverter::FromUnscaled(__int128 unscaled) const {
  bool negative = unscaled < 0;
  unsigned __int128 m = negative ? -static_cast<unsigned __int128>(unscaled) : unscaled;
  char digits[48];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
  } while (m != 0);
  std::string text = negative ? "-" : "";
  for (int i = n - 1; i >= 0; --i) text.push_back(digits[i]);
  absl::StrAppend(&text, "e", -static_cast<int64_t>(c_.logical.scale));
  return Value::Float(std::strtod(text.c_str(), nullptr));
}

}  // namespace ferry::parquet
