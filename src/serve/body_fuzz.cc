// libFuzzer target for the request body decoders of ferry serve (untrusted bytes from the
// network): JSON records and columns under the depth limit, url-encoded and multipart forms,
// CSV / JSON lines. The first byte picks the decoder; the rest is the body. Built only with
// -DFERRY_FUZZ=ON (clang); `make fuzz` runs it with the other targets.
#include <cstddef>
#include <cstdint>
#include <string>

#include "serve/form_body.h"
#include "serve/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  using namespace ferry::serve;
  switch (selector % 5) {
    case 0: {
      auto root = ParseJsonBody(body, 32);
      if (!root.ok()) break;
      if (root->is_array()) (void)RecordsFromArray(ArrayOf(*root), {"a", "b", "c"}, 1000, "body");
      if (root->is_object()) {
        (void)RecordFromObject(ObjectOf(*root));
        (void)RecordsFromColumns(ObjectOf(*root), 1000, "inputs");
      }
      break;
    }
    case 1:
      (void)RecordFromUrlEncoded(body);
      break;
    case 2:
      (void)RecordsFromMultipart(body, "multipart/form-data; boundary=B", 1000);
      break;
    case 3:
      (void)RecordsFromText(body, "csv", 1000);
      break;
    case 4:
      (void)RecordsFromText(body, "auto", 1000);
      break;
  }
  return 0;
}
