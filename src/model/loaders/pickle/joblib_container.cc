#include "model/loaders/pickle/joblib_container.h"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ferry::pickle {
namespace {

constexpr size_t kChunk = size_t{1} << 30;  // library counters are 32-bit on some APIs

// Growing output with a hard cap.
class Output {
 public:
  Output(size_t input_size, int64_t max) : max_(static_cast<size_t>(std::max<int64_t>(max, 0))) {
    buf_.resize(std::min(max_, std::max<size_t>(input_size * 4, 1 << 16)));
  }
  // Makes room for more output; false when the cap is reached.
  bool Grow() {
    if (used_ < buf_.size()) return true;
    if (buf_.size() >= max_) return false;
    buf_.resize(std::min(max_, std::max<size_t>(buf_.size() * 2, 1 << 16)));
    return true;
  }
  char* next() { return buf_.data() + used_; }
  size_t avail() const { return std::min(buf_.size() - used_, kChunk); }
  void Advance(size_t n) { used_ += n; }
  std::string Take() && {
    buf_.resize(used_);
    return std::move(buf_);
  }

 private:
  std::string buf_;
  size_t used_ = 0;
  size_t max_;
};

absl::Status TooBig(absl::string_view name, int64_t max) {
  return absl::ResourceExhaustedError(
      absl::StrCat("joblib (", name, "): the file expands beyond ", max,
                   " bytes (UnpickleOptions::max_total_bytes); it may be a decompression bomb"));
}
absl::Status Corrupt(absl::string_view name, absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat("joblib (", name, "): the compressed stream is corrupt or truncated: ", detail));
}

absl::StatusOr<std::string> Inflate(absl::string_view in, bool gzip, int64_t max) {
  const absl::string_view name = gzip ? "gzip" : "zlib";
  z_stream zs{};
  if (inflateInit2(&zs, gzip ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) {
    return absl::InternalError("zlib: inflateInit2 failed");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  Output out(in.size(), max);
  size_t consumed = 0;
  while (true) {
    if (zs.avail_in == 0) {
      size_t n = std::min(in.size() - consumed, kChunk);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
      zs.avail_in = static_cast<uInt>(n);
      consumed += n;
    }
    if (!out.Grow()) return TooBig(name, max);
    zs.next_out = reinterpret_cast<Bytef*>(out.next());
    zs.avail_out = static_cast<uInt>(out.avail());
    const uInt before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.Advance(before - zs.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && consumed == in.size()) {
      return Corrupt(name, "the stream ends early");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Corrupt(name, zs.msg ? zs.msg : "inflate error");
  }
  return std::move(out).Take();
}

absl::StatusOr<std::string> Bunzip(absl::string_view in, int64_t max) {
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) {
    return absl::InternalError("bz2: BZ2_bzDecompressInit failed");
  }
  std::unique_ptr<bz_stream, int (*)(bz_stream*)> guard(&bs, BZ2_bzDecompressEnd);
  Output out(in.size(), max);
  size_t consumed = 0;
  while (true) {
    if (bs.avail_in == 0) {
      size_t n = std::min(in.size() - consumed, kChunk);
      bs.next_in = const_cast<char*>(in.data() + consumed);
      bs.avail_in = static_cast<unsigned>(n);
      consumed += n;
    }
    if (!out.Grow()) return TooBig("bz2", max);
    bs.next_out = out.next();
    bs.avail_out = static_cast<unsigned>(out.avail());
    const unsigned before = bs.avail_out;
    const int rc = BZ2_bzDecompress(&bs);
    out.Advance(before - bs.avail_out);
    if (rc == BZ_STREAM_END) break;
    if (rc != BZ_OK) return Corrupt("bz2", absl::StrCat("error ", rc));
    if (bs.avail_in == 0 && consumed == in.size() && before == bs.avail_out) {
      return Corrupt("bz2", "the stream ends early");
    }
  }
  return std::move(out).Take();
}

absl::StatusOr<std::string> Unxz(absl::string_view in, bool alone, int64_t max) {
  const absl::string_view name = alone ? "lzma" : "xz";
  lzma_stream ls = LZMA_STREAM_INIT;
  // The header chooses the dictionary size; cap the decoder's memory (xz -9e needs 65 MiB).
  constexpr uint64_t kDecoderMemory = uint64_t{256} << 20;
  const lzma_ret init = alone ? lzma_alone_decoder(&ls, kDecoderMemory)
                              : lzma_stream_decoder(&ls, kDecoderMemory, LZMA_CONCATENATED);
  if (init != LZMA_OK) return absl::InternalError("lzma: decoder initialization failed");
  std::unique_ptr<lzma_stream, void (*)(lzma_stream*)> guard(&ls, lzma_end);
  Output out(in.size(), max);
  ls.next_in = reinterpret_cast<const uint8_t*>(in.data());
  ls.avail_in = in.size();
  while (true) {
    if (!out.Grow()) return TooBig(name, max);
    ls.next_out = reinterpret_cast<uint8_t*>(out.next());
    ls.avail_out = out.avail();
    const size_t before = ls.avail_out;
    const lzma_ret rc = lzma_code(&ls, LZMA_FINISH);
    out.Advance(before - ls.avail_out);
    if (rc == LZMA_STREAM_END) break;
    if (rc == LZMA_BUF_ERROR) return Corrupt(name, "the stream ends early");
    if (rc == LZMA_MEMLIMIT_ERROR) {
      return Corrupt(name, "its header asks for more than 256 MiB of decoder memory");
    }
    if (rc != LZMA_OK) return Corrupt(name, absl::StrCat("error ", static_cast<int>(rc)));
  }
  return std::move(out).Take();
}

absl::StatusOr<std::string> Unlz4(absl::string_view in, int64_t max) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
    return absl::InternalError("lz4: cannot create a decompression context");
  }
  std::unique_ptr<LZ4F_dctx, size_t (*)(LZ4F_dctx*)> guard(ctx, LZ4F_freeDecompressionContext);
  Output out(in.size(), max);
  size_t consumed = 0;
  while (true) {
    if (!out.Grow()) return TooBig("lz4", max);
    size_t dst = out.avail();
    size_t src = in.size() - consumed;
    const size_t hint = LZ4F_decompress(ctx, out.next(), &dst, in.data() + consumed, &src, nullptr);
    if (LZ4F_isError(hint)) return Corrupt("lz4", LZ4F_getErrorName(hint));
    consumed += src;
    out.Advance(dst);
    if (hint == 0) break;  // frame complete
    if (consumed == in.size() && dst == 0) return Corrupt("lz4", "the stream ends early");
  }
  return std::move(out).Take();
}

}  // namespace

Compression DetectCompression(absl::string_view b) {
  auto starts = [&](absl::string_view magic) { return absl::StartsWith(b, magic); };
  if (starts(absl::string_view("\x1f\x8b", 2))) return Compression::kGzip;
  if (starts("BZh")) return Compression::kBz2;
  if (starts(absl::string_view("\xfd"
                               "7zXZ\x00",
                               6)))
    return Compression::kXz;
  if (starts(absl::string_view("\x5d\x00", 2))) return Compression::kLzma;  // as joblib checks
  if (starts(absl::string_view("\x04\x22\x4d\x18", 4))) return Compression::kLz4;
  // zlib: CMF 0x78 and a header checksum divisible by 31.
  if (b.size() >= 2 && static_cast<uint8_t>(b[0]) == 0x78 &&
      ((static_cast<uint8_t>(b[0]) << 8) | static_cast<uint8_t>(b[1])) % 31 == 0) {
    return Compression::kZlib;
  }
  return Compression::kNone;
}

absl::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kZlib:
      return "zlib";
    case Compression::kGzip:
      return "gzip";
    case Compression::kBz2:
      return "bz2";
    case Compression::kXz:
      return "xz";
    case Compression::kLzma:
      return "lzma";
    case Compression::kLz4:
      return "lz4";
  }
  return "?";
}

absl::StatusOr<std::string> Decompress(absl::string_view bytes, Compression c, int64_t max_output) {
  switch (c) {
    case Compression::kZlib:
      return Inflate(bytes, false, max_output);
    case Compression::kGzip:
      return Inflate(bytes, true, max_output);
    case Compression::kBz2:
      return Bunzip(bytes, max_output);
    case Compression::kXz:
      return Unxz(bytes, false, max_output);
    case Compression::kLzma:
      return Unxz(bytes, true, max_output);
    case Compression::kLz4:
      return Unlz4(bytes, max_output);
    case Compression::kNone:
      return std::string(bytes);
  }
  return absl::InternalError("unknown compression");
}

}  // namespace ferry::pickle
