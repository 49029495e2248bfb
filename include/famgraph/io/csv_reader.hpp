#pragma once
// A streaming RFC 4180 CSV reader: comma-separated, optional double quotes ("" escapes a quote),
// LF or CRLF line ends, an optional UTF-8 byte-order mark. Reads in blocks, so memory stays bounded
// by the longest record, not the file size.
#include <cstddef>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace famgraph::io {

class CsvReader {
 public:
  /// Opens `path`; throws std::runtime_error naming the file if it cannot be opened.
  explicit CsvReader(const std::string& path, std::size_t block_size = 1 << 22);
  /// Reads from an in-memory buffer (used by tests and the fuzzer).
  static CsvReader from_string(std::string data);
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

 private:
  CsvReader() = default;
  bool fill();  // reads more input; false at EOF

  std::FILE* file_ = nullptr;
  std::string buf_;
  std::size_t pos_ = 0, end_ = 0, block_ = 1 << 22;
  bool eof_ = false;
  bool at_start_ = true;
  std::size_t line_ = 1, record_line_ = 0;
  std::string error_;
  std::deque<std::string> unescaped_;  // stable storage for quoted fields containing ""
};

}  // namespace famgraph::io
