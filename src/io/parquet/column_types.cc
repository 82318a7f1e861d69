// Schema resolution and physical-to-Value conversion. Decimals become the double nearest to
// their exact value (the unscaled integer printed with its exponent, then strtod).
#include "io/parquet/column_types.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "io/parquet/status_macros.h"
#include "absl/strings/str_format.h"

namespace ferry::parquet {
namespace {

using K = LogicalType::Kind;

const char* PhysicalName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "unknown";
}

LogicalType FromConverted(const SchemaElement& e) {
  LogicalType lt;
  if (!e.converted_type) return lt;
  namespace c = converted;
  switch (*e.converted_type) {
    case c::kUtf8: lt.kind = K::kString; break;
    case c::kEnum: lt.kind = K::kEnum; break;
    case c::kJson: lt.kind = K::kJson; break;
    case c::kBson: lt.kind = K::kBson; break;
    case c::kDecimal:
      lt.kind = K::kDecimal;
      lt.scale = e.scale;
      lt.precision = e.precision;
      break;
    case c::kDate: lt.kind = K::kDate; break;
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
    case c::kUint8: case c::kUint16: case c::kUint32: case c::kUint64:
    case c::kInt8: case c::kInt16: case c::kInt32: case c::kInt64: {
      int k = *e.converted_type;
      lt.kind = K::kInteger;
      lt.is_signed = k >= c::kInt8;
      lt.bit_width = 8 << ((k - (lt.is_signed ? c::kInt8 : c::kUint8)) & 3);
      break;
    }
    default: lt.kind = K::kOther; break;
  }
  return lt;
}

ColumnType TypeOf(PhysicalType p, const LogicalType& lt) {
  switch (p) {
    case PhysicalType::kBoolean: return ColumnType::kBool;
    case PhysicalType::kInt96: return ColumnType::kTimestamp;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: return ColumnType::kDouble;
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
  const char* unit = lt.unit == TimeUnit::kMillis ? "MILLIS" : lt.unit == TimeUnit::kMicros ? "MICROS" : "NANOS";
  switch (lt.kind) {
    case K::kNone: return "";
    case K::kString: return "STRING";
    case K::kEnum: return "ENUM";
    case K::kJson: return "JSON";
    case K::kBson: return "BSON";
    case K::kUuid: return "UUID";
    case K::kFloat16: return "FLOAT16";
    case K::kDecimal: return absl::StrCat("DECIMAL(", lt.precision, ",", lt.scale, ")");
    case K::kDate: return "DATE";
    case K::kTime: return absl::StrCat("TIME(", unit, ")");
    case K::kTimestamp:
      return absl::StrCat("TIMESTAMP(", unit, lt.adjusted_to_utc ? ",UTC)" : ")");
    case K::kInteger: return absl::StrCat(lt.is_signed ? "INT(" : "UINT(", lt.bit_width, ")");
    case K::kNull: return "NULL";
    default: return "other";
  }
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 <-> proleptic Gregorian calendar (era arithmetic).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string Fraction(int64_t nanos, int digits) {
  if (nanos == 0) return "";
  if (digits == 6 || nanos % 1000 == 0) return absl::StrFormat(".%06d", nanos / 1000);
  return absl::StrFormat(".%09d", nanos);
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

float HalfToFloat(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

}  // namespace

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64: return "int64";
    case ColumnType::kDouble: return "double";
    case ColumnType::kString: return "string";
    case ColumnType::kBool: return "bool";
    case ColumnType::kDate: return "date";
    case ColumnType::kTimestamp: return "timestamp";
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
      return absl::UnimplementedError(absl::StrCat(
          "column '", e.name, "' is repeated: nested columns are not supported"));
    }
    ColumnDescriptor c;
    c.name = e.name;
    c.physical = *e.type;
    if (static_cast<int32_t>(c.physical) < 0 || static_cast<int32_t>(c.physical) > 7) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", e.name, "' has unknown physical type ", static_cast<int32_t>(c.physical)));
    }
    c.type_length = e.type_length;
    if (c.physical == PhysicalType::kFixedLenByteArray && (e.type_length <= 0 || e.type_length > (1 << 20))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", e.name, "' is FIXED_LEN_BYTE_ARRAY with invalid type_length ", e.type_length));
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
    case K::kDate: return Value::String(FormatDate(v));
    case K::kDecimal: return FromUnscaled(v);
    case K::kTimestamp:
    case K::kTime: {
      int64_t per_second = lt.unit == TimeUnit::kMillis ? 1000 : lt.unit == TimeUnit::kMicros ? 1000000 : 1000000000;
      int64_t seconds = FloorDiv(v, per_second);
      int64_t nanos = (v - seconds * per_second) * (1000000000 / per_second);
      int digits = lt.unit == TimeUnit::kNanos ? 9 : 6;
      if (lt.kind == K::kTimestamp) return Value::String(FormatTimestampNanos(seconds, nanos, digits));
      int64_t sod = seconds - FloorDiv(seconds, 86400) * 86400;
      return Value::String(absl::StrFormat("%02d:%02d:%02d%s", sod / 3600, sod / 60 % 60,
                                           sod % 60, Fraction(nanos, digits)));
    }
    case K::kInteger:
      if (!lt.is_signed) {
        if (is32) return Value::Int(static_cast<uint32_t>(v));
        if (v < 0) return Value::Float(static_cast<double>(static_cast<uint64_t>(v)));
      }
      return Value::Int(v);
    default: return Value::Int(v);
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
    int64_t seconds = (static_cast<int64_t>(julian) - 2440588) * 86400 + FloorDiv(nanos, 1000000000);
    return Value::String(FormatTimestampNanos(seconds, nanos - FloorDiv(nanos, 1000000000) * 1000000000, 9));
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

std::string FormatDate(int64_t days) {
  int64_t y = 0;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return absl::StrFormat("%04d-%02d-%02d", y, m, d);
}

std::string FormatTimestampNanos(int64_t seconds, int64_t nanos, int digits) {
  int64_t days = FloorDiv(seconds, 86400);
  int64_t sod = seconds - days * 86400;
  return absl::StrCat(FormatDate(days),
                      absl::StrFormat(" %02d:%02d:%02d", sod / 3600, sod / 60 % 60, sod % 60),
                      Fraction(nanos, digits));
}

bool ParseDate(std::string_view s, int64_t* days) {
  int64_t y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return false;
  }
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  int64_t y2;
  unsigned m2, d2;
  CivilFromDays(*days, &y2, &m2, &d2);
  return y2 == y && m2 == m && d2 == d;  // rejects 2021-02-30
}

bool ParseTimestampMicros(std::string_view s, int64_t* micros) {
  int64_t days = 0;
  if (s.size() < 10 || !ParseDate(s.substr(0, 10), &days)) return false;
  int64_t h = 0, mi = 0, sec = 0, frac = 0;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || !Digits(s, 11, 2, &h) || s.size() < 16 ||
        s[13] != ':' || !Digits(s, 14, 2, &mi) || h > 23 || mi > 59) {
      return false;
    }
    size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &sec) || sec > 59) return false;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        int n = 0;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
          if (n < 6) frac = frac * 10 + (s[pos] - '0');
        }
        if (n == 0) return false;
        for (; n < 6; ++n) frac *= 10;
      }
    }
    if (pos != s.size()) return false;
  }
  *micros = ((days * 24 + h) * 60 + mi) * 60000000 + sec * 1000000 + frac;
  return true;
}

}  // namespace ferry::parquet
