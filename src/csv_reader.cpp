#include "famgraph/io/csv_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace famgraph::io {

CsvReader::CsvReader(const std::string& path, std::size_t block_size, std::size_t max_record,
                     Encoding encoding)
    : block_(block_size), max_record_(max_record), encoding_(encoding) {
  const int fd = open_input(path, "a CSV file");
  file_ = ::fdopen(fd, "rb");
  if (!file_) {
    const int e = errno;
    ::close(fd);
    throw FileError(e, path + ": cannot open for reading: " + std::strerror(e));
  }
}

CsvReader CsvReader::from_string(std::string data, std::size_t max_record, Encoding encoding) {
  CsvReader r;
  r.max_record_ = max_record;
  transcode_to_utf8(data, 0, encoding);
  r.buf_ = std::move(data);
  r.end_ = r.buf_.size();
  r.eof_ = true;
  return r;
}

CsvReader::CsvReader(CsvReader&& o) noexcept { *this = std::move(o); }

CsvReader& CsvReader::operator=(CsvReader&& o) noexcept {
  if (this != &o) {
    if (file_) std::fclose(file_);
    file_ = o.file_;
    o.file_ = nullptr;
    buf_ = std::move(o.buf_);
    pos_ = o.pos_;
    end_ = o.end_;
    block_ = o.block_;
    max_record_ = o.max_record_;
    error_rule_ = o.error_rule_;
    sep_ = o.sep_;
    encoding_ = o.encoding_;
    eof_ = o.eof_;
    at_start_ = o.at_start_;
    line_ = o.line_;
    record_line_ = o.record_line_;
    error_ = std::move(o.error_);
    unescaped_ = std::move(o.unescaped_);
  }
  return *this;
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

namespace {

// Unicode code points of cp1252 bytes 0x80-0x9F (0 = undefined there; read as in latin-1).
constexpr std::uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

void transcode_to_utf8(std::string& text, std::size_t from, Encoding enc) {
  if (enc == Encoding::utf8) return;
  bool plain = true;
  for (std::size_t k = from; k < text.size() && plain; ++k)
    plain = static_cast<unsigned char>(text[k]) < 0x80;
  if (plain) return;
  std::string out;
  out.reserve(text.size() - from + (text.size() - from) / 8);
  for (std::size_t k = from; k < text.size(); ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    unsigned cp = c;
    if (enc == Encoding::cp1252 && c >= 0x80 && c < 0xA0 && cp1252_high[c - 0x80])
      cp = cp1252_high[c - 0x80];
    append_utf8(out, cp);
  }
  text.resize(from);
  text += out;
}

bool CsvReader::fill() {
  if (eof_) return false;
  // Keep the unread tail, then append a block. Records longer than a block grow the buffer.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  buf_.resize(end_ + block_);
  const std::size_t got = std::fread(buf_.data() + end_, 1, block_, file_);
  buf_.resize(end_ + got);
  // A one-byte encoding has no sequences to split at a block boundary: transcode as read.
  transcode_to_utf8(buf_, end_, encoding_);
  end_ = buf_.size();
  if (got < block_) eof_ = true;
  return got > 0;
}

bool CsvReader::fail(const char* rule, std::string message) {
  error_rule_ = rule;
  error_ = std::move(message);
  record_line_ = line_;
  pos_ = end_ = 0;
  buf_.clear();
  buf_.shrink_to_fit();
  eof_ = true;
  return true;
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  error_.clear();
  error_rule_ = "csv.syntax";
  std::size_t used_unescaped = 0;
  for (;;) {
    // Parse one record starting at pos_. If the buffer ends before the record does, refill and
    // restart the record from the same position (fill() moves the tail to the front).
    if (at_start_) {
      if (end_ - pos_ < 512 && !eof_) {
        fill();
        continue;
      }
      at_start_ = false;
      if (looks_like_utf16(std::string_view(buf_.data() + pos_, end_ - pos_))) {
        line_ = 0;
        return fail("encoding.utf16",
                    "looks like UTF-16 text (byte-order mark or a NUL byte between the letters); save "
                    "it as UTF-8 (e.g. 'CSV UTF-8' in Excel) and try again");
      }
      if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
    }
    // Skip blank lines (LF or CRLF only).
    while (pos_ < end_ && (buf_[pos_] == '\n' || buf_[pos_] == '\r')) {
      if (buf_[pos_] == '\r' && pos_ + 1 >= end_ && !eof_) break;
      if (buf_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= end_) {
      if (!fill()) return false;
      continue;
    }
    fields.clear();
    used_unescaped = 0;
    error_.clear();
    const char* b = buf_.data();
    std::size_t i = pos_;
    std::size_t lines_in_record = 0;
    bool complete = false;
    while (true) {
      if (i >= end_) {  // need more input, or the input ended right after a field's junk
        complete = eof_;
        break;
      }
      if (b[i] == '"') {
        // Quoted field.
        std::size_t j = i + 1;
        bool has_escape = false;
        bool closed = false;
        std::size_t nl = 0;
        while (j < end_) {
          if (b[j] == '"') {
            if (j + 1 < end_ && b[j + 1] == '"') {
              has_escape = true;
              j += 2;
              continue;
            }
            if (j + 1 >= end_ && !eof_) break;  // cannot tell yet
            closed = true;
            break;
          }
          if (b[j] == '\n') ++nl;
          ++j;
        }
        if (!closed) {
          if (!eof_) break;  // need more input
          error_ = "unterminated quoted field (a \" opened here is never closed)";
          record_line_ = line_;
          line_ += lines_in_record + nl;
          pos_ = end_;
          fields.clear();
          return true;
        }
        std::string_view raw(b + i + 1, j - i - 1);
        if (has_escape) {
          if (used_unescaped == unescaped_.size()) unescaped_.emplace_back();
          std::string& s = unescaped_[used_unescaped++];
          s.clear();
          for (std::size_t k = 0; k < raw.size(); ++k) {
            s.push_back(raw[k]);
            if (raw[k] == '"') ++k;
          }
          fields.emplace_back(s);
        } else {
          fields.push_back(raw);
        }
        lines_in_record += nl;
        i = j + 1;
        if (i >= end_) {
          if (!eof_) break;
          complete = true;
          break;
        }
        if (b[i] == sep_) {
          ++i;
          if (i >= end_ && eof_) {
            fields.emplace_back();
            complete = true;
            break;
          }
          continue;
        }
        if (b[i] == '\n' || b[i] == '\r') {
          if (b[i] == '\r') {
            if (i + 1 >= end_ && !eof_) break;
            if (i + 1 < end_ && b[i + 1] == '\n') ++i;
          }
          ++i;
          ++lines_in_record;
          complete = true;
          break;
        }
        if (error_.empty()) {
          // One byte of a UTF-8 sequence is not text: show non-ASCII bytes as \xNN so that the
          // message stays valid UTF-8 (Python decodes it).
          const auto c = static_cast<unsigned char>(b[i]);
          std::string shown(1, b[i]);
          if (c < 0x20 || c >= 0x7F) {
            static constexpr char hex[] = "0123456789abcdef";
            shown = std::string("\\x") + hex[c >> 4] + hex[c & 15];
          }
          error_ = "unexpected character '" + shown +
                   "' after a closing quote (expected the separator or the end of the line)";
        }
        // Skip to the next separator to resynchronise.
        while (i < end_ && b[i] != sep_ && b[i] != '\n') ++i;
        if (i < end_ && b[i] == sep_) ++i;
        continue;
      }
      // Unquoted field.
      std::size_t j = i;
      while (j < end_ && b[j] != sep_ && b[j] != '\n' && b[j] != '\r') {
        if (b[j] == '"' && error_.empty())
          error_ = "stray double quote inside an unquoted field (quote the whole field)";
        ++j;
      }
      if (j >= end_ && !eof_) break;
      fields.emplace_back(b + i, j - i);
      if (j >= end_) {
        complete = true;
        i = j;
        break;
      }
      if (b[j] == sep_) {
        i = j + 1;
        if (i >= end_ && eof_) {
          fields.emplace_back();
          complete = true;
          break;
        }
        continue;
      }
      if (b[j] == '\r') {
        if (j + 1 >= end_ && !eof_) break;
        if (j + 1 < end_ && b[j + 1] == '\n') ++j;
      }
      i = j + 1;
      ++lines_in_record;
      complete = true;
      break;
    }
    if (i - pos_ > max_record_ || (!complete && end_ - pos_ > max_record_)) {
      return fail("csv.record_too_long",
                  "record longer than " +
                      (max_record_ == max_record_bytes ? std::string("1,048,576 bytes (1 MiB)")
                                                       : std::to_string(max_record_) + " bytes") +
                      ": a line break or closing quote is missing, or this is not a text file");
    }
    if (!complete) {
      fill();
      continue;
    }
    record_line_ = line_;
    line_ += lines_in_record;
    pos_ = i;
    return true;
  }
}

}  // namespace famgraph::io
