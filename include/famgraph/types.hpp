#pragma once
// Basic vocabulary types shared by every famgraph header.
#include <cstdint>
#include <limits>
#include <string_view>

namespace famgraph {

/// External (pseudonymised) person identifier as found in the input tables.
using PersonId = std::int64_t;
/// Dense internal index of a person: 0 .. n-1, in ascending order of PersonId.
using Index = std::uint32_t;
/// Marks an unknown parent / absent index.
inline constexpr Index NONE = std::numeric_limits<Index>::max();

enum class Sex : std::uint8_t { F = 0, M = 1, U = 2 };
enum class Role : std::uint8_t { victim = 0, perpetrator = 1, witness = 2, other = 3 };
inline constexpr int n_roles = 4;

constexpr std::string_view to_string(Sex s) noexcept {
  switch (s) {
    case Sex::F: return "F";
    case Sex::M: return "M";
    case Sex::U: return "U";
  }
  return "?";
}

constexpr std::string_view to_string(Role r) noexcept {
  switch (r) {
    case Role::victim: return "victim";
    case Role::perpetrator: return "perpetrator";
    case Role::witness: return "witness";
    case Role::other: return "other";
  }
  return "?";
}

}  // namespace famgraph
