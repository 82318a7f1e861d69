// Serialization of the footer and page headers: only the fields ferry's files use, with
// the field ids of parquet.thrift.
#include "io/parquet/metadata.h"

namespace ferry::parquet {
namespace {

using W = WireType;

void WriteStatistics(const Statistics& s, CompactWriter* w) {
  if (s.max) w->FieldBinary(1, *s.max);
  if (s.min) w->FieldBinary(2, *s.min);
  if (s.null_count) w->FieldI64(3, *s.null_count);
  if (s.distinct_count) w->FieldI64(4, *s.distinct_count);
  if (s.max_value) w->FieldBinary(5, *s.max_value);
  if (s.min_value) w->FieldBinary(6, *s.min_value);
}

void WriteLogicalType(const LogicalType& lt, CompactWriter* w) {
  using K = LogicalType::Kind;
  switch (lt.kind) {
    case K::kString:
      w->BeginStructField(1);
      w->EndStruct();
      break;
    case K::kDate:
      w->BeginStructField(6);
      w->EndStruct();
      break;
    case K::kTimestamp:
      w->BeginStructField(8);
      w->FieldBool(1, lt.adjusted_to_utc);
      w->BeginStructField(2);
      w->BeginStructField(lt.unit == TimeUnit::kMillis ? 1 : lt.unit == TimeUnit::kMicros ? 2 : 3);
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      break;
    default:
      break;
  }
}

}  // namespace

void SerializeFileMetaData(const FileMetaData& m, CompactWriter* w) {
  w->FieldI32(1, m.version);
  w->BeginListField(2, W::kStruct, m.schema.size());
  int leaves = 0;
  for (const SchemaElement& e : m.schema) {
    w->BeginStructElement();
    if (e.type) w->FieldI32(1, static_cast<int32_t>(*e.type));
    if (e.type_length) w->FieldI32(2, e.type_length);
    if (e.repetition) w->FieldI32(3, *e.repetition);
    w->FieldBinary(4, e.name);
    if (e.num_children) w->FieldI32(5, e.num_children);
    if (e.converted_type) w->FieldI32(6, *e.converted_type);
    if (e.logical_type.kind != LogicalType::Kind::kNone) {
      w->BeginStructField(10);
      WriteLogicalType(e.logical_type, w);
      w->EndStruct();
    }
    w->EndStruct();
    if (e.type) ++leaves;
  }
  w->FieldI64(3, m.num_rows);
  w->BeginListField(4, W::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) {
    w->BeginStructElement();
    w->BeginListField(1, W::kStruct, g.columns.size());
    for (const ColumnChunk& c : g.columns) {
      w->BeginStructElement();
      w->FieldI64(2, c.file_offset);
      if (c.meta_data) {
        const ColumnMetaData& cm = *c.meta_data;
        w->BeginStructField(3);
        w->FieldI32(1, static_cast<int32_t>(cm.type));
        w->BeginListField(2, W::kI32, cm.encodings.size());
        for (Encoding e : cm.encodings) w->ElementI32(static_cast<int32_t>(e));
        w->BeginListField(3, W::kBinary, cm.path_in_schema.size());
        for (const std::string& p : cm.path_in_schema) w->ElementBinary(p);
        w->FieldI32(4, cm.codec);
        w->FieldI64(5, cm.num_values);
        w->FieldI64(6, cm.total_uncompressed_size);
        w->FieldI64(7, cm.total_compressed_size);
        w->FieldI64(9, cm.data_page_offset);
        if (cm.dictionary_page_offset) w->FieldI64(11, *cm.dictionary_page_offset);
        if (cm.statistics) {
          w->BeginStructField(12);
          WriteStatistics(*cm.statistics, w);
          w->EndStruct();
        }
        w->EndStruct();
      }
      w->EndStruct();
    }
    w->FieldI64(2, g.total_byte_size);
    w->FieldI64(3, g.num_rows);
    w->EndStruct();
  }
  if (!m.key_value_metadata.empty()) {
    w->BeginListField(5, W::kStruct, m.key_value_metadata.size());
    for (const KeyValue& kv : m.key_value_metadata) {
      w->BeginStructElement();
      w->FieldBinary(1, kv.key);
      if (kv.value) w->FieldBinary(2, *kv.value);
      w->EndStruct();
    }
  }
  if (!m.created_by.empty()) w->FieldBinary(6, m.created_by);
  if (m.write_column_orders) {
    w->BeginListField(7, W::kStruct, leaves);
    for (int i = 0; i < leaves; ++i) {
      w->BeginStructElement();
      w->BeginStructField(1);  // TYPE_ORDER
      w->EndStruct();
      w->EndStruct();
    }
  }
  w->EndStruct();
}

void SerializePageHeader(const PageHeader& h, CompactWriter* w) {
  w->FieldI32(1, static_cast<int32_t>(h.type));
  w->FieldI32(2, h.uncompressed_page_size);
  w->FieldI32(3, h.compressed_page_size);
  if (h.data_page) {
    const DataPageHeader& d = *h.data_page;
    w->BeginStructField(5);
    w->FieldI32(1, d.num_values);
    w->FieldI32(2, static_cast<int32_t>(d.encoding));
    w->FieldI32(3, static_cast<int32_t>(d.definition_level_encoding));
    w->FieldI32(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) {
      w->BeginStructField(5);
      WriteStatistics(*d.statistics, w);
      w->EndStruct();
    }
    w->EndStruct();
  }
  if (h.dictionary_page) {
    w->BeginStructField(7);
    w->FieldI32(1, h.dictionary_page->num_values);
    w->FieldI32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    w->EndStruct();
  }
  w->EndStruct();
}

}  // namespace ferry::parquet
