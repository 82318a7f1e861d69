// DELTA_BINARY_PACKED layout: <block size> <miniblocks per block> <total count> <first value>
// then blocks of <min delta> <one bit width per miniblock> <miniblocks>. A miniblock after
// the last value is absent; the last one holding values is padded to full size.
#include "io/parquet/delta.h"

#include "absl/strings/str_cat.h"
#include "io/parquet/rle.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

absl::Status Corrupt(std::string_view what, size_t pos) {
  return absl::InvalidArgumentError(
      absl::StrCat("DELTA_BINARY_PACKED: ", Sv(what), " at byte ", pos));
}

absl::Status Varint(std::string_view d, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= d.size()) return Corrupt("truncated varint", *pos);
    uint8_t b = static_cast<uint8_t>(d[(*pos)++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return absl::OkStatus();
    }
  }
  return Corrupt("varint too long", *pos);
}

uint64_t Unzigzag(uint64_t v) { return (v >> 1) ^ (~(v & 1) + 1); }

}  // namespace

absl::Status DecodeDeltaBinaryPacked(std::string_view data, size_t max_values,
                                     std::vector<int64_t>* out, size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size = 0, miniblocks = 0, total = 0, first = 0;
  PQ_RETURN_IF_ERROR(Varint(data, &pos, &block_size));
  PQ_RETURN_IF_ERROR(Varint(data, &pos, &miniblocks));
  PQ_RETURN_IF_ERROR(Varint(data, &pos, &total));
  PQ_RETURN_IF_ERROR(Varint(data, &pos, &first));
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Corrupt(absl::StrCat("invalid block size ", block_size, " / miniblocks ", miniblocks),
                   0);
  }
  if (total > max_values) {
    return Corrupt(absl::StrCat("stream claims ", total, " values where at most ", max_values,
                                " are expected"),
                   0);
  }
  const size_t per_miniblock = block_size / miniblocks;
  out->reserve(out->size() + total);
  uint64_t value = Unzigzag(first);
  if (total > 0) out->push_back(static_cast<int64_t>(value));
  size_t left = total > 0 ? total - 1 : 0;
  const auto* base = reinterpret_cast<const uint8_t*>(data.data());
  while (left > 0) {
    uint64_t min_delta_raw = 0;
    PQ_RETURN_IF_ERROR(Varint(data, &pos, &min_delta_raw));
    uint64_t min_delta = Unzigzag(min_delta_raw);
    if (data.size() - pos < miniblocks) return Corrupt("truncated bit widths", pos);
    size_t widths_at = pos;
    pos += miniblocks;
    for (size_t m = 0; m < miniblocks && left > 0; ++m) {
      int width = static_cast<uint8_t>(data[widths_at + m]);
      if (width > 64) return Corrupt(absl::StrCat("bit width ", width), widths_at + m);
      size_t bytes = per_miniblock * width / 8;
      if (data.size() - pos < bytes) return Corrupt("truncated miniblock", pos);
      size_t take = std::min(left, per_miniblock);
      for (size_t i = 0; i < take; ++i) {
        uint64_t packed = width == 0 ? 0 : ReadPackedBits(base, pos * 8 + i * width, width);
        value += min_delta + packed;
        out->push_back(static_cast<int64_t>(value));
      }
      left -= take;
      pos += bytes;
    }
  }
  *consumed = pos;
  return absl::OkStatus();
}

absl::Status DecodeDeltaLengthByteArray(std::string_view data, size_t count,
                                        std::vector<std::string_view>* out, size_t* consumed) {
  std::vector<int64_t> lengths;
  size_t pos = 0;
  PQ_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &lengths, &pos));
  if (lengths.size() != count) {
    return absl::InvalidArgumentError(absl::StrCat("DELTA_LENGTH_BYTE_ARRAY: ", lengths.size(),
                                                   " lengths for ", count, " values"));
  }
  out->reserve(out->size() + count);
  for (int64_t len : lengths) {
    if (len < 0 || static_cast<uint64_t>(len) > data.size() - pos) {
      return absl::InvalidArgumentError(absl::StrCat("DELTA_LENGTH_BYTE_ARRAY: value of ", len,
                                                     " bytes overruns the page at byte ", pos));
    }
    out->push_back(data.substr(pos, len));
    pos += len;
  }
  *consumed = pos;
  return absl::OkStatus();
}

absl::Status DecodeDeltaByteArray(std::string_view data, size_t count, size_t max_bytes,
                                  std::deque<std::string>* storage,
                                  std::vector<std::string_view>* out) {
  std::vector<int64_t> prefixes;
  size_t pos = 0;
  PQ_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &prefixes, &pos));
  std::vector<std::string_view> suffixes;
  size_t used = 0;
  PQ_RETURN_IF_ERROR(DecodeDeltaLengthByteArray(data.substr(pos), count, &suffixes, &used));
  if (prefixes.size() != count) {
    return absl::InvalidArgumentError(absl::StrCat("DELTA_BYTE_ARRAY: ", prefixes.size(),
                                                   " prefix lengths for ", count, " values"));
  }
  std::string_view previous;
  size_t total_bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    int64_t p = prefixes[i];
    if (p < 0 || static_cast<uint64_t>(p) > previous.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("DELTA_BYTE_ARRAY: value ", i, " shares a prefix of ", p,
                       " bytes with a previous value of ", previous.size()));
    }
    total_bytes += p + suffixes[i].size();
    if (total_bytes > max_bytes) {
      return absl::InvalidArgumentError(absl::StrCat("DELTA_BYTE_ARRAY: values expand past ",
                                                     max_bytes, " bytes (the page size limit)"));
    }
    std::string& s = storage->emplace_back();
    s.reserve(p + suffixes[i].size());
    s.append(previous.substr(0, p));
    s.append(suffixes[i]);
    out->push_back(s);
    previous = s;
  }
  return absl::OkStatus();
}

}  // namespace ferry::parquet
