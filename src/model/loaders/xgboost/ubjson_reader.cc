#include "model/loaders/xgboost/ubjson_reader.h"

#include <bit>
#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace ferry::model::xgboost {
namespace {

// Reads one document from a byte range; `pos_` only moves forward.
class UbjsonReader {
 public:
  explicit UbjsonReader(std::string_view bytes) : bytes_(bytes) {}

  absl::StatusOr<DocNode> ReadDocument() {
    DocNode root;
    auto marker = ReadMarker();
    if (!marker.ok()) return marker.status();
    if (auto s = ReadValue(*marker, 0, &root); !s.ok()) return s;
    if (pos_ != bytes_.size()) {
      return Error(absl::StrCat(bytes_.size() - pos_, " unexpected bytes after the document"));
    }
    return root;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("invalid UBJSON at byte ", pos_, ": ", what));
  }
  size_t Remaining() const { return bytes_.size() - pos_; }

  absl::StatusOr<char> ReadMarker() {
    if (Remaining() < 1) return Error("file ends where a type marker was expected");
    return bytes_[pos_++];
  }

  // Skips no-op markers ('N') and returns the next real marker.
  absl::StatusOr<char> ReadMarkerSkippingNoop() {
    for (;;) {
      auto marker = ReadMarker();
      if (!marker.ok() || *marker != 'N') return marker;
    }
  }

  static int PayloadSize(char marker) {
    switch (marker) {
      case 'i':
      case 'U':
      case 'C':
        return 1;
      case 'I':
        return 2;
      case 'l':
      case 'd':
        return 4;
      case 'L':
      case 'D':
        return 8;
      default:
        return -1;
    }
  }

  template <typename T>
  T ReadBigEndian() {  // REQUIRES: Remaining() >= sizeof(T)
    static_assert(sizeof(T) <= 8);
    using U = std::conditional_t<
        sizeof(T) == 1, uint8_t,
        std::conditional_t<sizeof(T) == 2, uint16_t,
                           std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
    U raw = 0;
    for (size_t i = 0; i < sizeof(U); ++i) {
      raw = static_cast<U>((raw << 8) | static_cast<uint8_t>(bytes_[pos_ + i]));
    }
    pos_ += sizeof(U);
    return std::bit_cast<T>(raw);
  }

  // A fixed-size number whose marker has been read. REQUIRES: PayloadSize(marker) > 0.
  absl::StatusOr<double> ReadNumberPayload(char marker) {
    if (Remaining() < static_cast<size_t>(PayloadSize(marker))) {
      return Error(absl::StrCat("file ends inside a value of type '", std::string(1, marker), "'"));
    }
    switch (marker) {
      case 'i':
        return ReadBigEndian<int8_t>();
      case 'U':
        return ReadBigEndian<uint8_t>();
      case 'I':
        return ReadBigEndian<int16_t>();
      case 'l':
        return ReadBigEndian<int32_t>();
      case 'L':
        return static_cast<double>(ReadBigEndian<int64_t>());
      case 'd':
        return ReadBigEndian<float>();
      default:
        return ReadBigEndian<double>();
    }
  }

  // A length or count: an integer with its own marker, checked to be in [0, Remaining()/unit].
  absl::StatusOr<size_t> ReadLength(absl::string_view what, size_t unit) {
    auto marker = ReadMarker();
    if (!marker.ok()) return marker.status();
    int64_t value = 0;
    switch (*marker) {
      case 'i':
      case 'U':
      case 'I':
      case 'l':
      case 'L': {
        if (Remaining() < static_cast<size_t>(PayloadSize(*marker))) {
          return Error(absl::StrCat("file ends inside the ", what));
        }
        if (*marker == 'i') value = ReadBigEndian<int8_t>();
        if (*marker == 'U') value = ReadBigEndian<uint8_t>();
        if (*marker == 'I') value = ReadBigEndian<int16_t>();
        if (*marker == 'l') value = ReadBigEndian<int32_t>();
        if (*marker == 'L') value = ReadBigEndian<int64_t>();
        break;
      }
      default:
        return Error(absl::StrCat("the ", what, " should be an integer, not type '",
                                  std::string(1, *marker), "'"));
    }
    if (value < 0) return Error(absl::StrCat("negative ", what, " ", value));
    if (static_cast<uint64_t>(value) > Remaining() / unit) {
      return Error(
          absl::StrCat(what, " ", value, " exceeds the ", Remaining(), " bytes left in the file"));
    }
    return static_cast<size_t>(value);
  }

  absl::StatusOr<std::string> ReadStringPayload() {
    auto length = ReadLength("string length", 1);
    if (!length.ok()) return length.status();
    std::string text(bytes_.substr(pos_, *length));
    pos_ += *length;
    return text;
  }

  absl::Status ReadValue(char marker, int depth, DocNode* out) {
    switch (marker) {
      case 'Z':
        out->kind = DocNode::Kind::kNull;
        return absl::OkStatus();
      case 'T':
      case 'F':
        out->kind = DocNode::Kind::kBool;
        out->boolean = marker == 'T';
        return absl::OkStatus();
      case 'S': {
        auto text = ReadStringPayload();
        if (!text.ok()) return text.status();
        out->kind = DocNode::Kind::kString;
        out->text = std::move(*text);
        return absl::OkStatus();
      }
      case 'C':
        if (Remaining() < 1) return Error("file ends inside a character");
        out->kind = DocNode::Kind::kString;
        out->text = std::string(1, bytes_[pos_++]);
        return absl::OkStatus();
      case 'H': {
        auto text = ReadStringPayload();
        if (!text.ok()) return text.status();
        auto number = ParseNumberText(*text, "high-precision number");
        if (!number.ok()) return Error(number.status().message());
        out->kind = DocNode::Kind::kNumber;
        out->number = *number;
        return absl::OkStatus();
      }
      case '[':
      case '{':
        if (depth >= kMaxDocumentDepth) {
          return Error(absl::StrCat("nested deeper than ", kMaxDocumentDepth, " levels"));
        }
        return marker == '[' ? ReadArray(depth + 1, out) : ReadObject(depth + 1, out);
      default:
        if (PayloadSize(marker) < 0) {
          return Error(
              absl::StrCat("unknown type marker 0x", absl::Hex(static_cast<uint8_t>(marker))));
        }
        auto number = ReadNumberPayload(marker);
        if (!number.ok()) return number.status();
        out->kind = DocNode::Kind::kNumber;
        out->number = *number;
        return absl::OkStatus();
    }
  }

  // After '[' or '{': reads the optional `$type` and `#count`. count < 0: no count given.
  absl::Status ReadContainerHeader(char* type, int64_t* count) {
    *type = 0;
    *count = -1;
    if (Remaining() > 0 && bytes_[pos_] == '$') {
      ++pos_;
      auto t = ReadMarker();
      if (!t.ok()) return t.status();
      if (*t == 'Z' || *t == 'N' || *t == 'T' || *t == 'F') {
        return Error(absl::StrCat("unsupported container element type '", std::string(1, *t), "'"));
      }
      *type = *t;
      if (Remaining() < 1 || bytes_[pos_] != '#') {
        return Error("a typed container ('$') must give its count ('#')");
      }
    }
    if (Remaining() > 0 && bytes_[pos_] == '#') {
      ++pos_;
      int size = *type != 0 && PayloadSize(*type) > 0 ? PayloadSize(*type) : 1;
      auto n = ReadLength("container count", size);
      if (!n.ok()) return n.status();
      *count = static_cast<int64_t>(*n);
    }
    return absl::OkStatus();
  }

  absl::Status ReadArray(int depth, DocNode* out) {
    char type = 0;
    int64_t count = -1;
    if (auto s = ReadContainerHeader(&type, &count); !s.ok()) return s;
    if (type != 0 && PayloadSize(type) > 0 && type != 'C') {
      out->kind = DocNode::Kind::kNumbers;
      out->numbers.resize(count);  // count * size <= Remaining() was checked
      for (int64_t i = 0; i < count; ++i) out->numbers[i] = *ReadNumberPayload(type);
      return absl::OkStatus();
    }
    out->kind = DocNode::Kind::kArray;
    for (int64_t i = 0; count < 0 || i < count; ++i) {
      char marker = type;
      if (marker == 0) {
        auto m = count < 0 ? ReadMarkerSkippingNoop() : ReadMarker();
        if (!m.ok()) return m.status();
        if (count < 0 && *m == ']') break;
        marker = *m;
      }
      out->items.emplace_back();
      if (auto s = ReadValue(marker, depth, &out->items.back()); !s.ok()) return s;
    }
    CompactNumbers(out);
    return absl::OkStatus();
  }

  absl::Status ReadObject(int depth, DocNode* out) {
    char type = 0;
    int64_t count = -1;
    if (auto s = ReadContainerHeader(&type, &count); !s.ok()) return s;
    out->kind = DocNode::Kind::kObject;
    for (int64_t i = 0; count < 0 || i < count; ++i) {
      if (count < 0) {
        while (Remaining() > 0 && bytes_[pos_] == 'N') ++pos_;
        if (Remaining() == 0) return Error("file ends inside an object");
        if (bytes_[pos_] == '}') {
          ++pos_;
          break;
        }
      }
      auto key = ReadStringPayload();
      if (!key.ok()) return key.status();
      char marker = type;
      if (marker == 0) {
        auto m = ReadMarkerSkippingNoop();
        if (!m.ok()) return m.status();
        marker = *m;
      }
      out->keys.push_back(std::move(*key));
      out->values.emplace_back();
      if (auto s = ReadValue(marker, depth, &out->values.back()); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // An untyped array whose items are all numbers or booleans becomes a kNumbers array, as the
  // JSON reader does, so the converter sees one form.
  static void CompactNumbers(DocNode* array) {
    for (const DocNode& item : array->items) {
      if (item.kind != DocNode::Kind::kNumber && item.kind != DocNode::Kind::kBool) return;
    }
    array->kind = DocNode::Kind::kNumbers;
    array->numbers.reserve(array->items.size());
    for (const DocNode& item : array->items) {
      array->numbers.push_back(item.kind == DocNode::Kind::kBool ? (item.boolean ? 1.0 : 0.0)
                                                                 : item.number);
    }
    array->items.clear();
  }

  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<DocNode> ReadUbjsonDocument(std::string_view bytes) {
  return UbjsonReader(bytes).ReadDocument();
}

}  // namespace ferry::model::xgboost
