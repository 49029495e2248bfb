#pragma once
// The validated, columnar data model (docs/spec/data_contract.md §data-model): persons with dense indices,
// parent links, partnerships, events and contacts, plus the data-quality findings of loading.
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "famgraph/data_error.hpp"
#include "famgraph/date.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/io/raw_tables.hpp"
#include "famgraph/types.hpp"

namespace famgraph {

/// What to do with a mother_id/father_id that is not a person_id in persons.
enum class MissingParents : std::uint8_t {
  strict,  ///< an error (default)
  add      ///< add the parent as a founder of unknown sex and birth date
};

/// What to do with a record that breaks a rule (docs/data_quality.md, "Quarantine").
enum class OnError : std::uint8_t {
  raise,      ///< nothing is loaded; every problem is thrown at once as a DataError (default)
  quarantine  ///< keep every valid record; set aside each invalid one and what depends on it
};

struct LoadOptions {
  MissingParents missing_parents = MissingParents::strict;
  std::size_t max_errors = 100;  ///< loading stops collecting errors at this many (raise only)
  OnError on_error = OnError::raise;
  io::ParseOptions parse;  ///< accepted years and text date format
  /// The error limit of the IssueLog for these options: unlimited under quarantine, where every
  /// problem must be seen to set its record aside.
  [[nodiscard]] std::size_t error_limit() const noexcept {
    return on_error == OnError::quarantine ? SIZE_MAX : max_errors;
  }
};

/// A record (or one parent link of a person) set aside by OnError::quarantine.
struct QuarantinedRecord {
  std::string table;   ///< persons, partnerships, events or contacts
  std::string action;  ///< "record" (the row is left out) or "link" (mother_id/father_id dropped,
                       ///< the person kept)
  DataIssue issue;     ///< the first problem of the record: rule, file, line, column, value, message
  std::string record;  ///< the record's fields in the documented column order, comma-separated
};

/// Persons in ascending order of external id; index i is the person's dense index.
struct PersonTable {
  std::vector<PersonId> id;  ///< sorted ascending, unique
  std::vector<Sex> sex;
  std::vector<Day> birth, exit;  ///< NO_DAY when missing; partial dates are imputed
  std::vector<DatePrecision> birth_precision, exit_precision;
  std::vector<Index> mother, father;  ///< NONE when unknown
  /// CSR: children of person i are children[child_offsets[i] .. child_offsets[i+1]), ascending.
  std::vector<std::uint32_t> child_offsets;
  std::vector<Index> children;
  /// CSR: partners (partnership rows either way round, and co-parents of a common child),
  /// ascending and unique.
  std::vector<std::uint32_t> partner_offsets;
  std::vector<Index> partners;
  std::size_t n_added_parents = 0;  ///< founders added by MissingParents::add

  [[nodiscard]] std::size_t size() const noexcept { return id.size(); }
  /// Dense index of an external id, or NONE.
  [[nodiscard]] Index index_of(PersonId pid) const noexcept;
  [[nodiscard]] Date birth_date(Index i) const noexcept { return {birth[i], birth_precision[i]}; }
  [[nodiscard]] Date exit_date(Index i) const noexcept { return {exit[i], exit_precision[i]}; }
  [[nodiscard]] std::span<const Index> children_of(Index i) const noexcept {
    return {children.data() + child_offsets[i], children.data() + child_offsets[i + 1]};
  }
  [[nodiscard]] std::span<const Index> partners_of(Index i) const noexcept {
    return {partners.data() + partner_offsets[i], partners.data() + partner_offsets[i + 1]};
  }
};

/// Partnership rows with resolved person indices, sorted by (a, b, start).
struct PartnershipTable {
  std::vector<Index> a, b;
  std::vector<Day> start, end;
  std::vector<DatePrecision> start_precision, end_precision;
  [[nodiscard]] std::size_t size() const noexcept { return a.size(); }
};

/// One row per participant of an incident, sorted by (person, date, incident, role, kind, source).
struct EventTable {
  std::vector<Index> person;
  std::vector<Day> date;
  std::vector<DatePrecision> date_precision;
  std::vector<Role> role;
  std::vector<std::uint32_t> incident;  ///< dense index into incident_id
  std::vector<std::uint16_t> kind, source;  ///< codes into Dataset::kinds / Dataset::sources
  /// CSR by person: rows of person i are person_offsets[i] .. person_offsets[i+1].
  std::vector<std::uint32_t> person_offsets;
  std::vector<PersonId> incident_id;  ///< external incident ids, ascending
  /// CSR incident -> participant rows.
  std::vector<std::uint32_t> incident_offsets, incident_rows;

  [[nodiscard]] std::size_t size() const noexcept { return person.size(); }
  [[nodiscard]] std::size_t n_incidents() const noexcept { return incident_id.size(); }
};

/// Contacts with organisations, sorted by (person, start, source, kind, end).
struct ContactTable {
  std::vector<Index> person;
  std::vector<std::uint16_t> source, kind;
  std::vector<Day> start, end;  ///< end NO_DAY = ongoing
  std::vector<DatePrecision> start_precision, end_precision;
  std::vector<std::uint32_t> person_offsets;
  [[nodiscard]] std::size_t size() const noexcept { return person.size(); }
};

/// Warnings found while loading (errors abort loading instead).
struct ValidationReport {
  std::vector<DataIssue> warnings;                  ///< the first examples of each rule
  std::map<std::string, std::size_t> warning_counts;  ///< rule -> number of occurrences
};

struct Dataset {
  PersonTable persons;
  PartnershipTable partnerships;
  EventTable events;
  ContactTable contacts;
  std::vector<std::string> kinds;    ///< event/contact kind dictionary
  std::vector<std::string> sources;  ///< organisation codes
  ValidationReport report;
  /// Records set aside under OnError::quarantine, by table (persons, partnerships, events,
  /// contacts) then line; empty under OnError::raise.
  std::vector<QuarantinedRecord> quarantine;
  std::map<std::string, std::size_t> quarantine_counts;  ///< rule -> number of entries

  /// Bytes held by the tables (capacity, not just size): the resident cost of the data model.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
};

/// Validates raw rows (every check of docs/data_formats.md) and builds the columnar dataset.
/// `log` may already hold parse errors. Under OnError::raise all errors (up to its limit) are
/// thrown together as a DataError, and nothing is returned unless the input is clean. Under
/// OnError::quarantine every row with a problem, and every row depending on it, goes to
/// `Dataset::quarantine` instead; only problems of a whole file (a missing column, an unreadable
/// file) are still thrown.
Dataset build_dataset(io::RawTables&& raw, const LoadOptions& options, IssueLog& log);
/// Convenience overload with a fresh log.
Dataset build_dataset(io::RawTables&& raw, const LoadOptions& options = {});

/// Loads `dir/persons.csv` and the optional `partnerships.csv`, `events.csv`, `contacts.csv`.
Dataset load_csv(const std::filesystem::path& dir, const LoadOptions& options = {},
                 const io::CsvDialect& dialect = {});

}  // namespace famgraph
