// Parsing of the footer and page headers. Field ids follow parquet.thrift; fields ferry
// does not need are skipped.
#include "io/parquet/metadata.h"

#include "absl/strings/str_cat.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

using W = WireType;

constexpr size_t kMaxPathDepth = 64;

// Reads an i32 enum field into an enum class.
template <typename E>
absl::Status ReadEnum(CompactReader& r, W t, E* out) {
  int32_t v = 0;
  PQ_RETURN_IF_ERROR(r.ReadI32(t, &v));
  *out = static_cast<E>(v);
  return absl::OkStatus();
}

template <typename T>
absl::Status ReadOptI32(CompactReader& r, W t, std::optional<T>* out) {
  int32_t v = 0;
  PQ_RETURN_IF_ERROR(r.ReadI32(t, &v));
  *out = static_cast<T>(v);
  return absl::OkStatus();
}

absl::Status ReadOptI64(CompactReader& r, W t, std::optional<int64_t>* out) {
  int64_t v = 0;
  PQ_RETURN_IF_ERROR(r.ReadI64(t, &v));
  *out = v;
  return absl::OkStatus();
}

absl::Status ReadOptBinary(CompactReader& r, W t, std::optional<std::string>* out) {
  std::string v;
  PQ_RETURN_IF_ERROR(r.ReadBinary(t, &v));
  *out = std::move(v);
  return absl::OkStatus();
}

// Reads a struct-valued field, calling `fn` on each of its fields.
absl::Status Struct(CompactReader& r, W t, const std::function<absl::Status(int16_t, W)>& fn) {
  if (t != W::kStruct) return r.Skip(t);  // tolerate: treated as absent
  return r.ReadStruct(fn);
}

absl::Status ReadTimeUnit(CompactReader& r, W t, TimeUnit* unit) {
  return Struct(r, t, [&](int16_t id, W ft) {
    if (id == 1) *unit = TimeUnit::kMillis;
    if (id == 2) *unit = TimeUnit::kMicros;
    if (id == 3) *unit = TimeUnit::kNanos;
    return r.Skip(ft);
  });
}

absl::Status ReadLogicalType(CompactReader& r, W t, LogicalType* lt) {
  using K = LogicalType::Kind;
  return Struct(r, t, [&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        lt->kind = K::kString;
        break;
      case 2:
        lt->kind = K::kMap;
        break;
      case 3:
        lt->kind = K::kList;
        break;
      case 4:
        lt->kind = K::kEnum;
        break;
      case 5:
        lt->kind = K::kDecimal;
        return Struct(r, ft, [&](int16_t fid, W vt) -> absl::Status {
          if (fid == 1) return r.ReadI32(vt, &lt->scale);
          if (fid == 2) return r.ReadI32(vt, &lt->precision);
          return r.Skip(vt);
        });
      case 6:
        lt->kind = K::kDate;
        break;
      case 7:
      case 8:
        lt->kind = id == 7 ? K::kTime : K::kTimestamp;
        return Struct(r, ft, [&](int16_t fid, W vt) -> absl::Status {
          if (fid == 1) return r.ReadBool(vt, &lt->adjusted_to_utc);
          if (fid == 2) return ReadTimeUnit(r, vt, &lt->unit);
          return r.Skip(vt);
        });
      case 10:
        lt->kind = K::kInteger;
        return Struct(r, ft, [&](int16_t fid, W vt) -> absl::Status {
          if (fid == 1) return r.ReadI32(vt, &lt->bit_width);
          if (fid == 2) return r.ReadBool(vt, &lt->is_signed);
          return r.Skip(vt);
        });
      case 11:
        lt->kind = K::kNull;
        break;
      case 12:
        lt->kind = K::kJson;
        break;
      case 13:
        lt->kind = K::kBson;
        break;
      case 14:
        lt->kind = K::kUuid;
        break;
      case 15:
        lt->kind = K::kFloat16;
        break;
      default:
        lt->kind = K::kOther;
        break;
    }
    return r.Skip(ft);
  });
}

absl::Status ReadSchemaElement(CompactReader& r, W t, SchemaElement* e) {
  return Struct(r, t, [&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        return ReadOptI32(r, ft, &e->type);
      case 2:
        return r.ReadI32(ft, &e->type_length);
      case 3:
        return ReadOptI32(r, ft, &e->repetition);
      case 4:
        return r.ReadBinary(ft, &e->name);
      case 5:
        return r.ReadI32(ft, &e->num_children);
      case 6:
        return ReadOptI32(r, ft, &e->converted_type);
      case 7:
        return r.ReadI32(ft, &e->scale);
      case 8:
        return r.ReadI32(ft, &e->precision);
      case 10:
        return ReadLogicalType(r, ft, &e->logical_type);
      default:
        return r.Skip(ft);
    }
  });
}

absl::Status ReadStatistics(CompactReader& r, W t, std::optional<Statistics>* out) {
  Statistics s;
  PQ_RETURN_IF_ERROR(Struct(r, t, [&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        return ReadOptBinary(r, ft, &s.max);
      case 2:
        return ReadOptBinary(r, ft, &s.min);
      case 3:
        return ReadOptI64(r, ft, &s.null_count);
      case 4:
        return ReadOptI64(r, ft, &s.distinct_count);
      case 5:
        return ReadOptBinary(r, ft, &s.max_value);
      case 6:
        return ReadOptBinary(r, ft, &s.min_value);
      default:
        return r.Skip(ft);
    }
  }));
  *out = std::move(s);
  return absl::OkStatus();
}

// Reads a list field, calling `element(type)` for each element.
absl::Status List(CompactReader& r, W t, const std::function<absl::Status(W)>& element) {
  W et;
  size_t n = 0;
  PQ_RETURN_IF_ERROR(r.ReadListHeader(t, &et, &n));
  for (size_t i = 0; i < n; ++i) PQ_RETURN_IF_ERROR(element(et));
  return absl::OkStatus();
}

absl::Status ReadKeyValues(CompactReader& r, W t, std::vector<KeyValue>* out) {
  return List(r, t, [&](W et) {
    KeyValue kv;
    PQ_RETURN_IF_ERROR(Struct(r, et, [&](int16_t id, W ft) -> absl::Status {
      if (id == 1) return r.ReadBinary(ft, &kv.key);
      if (id == 2) return ReadOptBinary(r, ft, &kv.value);
      return r.Skip(ft);
    }));
    out->push_back(std::move(kv));
    return absl::OkStatus();
  });
}

absl::Status ReadColumnMetaData(CompactReader& r, W t, ColumnMetaData* m) {
  return Struct(r, t, [&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        return ReadEnum(r, ft, &m->type);
      case 2:
        return List(r, ft, [&](W et) {
          Encoding e;
          PQ_RETURN_IF_ERROR(ReadEnum(r, et, &e));
          m->encodings.push_back(e);
          return absl::OkStatus();
        });
      case 3:
        return List(r, ft, [&](W et) {
          if (m->path_in_schema.size() >= kMaxPathDepth) {
            return absl::InvalidArgumentError("path_in_schema is longer than 64 elements");
          }
          m->path_in_schema.emplace_back();
          return r.ReadBinary(et, &m->path_in_schema.back());
        });
      case 4:
        return r.ReadI32(ft, &m->codec);
      case 5:
        return r.ReadI64(ft, &m->num_values);
      case 6:
        return r.ReadI64(ft, &m->total_uncompressed_size);
      case 7:
        return r.ReadI64(ft, &m->total_compressed_size);
      case 9:
        return r.ReadI64(ft, &m->data_page_offset);
      case 11:
        return ReadOptI64(r, ft, &m->dictionary_page_offset);
      case 12:
        return ReadStatistics(r, ft, &m->statistics);
      default:
        return r.Skip(ft);
    }
  });
}

absl::Status ReadRowGroup(CompactReader& r, W t, RowGroup* g) {
  return Struct(r, t, [&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        return List(r, ft, [&](W et) {
          ColumnChunk c;
          PQ_RETURN_IF_ERROR(Struct(r, et, [&](int16_t cid, W ct) -> absl::Status {
            switch (cid) {
              case 1:
                return ReadOptBinary(r, ct, &c.file_path);
              case 2:
                return r.ReadI64(ct, &c.file_offset);
              case 3:
                c.meta_data.emplace();
                return ReadColumnMetaData(r, ct, &*c.meta_data);
              case 8:
              case 9:
                c.encrypted = true;
                return r.Skip(ct);
              default:
                return r.Skip(ct);
            }
          }));
          // A chunk must describe its data; refusing empty ones early also keeps a small
          // footer from expanding into many large empty structs.
          if (!c.meta_data && !c.encrypted) {
            return absl::InvalidArgumentError("column chunk without column metadata");
          }
          g->columns.push_back(std::move(c));
          return absl::OkStatus();
        });
      case 2:
        return r.ReadI64(ft, &g->total_byte_size);
      case 3:
        return r.ReadI64(ft, &g->num_rows);
      default:
        return r.Skip(ft);
    }
  });
}

}  // namespace

absl::Status ParseFileMetaData(std::string_view bytes, FileMetaData* out) {
  CompactReader r(bytes);
  return r.ReadStruct([&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        return r.ReadI32(ft, &out->version);
      case 2:
        return List(r, ft, [&](W et) {
          out->schema.emplace_back();
          PQ_RETURN_IF_ERROR(ReadSchemaElement(r, et, &out->schema.back()));
          if (out->schema.back().name.empty() && out->schema.size() > 1) {
            return absl::InvalidArgumentError(
                absl::StrCat("schema element ", out->schema.size() - 1, " has no name"));
          }
          return absl::OkStatus();
        });
      case 3:
        return r.ReadI64(ft, &out->num_rows);
      case 4:
        return List(r, ft, [&](W et) {
          out->row_groups.emplace_back();
          PQ_RETURN_IF_ERROR(ReadRowGroup(r, et, &out->row_groups.back()));
          if (out->row_groups.back().columns.empty()) {
            return absl::InvalidArgumentError("row group without column chunks");
          }
          return absl::OkStatus();
        });
      case 5:
        return ReadKeyValues(r, ft, &out->key_value_metadata);
      case 6:
        return r.ReadBinary(ft, &out->created_by);
      case 8:
        out->encrypted = true;
        return r.Skip(ft);
      default:
        return r.Skip(ft);
    }
  });
}

absl::Status ParsePageHeader(std::string_view bytes, PageHeader* out, size_t* header_size) {
  CompactReader r(bytes);
  PQ_RETURN_IF_ERROR(r.ReadStruct([&](int16_t id, W ft) -> absl::Status {
    switch (id) {
      case 1:
        return ReadEnum(r, ft, &out->type);
      case 2:
        return r.ReadI32(ft, &out->uncompressed_page_size);
      case 3:
        return r.ReadI32(ft, &out->compressed_page_size);
      case 5: {
        DataPageHeader& d = out->data_page.emplace();
        return Struct(r, ft, [&](int16_t fid, W vt) -> absl::Status {
          switch (fid) {
            case 1:
              return r.ReadI32(vt, &d.num_values);
            case 2:
              return ReadEnum(r, vt, &d.encoding);
            case 3:
              return ReadEnum(r, vt, &d.definition_level_encoding);
            case 4:
              return ReadEnum(r, vt, &d.repetition_level_encoding);
            default:
              return r.Skip(vt);
          }
        });
      }
      case 7: {
        DictionaryPageHeader& d = out->dictionary_page.emplace();
        return Struct(r, ft, [&](int16_t fid, W vt) -> absl::Status {
          if (fid == 1) return r.ReadI32(vt, &d.num_values);
          if (fid == 2) return ReadEnum(r, vt, &d.encoding);
          return r.Skip(vt);
        });
      }
      case 8: {
        DataPageHeaderV2& d = out->data_page_v2.emplace();
        return Struct(r, ft, [&](int16_t fid, W vt) -> absl::Status {
          switch (fid) {
            case 1:
              return r.ReadI32(vt, &d.num_values);
            case 2:
              return r.ReadI32(vt, &d.num_nulls);
            case 3:
              return r.ReadI32(vt, &d.num_rows);
            case 4:
              return ReadEnum(r, vt, &d.encoding);
            case 5:
              return r.ReadI32(vt, &d.definition_levels_byte_length);
            case 6:
              return r.ReadI32(vt, &d.repetition_levels_byte_length);
            case 7:
              return r.ReadBool(vt, &d.is_compressed);
            default:
              return r.Skip(vt);
          }
        });
      }
      default:
        return r.Skip(ft);
    }
  }));
  *header_size = r.position();
  return absl::OkStatus();
}

}  // namespace ferry::parquet
