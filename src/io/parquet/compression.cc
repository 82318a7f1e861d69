// Codec adapters over zlib, libzstd, liblz4 and libsnappy.
#include "io/parquet/compression.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>

#include "absl/strings/str_cat.h"

namespace ferry::parquet {
namespace {

absl::Status SizeMismatch(Codec codec, size_t got, size_t want) {
  return absl::InvalidArgumentError(absl::StrCat(CodecName(static_cast<int32_t>(codec)),
                                                 " data decompressed to ", got,
                                                 " bytes, but the page header says ", want));
}

absl::StatusOr<std::string> GunzipAll(std::string_view input, size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return absl::InternalError("zlib: inflateInit failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(size);
  int rc = Z_OK;
  while (true) {
    rc = inflate(&z, Z_NO_FLUSH);
    // Several gzip members one after the other form one stream.
    if (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
      if (inflateReset(&z) != Z_OK) break;
      continue;
    }
    break;
  }
  size_t produced = size - z.avail_out;
  inflateEnd(&z);
  if (produced != size) return SizeMismatch(Codec::kGzip, produced, size);
  if (rc != Z_STREAM_END) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GZIP data is corrupt or larger than the page header says (zlib code ", rc, ")"));
  }
  return out;
}

uint32_t BigEndian32(const char* p) {
  auto b = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

// Hadoop's LZ4 framing: blocks of [u32 BE raw size][u32 BE compressed size][LZ4 block].
bool TryHadoopLz4(std::string_view input, std::string* out) {
  size_t pos = 0, produced = 0;
  while (pos < input.size()) {
    if (input.size() - pos < 8) return false;
    uint32_t raw = BigEndian32(input.data() + pos);
    uint32_t compressed = BigEndian32(input.data() + pos + 4);
    pos += 8;
    if (compressed > input.size() - pos || raw > out->size() - produced) return false;
    int n = LZ4_decompress_safe(input.data() + pos, out->data() + produced,
                                static_cast<int>(compressed), static_cast<int>(raw));
    if (n < 0 || static_cast<uint32_t>(n) != raw) return false;
    pos += compressed;
    produced += raw;
  }
  return produced == out->size();
}

}  // namespace

std::string CodecName(int32_t codec) {
  switch (static_cast<Codec>(codec)) {
    case Codec::kUncompressed:
      return "UNCOMPRESSED";
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kLzo:
      return "LZO";
    case Codec::kBrotli:
      return "BROTLI";
    case Codec::kLz4:
      return "LZ4";
    case Codec::kZstd:
      return "ZSTD";
    case Codec::kLz4Raw:
      return "LZ4_RAW";
  }
  return absl::StrCat("codec ", codec);
}

absl::StatusOr<std::string> Decompress(Codec codec, std::string_view input,
                                       size_t uncompressed_size) {
  if (uncompressed_size > INT_MAX) {
    return absl::InvalidArgumentError("uncompressed page size above 2 GiB");
  }
  switch (codec) {
    case Codec::kUncompressed:
      if (input.size() != uncompressed_size) {
        return SizeMismatch(codec, input.size(), uncompressed_size);
      }
      return std::string(input);
    case Codec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &n)) {
        return absl::InvalidArgumentError("SNAPPY data is corrupt (bad length preamble)");
      }
      if (n != uncompressed_size) return SizeMismatch(codec, n, uncompressed_size);
      std::string out(n, '\0');
      if (!snappy::RawUncompress(input.data(), input.size(), out.data())) {
        return absl::InvalidArgumentError("SNAPPY data is corrupt");
      }
      return out;
    }
    case Codec::kGzip:
      return GunzipAll(input, uncompressed_size);
    case Codec::kZstd: {
      std::string out(uncompressed_size, '\0');
      size_t n = ZSTD_decompress(out.data(), out.size(), input.data(), input.size());
      if (ZSTD_isError(n)) {
        return absl::InvalidArgumentError(
            absl::StrCat("ZSTD data is corrupt: ", ZSTD_getErrorName(n)));
      }
      if (n != uncompressed_size) return SizeMismatch(codec, n, uncompressed_size);
      return out;
    }
    case Codec::kLz4Raw:
    case Codec::kLz4: {
      std::string out(uncompressed_size, '\0');
      if (codec == Codec::kLz4 && TryHadoopLz4(input, &out)) return out;
      if (input.size() > INT_MAX) return absl::InvalidArgumentError("LZ4 block above 2 GiB");
      int n = LZ4_decompress_safe(input.data(), out.data(), static_cast<int>(input.size()),
                                  static_cast<int>(out.size()));
      if (n < 0)
        return absl::InvalidArgumentError(
            absl::StrCat(CodecName(static_cast<int32_t>(codec)), " data is corrupt"));
      if (static_cast<size_t>(n) != uncompressed_size) {
        return SizeMismatch(codec, n, uncompressed_size);
      }
      return out;
    }
    case Codec::kLzo:
    case Codec::kBrotli:
      break;
  }
  return absl::UnimplementedError(
      absl::StrCat("compression codec ", CodecName(static_cast<int32_t>(codec)),
                   " is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, "
                   "LZ4); rewrite the file with one of those"));
}

absl::StatusOr<std::string> Compress(Codec codec, std::string_view input, int level) {
  switch (codec) {
    case Codec::kUncompressed:
      return std::string(input);
    case Codec::kSnappy: {
      std::string out;
      snappy::Compress(input.data(), input.size(), &out);
      return out;
    }
    case Codec::kGzip: {
      z_stream z{};
      if (deflateInit2(&z, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK) {
        return absl::InternalError("zlib: deflateInit failed");
      }
      std::string out(deflateBound(&z, input.size()) + 32, '\0');
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      z.avail_in = static_cast<uInt>(input.size());
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      int rc = deflate(&z, Z_FINISH);
      out.resize(z.total_out);
      deflateEnd(&z);
      if (rc != Z_STREAM_END) return absl::InternalError("zlib: deflate did not finish");
      return out;
    }
    case Codec::kZstd: {
      std::string out(ZSTD_compressBound(input.size()), '\0');
      size_t n =
          ZSTD_compress(out.data(), out.size(), input.data(), input.size(), level == 0 ? 3 : level);
      if (ZSTD_isError(n)) return absl::InternalError(ZSTD_getErrorName(n));
      out.resize(n);
      return out;
    }
    case Codec::kLz4Raw: {
      if (input.size() > LZ4_MAX_INPUT_SIZE)
        return absl::InvalidArgumentError("page too large for LZ4");
      std::string out(LZ4_compressBound(static_cast<int>(input.size())), '\0');
      int n = LZ4_compress_default(input.data(), out.data(), static_cast<int>(input.size()),
                                   static_cast<int>(out.size()));
      if (n <= 0) return absl::InternalError("LZ4 compression failed");
      out.resize(n);
      return out;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot write codec ", CodecName(static_cast<int32_t>(codec)),
                   "; choose UNCOMPRESSED, SNAPPY, GZIP, ZSTD or LZ4_RAW"));
}

}  // namespace ferry::parquet
