// CSV reader (RFC 4180): the first record is the header naming the columns; fields may be
// quoted ("a, b", "say ""hi"""), quoted fields may hold commas and line breaks; lines end in
// LF, CRLF or CR; a UTF-8 byte order mark at the start is skipped; blank lines are skipped.
// Cells are typed by ParseCell (cell_parser.h). A record with the wrong number of fields, or
// with text after a closing quote, or an unterminated quote, is that row's error (its cells
// are null); the rest of the file is still read. Reads in chunks (ReaderOptions) so memory
// stays bounded whatever the file's length.
#ifndef FERRY_IO_CSV_READER_H_
#define FERRY_IO_CSV_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "io/byte_source.h"
#include "io/read_buffer.h"
#include "io/record_reader.h"

namespace ferry::io {

class CsvReader : public RecordReader {
 public:
  // Reads the header at once. Fails when it cannot be read, when it is malformed (unterminated
  // quote) or when two columns share a name. Empty input gives a reader with no columns and
  // no records.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Create(std::unique_ptr<ByteSource> source,
                                                           const ReaderOptions& options);

  absl::StatusOr<bool> Next(RecordChunk* chunk) override;

  const std::vector<std::string>& column_names() const { return names_; }

 private:
  // A field of the record being parsed: bytes [begin, begin + size) of the buffer, or of
  // scratch_ when it was unescaped there.
  struct FieldRef {
    size_t begin;
    size_t size;
    bool in_scratch;
  };
  enum class Parse { kRecord, kBlank, kNeedMore, kEnd };

  CsvReader(std::unique_ptr<ByteSource> source, const ReaderOptions& options);

  // Parses the next record into fields_ (refilling the buffer as needed) and advances line_.
  // Sets record_error_ for a malformed record. The fields stay valid until the next call,
  // which first drops the previous record from the buffer.
  absl::StatusOr<Parse> ReadRecord();
  Parse ParseBuffered(bool at_eof);
  std::string_view FieldText(const FieldRef& f) const;

  ReadBuffer buffer_;
  ReaderOptions options_;
  std::vector<std::string> names_;
  std::vector<FieldRef> fields_;
  std::string scratch_;
  std::string record_error_;
  size_t consumed_ = 0;      // buffer bytes of the last parsed record
  int64_t line_ = 1;         // line where the next record starts
  int64_t record_line_ = 1;  // line where the last parsed record started
  int64_t next_record_ = 1;  // number of the next data record
};

}  // namespace ferry::io

#endif  // FERRY_IO_CSV_READER_H_
