// Public entry points: container detection (plain pickle or compressed joblib), then the
// pickle machine over the (decompressed) bytes.
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/loaders/pickle/joblib_container.h"
#include "model/loaders/pickle/object.h"
#include "model/loaders/pickle/scalar_bytes.h"
#include "model/loaders/pickle/unpickler.h"

namespace ferry::pickle {
namespace {

absl::Status NotAPickle(absl::string_view bytes) {
  if (bytes.empty()) return absl::InvalidArgumentError("pickle: the file is empty");
  if (absl::StartsWith(bytes, "ZF")) {
    return absl::InvalidArgumentError(
        "pickle: this is a joblib file from joblib < 0.10 ('ZF' container), which ferry does "
        "not read; load and re-save it with a current joblib");
  }
  if (absl::StartsWith(bytes, "PK")) {
    return absl::InvalidArgumentError(
        "pickle: this is a zip archive (for example a .npz or skops file), not a pickle");
  }
  if (absl::StartsWith(bytes, absl::string_view("\x93NUMPY", 6))) {
    return absl::InvalidArgumentError("pickle: this is a .npy file, not a pickle");
  }
  if (absl::StartsWith(bytes, absl::string_view("\x28\xb5\x2f\xfd", 4))) {
    return absl::InvalidArgumentError(
        "pickle: this is a zstd-compressed file, which joblib does not write; decompress it "
        "first");
  }
  std::string head;
  for (size_t i = 0; i < bytes.size() && i < 4; ++i) {
    absl::StrAppendFormat(&head, "%s%02x", i ? " " : "", static_cast<uint8_t>(bytes[i]));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "pickle: not a pickle (protocol 2 to 5) or joblib file: it starts with bytes ", head,
      " where a pickle starts with 80 (PROTO) and compressed joblib files with a zlib, gzip, "
      "bz2, xz, lzma or lz4 header (byte 0)"));
}

absl::StatusOr<ObjectPtr> RunPickle(absl::string_view bytes, const UnpickleOptions& options,
                                    int* protocol, bool* joblib) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != 0x80) return NotAPickle(bytes);
  GraphState graph;
  graph.budget_left = options.max_total_bytes;
  graph.max_depth = options.max_depth < 1 ? 1 : options.max_depth;
  Unpickler machine(bytes, 0, &graph, /*joblib_arrays=*/true);
  auto root = machine.Run();
  *protocol = machine.protocol();
  *joblib = graph.saw_joblib_wrapper;
  return root;
}

}  // namespace

absl::StatusOr<ObjectPtr> UnpickleBytes(std::string_view std_bytes, std::string* format,
                                        const UnpickleOptions& options) {
  const absl::string_view bytes = Sv(std_bytes);
  int protocol = 0;
  bool joblib = false;
  const Compression c = DetectCompression(bytes);
  if (c == Compression::kNone) {
    auto root = RunPickle(bytes, options, &protocol, &joblib);
    if (root.ok() && format != nullptr) {
      *format = joblib ? "joblib" : absl::StrCat("pickle protocol ", protocol);
    }
    return root;
  }
  auto plain = Decompress(bytes, c, options.max_total_bytes);
  if (!plain.ok()) return plain.status();
  auto root = RunPickle(*plain, options, &protocol, &joblib);
  if (!root.ok()) {
    return absl::Status(root.status().code(),
                        absl::StrCat(root.status().message(), " (in the ", CompressionName(c),
                                     "-decompressed joblib stream)"));
  }
  if (format != nullptr) *format = absl::StrCat("joblib (", CompressionName(c), ")");
  return root;
}

absl::StatusOr<ObjectPtr> Unpickle(std::string_view bytes, const UnpickleOptions& options) {
  return UnpickleBytes(bytes, nullptr, options);
}

absl::StatusOr<ObjectPtr> UnpickleFile(const std::string& path, std::string* format,
                                       const UnpickleOptions& options) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
  const std::streamoff size = in.tellg();
  if (size < 0) return absl::DataLossError(absl::StrCat("cannot size '", path, "'"));
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) {
    return absl::DataLossError(absl::StrCat("cannot read '", path, "'"));
  }
  return UnpickleBytes(bytes, format, options);
}

}  // namespace ferry::pickle
