#pragma once
// A streaming RFC 4180 CSV reader: comma-separated, optional double quotes ("" escapes a quote),
// LF or CRLF line ends, an optional UTF-8 byte-order mark. Reads in blocks, so memory stays bounded
// by the longest record, not the file size; a record longer than `max_record_bytes` (1 MiB) is an
// error, so that memory is bounded even for a file without line breaks.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "famgraph/io/files.hpp"

namespace famgraph::io {

/// Text encodings of CSV input. UTF-8 (with or without a byte-order mark) is the default; the
/// one-byte Windows and ISO encodings are an explicit choice, as any byte sequence is valid in them.
enum class Encoding : std::uint8_t { utf8, cp1252, latin1 };

/// Re-encodes text[from..] from `enc` into UTF-8 in place (no-op for utf8).
void transcode_to_utf8(std::string& text, std::size_t from, Encoding enc);

class CsvReader {
 public:
  /// Opens `path` if it is a regular file (io::open_input); throws io::FileError naming the file
  /// and what it is otherwise (a folder, a FIFO, a broken link, ...).
  explicit CsvReader(const std::string& path, std::size_t block_size = 1 << 22,
                     std::size_t max_record = max_record_bytes, Encoding encoding = Encoding::utf8);
  /// Reads from an in-memory buffer (used by tests and the fuzzer).
  static CsvReader from_string(std::string data, std::size_t max_record = max_record_bytes,
                               Encoding encoding = Encoding::utf8);
  /// The field separator (',' by default; ';', '\t' and '|' are the other dialects).
  void set_separator(char sep) noexcept { sep_ = sep; }
  [[nodiscard]] char separator() const noexcept { return sep_; }
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  ~CsvReader();

  /// Reads the next non-empty record. Returns false at end of input. The views stay valid until the
  /// next call. On a malformed record (stray quote, unterminated quoted field) returns true with
  /// `error()` describing it; the record's fields are then unreliable and should be skipped.
  bool next(std::vector<std::string_view>& fields);
  /// Line on which the record returned by the last `next` starts (1-based).
  [[nodiscard]] std::size_t line() const noexcept { return record_line_; }
  /// Empty if the last record was well formed.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  /// The rule of `error()`: "csv.syntax", "csv.record_too_long" or "encoding.utf16" (the last two
  /// end the file: nothing more is read).
  [[nodiscard]] const char* error_rule() const noexcept { return error_rule_; }

 private:
  CsvReader() = default;
  bool fill();  // reads more input; false at EOF
  bool fail(const char* rule, std::string message);  // a fatal error: the rest is not read

  std::FILE* file_ = nullptr;
  std::string buf_;
  std::size_t pos_ = 0, end_ = 0, block_ = 1 << 22, max_record_ = max_record_bytes;
  const char* error_rule_ = "csv.syntax";
  char sep_ = ',';
  Encoding encoding_ = Encoding::utf8;
  bool eof_ = false;
  bool at_start_ = true;
  std::size_t line_ = 1, record_line_ = 0;
  std::string error_;
  std::deque<std::string> unescaped_;  // stable storage for quoted fields containing ""
};

}  // namespace famgraph::io
