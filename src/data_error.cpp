// How values are shown in messages: escaped and clipped (the Python twin: famgraph/_errors.py).
#include <string>
#include <vector>

#include "famgraph/data_error.hpp"

namespace famgraph {

namespace {

constexpr char hex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i] and its code point, or 0 if the byte there does not
// start one (same rules as io::valid_utf8: no overlongs, no surrogates, at most U+10FFFF).
std::size_t decode(std::string_view s, std::size_t i, unsigned& cp) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned c = p[i];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

bool invisible(unsigned cp) noexcept {
  return cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

// The escaped units of `s` (one per character or invalid byte), appended to `out`.
void units(std::string_view s, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned cp = 0;
    const std::size_t len = decode(s, i, cp);
    if (len == 0) {
      const auto b = static_cast<unsigned char>(s[i]);
      out.push_back(std::string("\\x") + hex[b >> 4] + hex[b & 15]);
      ++i;
      continue;
    }
    if ((cp >= 0x20 && cp < 0x7F) || (cp > 0x9F && !invisible(cp))) {
      out.emplace_back(s.substr(i, len));
    } else if (cp == '\n') {
      out.emplace_back("\\n");
    } else if (cp == '\r') {
      out.emplace_back("\\r");
    } else if (cp == '\t') {
      out.emplace_back("\\t");
    } else if (cp <= 0xFF) {
      out.push_back(std::string("\\x") + hex[cp >> 4] + hex[cp & 15]);
    } else {
      out.push_back(std::string("\\u") + hex[(cp >> 12) & 15] + hex[(cp >> 8) & 15] +
                    hex[(cp >> 4) & 15] + hex[cp & 15]);
    }
    i += len;
  }
}

// Characters of a unit as Python counts them: escapes are ASCII, a kept character is one.
std::size_t width(const std::string& unit) noexcept {
  return unit[0] == '\\' ? unit.size() : 1;
}

}  // namespace

std::string escape(std::string_view text) {
  // Fast path: printable ASCII only.
  bool plain = true;
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7F) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(text);
  std::vector<std::string> u;
  units(text, u);
  std::string out;
  for (const auto& x : u) out += x;
  return out;
}

std::string shown(std::string_view value, std::size_t limit) {
  std::vector<std::string> u;
  units(value, u);
  std::size_t total = 0;
  for (const auto& x : u) total += width(x);
  std::string out;
  if (total <= limit) {
    for (const auto& x : u) out += x;
    return out;
  }
  const std::string marker = "\xE2\x80\xA6(" + std::to_string(u.size()) + " chars)";
  std::size_t used = marker.size() - 2;  // "…" is 3 bytes but one character
  for (const auto& x : u) {
    if (used + width(x) > limit) break;
    out += x;
    used += width(x);
  }
  return out + marker;
}

}  // namespace famgraph
