#include "model/loaders/load.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "model/loaders/pickle/object.h"
#include "model/loaders/sklearn/sklearn_loader.h"
#include "model/loaders/xgboost/xgboost_loader.h"

namespace ferry::model {
namespace {

// The whole file, or an error that says why it cannot be a model file: missing, a directory,
// unreadable (with the system's reason) or empty.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string message = absl::StrCat("cannot open model file '", path, "': ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnavailableError(message);
  }
  std::string bytes;
  struct stat info;
  if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(
        "model file '", path, "' is a directory; name the model file inside it (or, for a "
        "bundle directory with a ferry.yaml, pass the directory without --model)"));
  }
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) bytes.reserve(info.st_size);
  char buffer[1 << 16];
  while (true) {
    ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got == 0) break;
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int err = errno;
      close(fd);
      return absl::DataLossError(
          absl::StrCat("cannot read model file '", path, "': ", std::strerror(err)));
    }
    bytes.append(buffer, static_cast<size_t>(got));
  }
  close(fd);
  if (bytes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model file '", path, "' is empty (0 bytes); was it copied or saved completely?"));
  }
  return bytes;
}

// XGBoost writes JSON as '{"learner"...' and UBJSON as '{' then a length marker ('L', 'i',
// 'U', 'I', 'l') for the first key.
enum class Kind { kJson, kUbjson, kArray, kOther };
Kind Sniff(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' ||
                              bytes[i] == '\t')) {
    ++i;
  }
  if (i < bytes.size() && bytes[i] == '[') return Kind::kArray;
  if (i >= bytes.size() || bytes[i] != '{') return Kind::kOther;
  if (i + 1 >= bytes.size()) return Kind::kJson;
  char next = bytes[i + 1];
  if (next == 'L' || next == 'i' || next == 'U' || next == 'I' || next == 'l') {
    return Kind::kUbjson;
  }
  return Kind::kJson;
}

absl::Status Prefix(const std::string& path, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
}

}  // namespace

absl::StatusOr<ModelIR> LoadModelIR(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<ModelIR> ir;
  switch (Sniff(*bytes)) {
    case Kind::kJson:
      ir = LoadXGBoostJson(*bytes);
      break;
    case Kind::kUbjson:
      ir = LoadXGBoostUbjson(*bytes);
      break;
    case Kind::kArray:
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": starts with '[': an XGBoost model is a JSON or UBJSON object ('{'), saved "
                "with Booster.save_model(\"model.json\") or (\"model.ubj\")"));
    case Kind::kOther: {
      std::string format;
      auto root = pickle::UnpickleBytes(*bytes, &format);
      if (!root.ok()) return Prefix(path, root.status());
      ir = SklearnToIR(**root, format);
      break;
    }
  }
  if (!ir.ok()) return Prefix(path, ir.status());
  return ir;
}

absl::StatusOr<std::shared_ptr<const Model>> LoadModel(const std::string& path) {
  auto ir = LoadModelIR(path);
  if (!ir.ok()) return ir.status();
  auto model = Model::Compile(std::move(*ir));
  if (!model.ok()) return Prefix(path, model.status());
  return model;
}

}  // namespace ferry::model
