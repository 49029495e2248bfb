#pragma once
// Linear-programming audit of a suppression pattern, and repair by secondary suppression
// (docs/disclosure.md, "Audit and repair in the core"; docs/decisions.md, entry 67).
//
// The pattern rules (disclosure.hpp, disclosure_patterns.hpp, disclosure_linked.hpp) protect the
// shapes they know. A reader of a whole run knows more: every published number at once, each a
// linear (in)equality over unknown non-negative counts. The established answer (tau-ARGUS; the
// statistical-disclosure-control literature on "auditing" a suppression pattern) is to compute, by
// linear programming, the range every hidden count can take given everything published, and to
// suppress more until every range is at least min_cell wide. This header is that building block:
//
//  - the unknowns are *atoms*: counts x_a >= 0 of records that every published number treats alike
//    (optionally bounded from above: a reader may know x_a <= u_a);
//  - a published number is a *row* lower <= sum_j coef_j x_{atom_j} <= upper (an exact count has
//    lower == upper; a share k/n shown rounded to d decimals is two rows, k - lo n >= 0 and
//    k - hi n <= 0);
//  - rows belong to *suppression groups*: a count and the numbers derived from it (its share, its
//    rate) are published or hidden together. A group has its true count (value), the count as an
//    expression over atoms, and may be not suppressible (the number of persons of the run);
//  - a *target* is a hidden count, a linear expression over atoms.
//
// audit() gives every target its minimum and maximum over the published rows (the LP relaxation:
// the reader's range over real non-negative counts contains the range over integers, so an LP
// range at least min_cell wide is safe; the converse need not hold: see docs/disclosure.md) with a
// certificate, the published rows whose dual multipliers are non-zero: the numbers a person needs to
// re-derive the bound by hand. protect() repairs: it suppresses, for each disclosed target, one
// group of its certificate and re-audits until nothing is disclosed or nothing suppressible is left.
//
// Solver: COIN-OR CLP (dual and primal simplex), linked privately (this header does not include
// it). One LP model: the objective is changed per target and each solve starts from the previous
// optimal basis and factorization; a suppressed group's rows are freed (their bounds set to
// -inf/+inf), which keeps that basis usable.
//
// Complexity: the LP has n atoms (columns) and r rows with nnz non-zero coefficients. audit() runs
// 2 LPs per target (a minimum and a maximum), each a warm-started simplex; a simplex solve is not
// polynomially bounded in theory but, warm-started, typically a few dozen pivots of O(nnz) work.
// protect() runs, per round, 2 LPs for each target that is still disclosed (and for each target
// added by the previous round): a range can only widen when rows are removed, so a target that is
// safe stays safe and is not solved again. The rounds are at most the number of suppressible groups
// (every round suppresses at least one); a final full audit (2 LPs per target, from a fresh
// model) checks the answer and gives the ranges reported. Memory O(n + r + nnz + targets).
//
// Deterministic: one thread, targets in index order, ties broken by index; the same problem gives
// the same result on every run (no timings in the results: counts of rounds and solves only).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "famgraph/disclosure.hpp"
#include "famgraph/disclosure_patterns.hpp"

namespace famgraph::disclosure {

/// coef · x_atom, one term of a linear expression over the atoms.
struct AuditTerm {
  std::size_t atom = 0;
  double coef = 1.0;
  friend bool operator==(const AuditTerm&, const AuditTerm&) = default;
};

/// One published number: lower <= sum of the terms <= upper. Either bound may be infinite (a
/// one-sided row; -inf/+inf both: a row that says nothing). An atom listed twice adds up.
struct AuditRow {
  std::vector<AuditTerm> terms;
  double lower = 0.0;
  double upper = 0.0;
  std::size_t group = 0;  ///< the suppression group this row is published with
  friend bool operator==(const AuditRow&, const AuditRow&) = default;
};

/// The numbers that appear and disappear together: a count and what is derived from it.
struct AuditGroup {
  /// The group's true count: which group to suppress first (the smallest value).
  double value = 0.0;
  /// The count as an expression over atoms: the new hidden target when the group is suppressed.
  /// Required for a suppressible group; checked against `value` at the true atom counts.
  std::vector<AuditTerm> count;
  /// False for numbers that must stay published (the number of persons of the run).
  bool suppressible = true;
  friend bool operator==(const AuditGroup&, const AuditGroup&) = default;
};

/// What a reader knows (the published rows) and what must stay uncertain (the targets).
struct AuditProblem {
  /// The true count of every atom (>= 0, finite); its size is the number of atoms. Used to check
  /// that the rows describe the data (every row holds at the truth), to tell zero targets, and by
  /// the repair (the values of targets added for suppressed groups).
  std::vector<double> truth;
  /// Upper bounds of the atoms known to the reader: empty (none), or one per atom (+inf for none).
  std::vector<double> atom_upper;
  std::vector<AuditRow> rows;
  std::vector<AuditGroup> groups;
  /// The hidden counts, each a linear expression over atoms.
  std::vector<std::vector<AuditTerm>> targets;
};

struct AuditOptions {
  Policy policy{};
  /// Zero::small (the default of disclosure.hpp): a hidden count whose true value is 0 must have
  /// a range of min_cell like any other ("nobody" is as telling as "one person"). Zero::safe: a
  /// target whose true value is 0 is never disclosed (for outputs that leave empty cells out).
  Zero zero = Zero::small;
  /// One tolerance for the floating-point arithmetic, absolute on counts:
  ///  - a row holds at the truth when it is violated by at most tolerance · max(1, |bound|, the
  ///    sum of |coef · truth| over its terms) (beyond that the caller mapped something wrong);
  ///  - a range max − min >= min_cell − tolerance is wide enough (an LP's rounding must not make
  ///    the exact width min_cell of an integer table a finding);
  ///  - a target whose true value is within tolerance of 0 is a zero (Zero::safe);
  ///  - a row whose dual multiplier exceeds tolerance in absolute value is in the certificate.
  /// Must be finite, > 0 and < 0.5 (counts differ by at least 1).
  double tolerance = 1e-6;
};

/// The range of one target given the published rows.
struct TargetRange {
  double truth = 0.0;    ///< the target at the true atom counts
  double minimum = 0.0;  ///< -inf when unbounded below
  double maximum = 0.0;  ///< +inf when unbounded above
  /// maximum − minimum < min_cell − tolerance (never with min_cell = 0; never for a true 0 with
  /// Zero::safe). An unbounded range is wide.
  bool disclosed = false;
  /// The published rows (indices into AuditProblem::rows, ascending) with a non-zero dual in the
  /// LP of the minimum, and of the maximum: the numbers from which each bound follows.
  std::vector<std::size_t> certificate_min;
  std::vector<std::size_t> certificate_max;
  friend bool operator==(const TargetRange&, const TargetRange&) = default;
};

struct AuditResult {
  std::vector<TargetRange> targets;  ///< one per target, in order
  std::size_t disclosed = 0;         ///< how many targets are disclosed
  std::size_t lp_solves = 0;
  friend bool operator==(const AuditResult&, const AuditResult&) = default;
};

/// The range of every target given every published row. Throws std::invalid_argument for an
/// invalid problem (see protect) or options, std::runtime_error when the LP solver fails.
[[nodiscard]] AuditResult audit(const AuditProblem& problem, const AuditOptions& options = {});

struct ProtectResult {
  /// Whether every group is published (false: suppressed by the repair), one per group.
  std::vector<bool> group_suppressed;
  /// The groups the repair suppressed, in the order it suppressed them.
  std::vector<std::size_t> suppressed;
  /// The final audit: the problem's targets, then one target per suppressed group (its count), in
  /// the order of `suppressed`; certificates index AuditProblem::rows (only published rows).
  std::vector<TargetRange> targets;
  /// Targets still disclosed at the end (indices into `targets`): nothing suppressible was left
  /// in their certificates. Empty when `protected_all`.
  std::vector<std::size_t> still_disclosed;
  bool protected_all = false;  ///< no target is disclosed
  std::size_t rounds = 0;      ///< repair rounds (each suppresses at least one group)
  std::size_t lp_solves = 0;
  friend bool operator==(const ProtectResult&, const ProtectResult&) = default;
};

/// Audit, then repair until nothing is disclosed. In each round, for every disclosed target in
/// order: among the suppressible, not yet suppressed groups that have a row in its certificates
/// (min or max), the one with the smallest value (ties: the lowest index) is suppressed, unless a
/// group suppressed earlier in the same round is in those certificates already (the certificate is
/// then stale: the target is solved again first). A suppressed group's rows are removed and its
/// count becomes a new target (a secondary suppression must be protected itself). Then the targets
/// that were disclosed and the new ones are solved again. Ends when nothing is disclosed or no
/// disclosed target has a suppressible group left in its certificates; a final audit of every
/// target from a fresh model gives the result (and repairs further should it find a disclosure
/// the incremental audit missed).
///
/// Throws std::invalid_argument (naming the row, group, target or atom) for: an atom index out of
/// range; a NaN or infinite coefficient; a NaN bound; lower > upper; a negative, NaN or infinite
/// truth; atom_upper of the wrong size, NaN, or below the atom's truth; a row's group out of
/// range; a row violated by the truth; a suppressible group without a count expression, or whose
/// value is negative, not finite, or differs from its count at the truth; a target without terms;
/// an invalid tolerance. Throws std::runtime_error when the LP solver fails (not expected: the
/// truth is feasible, so every LP is feasible).
[[nodiscard]] ProtectResult protect(const AuditProblem& problem, const AuditOptions& options = {});

}  // namespace famgraph::disclosure
