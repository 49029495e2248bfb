#pragma once
// Reading the JSON case files that the Catch2 and the pytest suites share (tests/fixtures/*.json).
// Boost.PropertyTree keeps JSON numbers as their text, so counts up to 2^64 − 1 stay exact.
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "famgraph/disclosure.hpp"

namespace famgraph::test_fixture {

namespace pt = boost::property_tree;

/// The parsed file `name` of the fixtures folder, read once per test binary.
inline const pt::ptree& cases(const std::string& name) {
  static std::map<std::string, pt::ptree> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    pt::ptree t;
    pt::read_json((std::filesystem::path(FAMGRAPH_FIXTURES) / name).string(), t);
    it = cache.emplace(name, std::move(t)).first;
  }
  return it->second;
}

inline std::uint64_t u64(const pt::ptree& node) { return std::stoull(node.data()); }

/// JSON null as nullopt.
inline std::optional<std::uint64_t> opt_u64(const pt::ptree& node) {
  if (node.data() == "null") return std::nullopt;
  return u64(node);
}

inline bool flag(const pt::ptree& node) { return node.data() == "true"; }

/// A JSON list of non-negative integers as a vector of T.
template <class T = std::uint64_t>
std::vector<T> numbers(const pt::ptree& node) {
  std::vector<T> out;
  for (const auto& [key, child] : node) out.push_back(static_cast<T>(u64(child)));
  return out;
}

inline std::vector<std::uint64_t> u64s(const pt::ptree& node) { return numbers<std::uint64_t>(node); }

inline std::vector<bool> flags(const pt::ptree& node) {
  std::vector<bool> out;
  for (const auto& [key, child] : node) out.push_back(flag(child));
  return out;
}

inline std::vector<std::string> strings(const pt::ptree& node) {
  std::vector<std::string> out;
  for (const auto& [key, child] : node) out.push_back(child.data());
  return out;
}

/// The letter of a suppression status in the fixtures' patterns: '.' published, 'P' primary,
/// 'S' secondary.
inline char code(disclosure::Suppression s) {
  switch (s) {
    case disclosure::Suppression::none: return '.';
    case disclosure::Suppression::primary: return 'P';
    case disclosure::Suppression::secondary: return 'S';
  }
  return '?';
}

/// The nine statuses of a 2×2 table as letters, in fields_2x2 order ("PPPP.SS.." …).
inline std::string pattern(const disclosure::Suppressed2x2& s) {
  std::string out;
  for (disclosure::Field2x2 f : disclosure::fields_2x2) out += code(s.at(f));
  return out;
}

}  // namespace famgraph::test_fixture
