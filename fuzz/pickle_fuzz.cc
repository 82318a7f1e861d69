// Fuzz target for the restricted unpickler: plain pickles and joblib containers (the first
// byte picks which framing the input is wrapped in), with small memory and depth limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/loaders/pickle/object.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::pickle::UnpickleOptions options;
  options.max_total_bytes = 64 << 20;
  options.max_depth = 200;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string format;
  // As given: pickle or any joblib compression, detected by magic.
  auto root = ferry::pickle::UnpickleBytes(bytes, &format, options);
  if (root.ok()) {
    (void)(*root)->DebugString(8, 8);
    (void)(*root)->Keys();
  }
  // Behind a protocol-4 header, so mutations explore opcodes rather than the magic check.
  if (size > 0) {
    std::string framed("\x80\x04", 2);
    framed.append(bytes.substr(1));
    auto again = ferry::pickle::Unpickle(framed, options);
    if (again.ok()) (void)(*again)->Describe();
  }
  return 0;
}
