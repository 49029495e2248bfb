// Dataset loading (CSV, in-memory columns) and column access as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <functional>
#include <map>
#include <memory>
#include <tuple>

#include "famgraph/dataset.hpp"
#include "famgraph/io/csv.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

IssueList issues_to_python(const std::vector<DataIssue>& issues);

// The types the stubs show (docs/architecture.md §binding-boundary): a table's columns by name, one
// quarantined record (table, action, rule, file, line, column, value, message, record), a column
// handed over by famgraph._convert, and the rows a format reader rejected before the core saw them.
using Columns = py::typing::Dict<py::str, py::array>;
using QuarantineRow = py::typing::Tuple<py::str, py::str, py::str, py::str, py::int_, py::str, py::str,
                                        py::str, py::str>;
using ColumnArg = py::typing::Union<py::typing::Tuple<py::str, py::array, py::array>,
                                    py::typing::Tuple<py::str, py::typing::List<py::typing::Optional<py::str>>>>;
using TablesArg = py::typing::Dict<py::str, py::typing::Dict<py::str, ColumnArg>>;
using RejectsArg =
    py::typing::Dict<py::str, py::typing::List<py::typing::Tuple<py::int_, py::str, py::str, py::str, py::str>>>;

using io::FieldParser;

namespace {

MissingParents parse_missing(const std::string& s) {
  if (s == "strict") return MissingParents::strict;
  if (s == "add") return MissingParents::add;
  throw py::value_error("missing_parents='" + s + "' (expected 'strict' or 'add')");
}


OnError parse_on_error(const std::string& s) {
  if (s == "raise") return OnError::raise;
  if (s == "quarantine") return OnError::quarantine;
  throw py::value_error("on_error='" + s + "' (expected 'raise' or 'quarantine')");
}

io::ParseOptions parse_options(int min_y, int max_y, const std::string& date_format) {
  if (min_y < min_year_limit || max_y > max_year_limit || min_y > max_y)
    throw py::value_error("min_year=" + std::to_string(min_y) + ", max_year=" +
                          std::to_string(max_y) + " (expected " + std::to_string(min_year_limit) +
                          " <= min_year <= max_year <= " + std::to_string(max_year_limit) + ")");
  io::ParseOptions po;
  po.min_year = min_y;
  po.max_year = max_y;
  po.date_format = io::parse_date_format(date_format);
  return po;
}

LoadOptions load_options(const std::string& missing, std::size_t max_errors,
                         const std::string& on_error, const io::ParseOptions& po) {
  LoadOptions opt;
  opt.missing_parents = parse_missing(missing);
  opt.max_errors = max_errors;
  opt.on_error = parse_on_error(on_error);
  opt.parse = po;
  return opt;
}

py::typing::List<QuarantineRow> quarantine_to_python(const std::vector<QuarantinedRecord>& q) {
  py::typing::List<QuarantineRow> out;
  for (const auto& r : q)
    out.append(py::make_tuple(r.table, r.action, r.issue.rule, r.issue.file, r.issue.line,
                              r.issue.column, r.issue.value, r.issue.message, r.record));
  return out;
}

template <class E>
py::array_t<std::uint8_t> enum_array(const std::vector<E>& v) {
  py::array_t<std::uint8_t> a(static_cast<py::ssize_t>(v.size()));
  auto* p = a.mutable_data();
  for (std::size_t k = 0; k < v.size(); ++k) p[k] = static_cast<std::uint8_t>(v[k]);
  return a;
}

// A column handed over from pandas: ("int", int64 values, bool present), ("days", int32 days,
// uint8 precision) or ("str", list of str|None) — the last is parsed row by row, reporting errors.
struct Column {
  enum Kind { ints, days, strs } kind = strs;
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> i64;
  py::array_t<bool, py::array::c_style | py::array::forcecast> present;
  py::array_t<std::int32_t, py::array::c_style | py::array::forcecast> day;
  py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> prec;
  std::vector<std::string> text;
  std::size_t size = 0;
};

Column to_column(const py::tuple& t) {
  Column c;
  const auto kind = t[0].cast<std::string>();
  if (kind == "int") {
    c.kind = Column::ints;
    c.i64 = t[1].cast<decltype(c.i64)>();
    c.present = t[2].cast<decltype(c.present)>();
    c.size = static_cast<std::size_t>(c.i64.size());
    if (static_cast<std::size_t>(c.present.size()) != c.size) throw py::value_error("mask length differs");
  } else if (kind == "days") {
    c.kind = Column::days;
    c.day = t[1].cast<decltype(c.day)>();
    c.prec = t[2].cast<decltype(c.prec)>();
    c.size = static_cast<std::size_t>(c.day.size());
    if (static_cast<std::size_t>(c.prec.size()) != c.size) throw py::value_error("precision length differs");
  } else if (kind == "str") {
    c.kind = Column::strs;
    for (auto item : t[1]) c.text.push_back(item.is_none() ? std::string() : item.cast<std::string>());
    c.size = c.text.size();
  } else {
    throw py::value_error("unknown column kind '" + kind + "'");
  }
  return c;
}

class ColumnReader {
 public:
  ColumnReader(const py::dict& table, const std::vector<std::string>& required, const std::string& label,
               IssueLog& log, const io::ParseOptions& po)
      : po_(po) {
    for (const auto& name : required) {
      if (!table.contains(name)) {
        std::string have;
        for (auto item : table) have += (have.empty() ? "" : ", ") + py::str(item.first).cast<std::string>();
        log.error("header.missing_column", label, 0, name, "",
                  "required column '" + name + "' is missing (table has: " + have + ")");
        ok_ = false;
        continue;
      }
      cols_.push_back(to_column(table[name.c_str()].cast<py::tuple>()));
    }
    if (!ok_) return;
    n_ = cols_.empty() ? 0 : cols_[0].size;
    for (const auto& c : cols_)
      if (c.size != n_) throw py::value_error(label + ": columns have different lengths");
  }
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }

  PersonId id(FieldParser& fp, std::size_t c, std::size_t row, const char* col, bool required) {
    const auto& k = cols_[c];
    if (k.kind == Column::ints) {
      if (!k.present.data()[row]) {
        if (required)
          fp.record_error(row, col, "", "missing.required", std::string("missing value: ") + col + " is required");
        return io::NO_ID;
      }
      const auto x = k.i64.data()[row];
      if (x == io::NO_ID) {
        fp.record_error(row, col, std::to_string(x), "parse.int",
                        "'" + std::to_string(x) + "' is reserved (expected an id > -2^63)");
        return io::NO_ID;
      }
      return x;
    }
    return fp.id(str(c, row), row, col, required);
  }
  Date date(FieldParser& fp, std::size_t c, std::size_t row, const char* col, bool required) {
    const auto& k = cols_[c];
    if (k.kind == Column::days) {
      const auto prec = static_cast<DatePrecision>(k.prec.data()[row]);
      if (prec == DatePrecision::missing) {
        if (required)
          fp.record_error(row, col, "", "missing.required", std::string("missing value: ") + col + " is required");
        return {};
      }
      const Date out{k.day.data()[row], prec};
      const int y = civil_from_days(out.day).year;
      if (y < po_.min_year || y > po_.max_year) {
        fp.record_error(row, col, format_date(out), "parse.date",
                        "'" + format_date(out) + "' is outside the accepted years " +
                            std::to_string(po_.min_year) + "-" + std::to_string(po_.max_year) +
                            " (min_year, max_year)");
        return {};
      }
      return out;
    }
    return fp.date(str(c, row), row, col, required);
  }
  std::string_view str(std::size_t c, std::size_t row) const {
    const auto& k = cols_[c];
    if (k.kind != Column::strs) throw py::type_error("internal: column must be given as strings");
    return k.text[row];
  }
  /// The row's values as given (the quarantine shows them), comma-separated in column order.
  std::string text(std::size_t row) const {
    std::vector<std::string> f;
    for (const auto& k : cols_) {
      if (k.kind == Column::ints)
        f.push_back(k.present.data()[row] ? std::to_string(k.i64.data()[row]) : std::string());
      else if (k.kind == Column::days)
        f.push_back(format_date({k.day.data()[row], static_cast<DatePrecision>(k.prec.data()[row])}));
      else
        f.push_back(k.text[row]);
    }
    return io::join_csv_record(f);
  }

 private:
  io::ParseOptions po_;
  std::vector<Column> cols_;
  std::size_t n_ = 0;
  bool ok_ = true;
};

// Runs a function at the end of a scope (also when a parser throws).
struct Finally {
  std::function<void()> f;
  ~Finally() { f(); }
};

// Rows a format reader rejected before conversion (GEDCOM/PED): (row, rule, column, value, message).
using Rejects = std::vector<std::tuple<std::size_t, std::string, std::string, std::string, std::string>>;

void read_table(io::RawTables& raw, const std::string& name, const py::dict& table,
                const std::string& label, IssueLog& log, const io::ParseOptions& po,
                const Rejects& rejects) {
  if (name == "persons") {
    auto& p = raw.persons;
    p.source.file = label;
    ColumnReader r(table, io::persons_columns(), label, log, po);
    if (!r.ok()) return;
    FieldParser fp(log, p.source, &po);
    auto& src = p.source;
    for (std::size_t row = 0; row < r.size() && !log.full(); ++row) {
      const std::size_t before = src.rejected.size();
      Finally keep_text{[&] {
        if (src.rejected.size() > before) src.text.emplace(static_cast<std::uint32_t>(row), r.text(row));
      }};
      p.source.line.push_back(static_cast<std::uint32_t>(row + 2));
      p.id.push_back(r.id(fp, 0, row, "person_id", true));
      p.sex.push_back(fp.sex(r.str(1, row), row));
      p.birth.push_back(r.date(fp, 2, row, "birth_date", false));
      p.exit.push_back(r.date(fp, 3, row, "exit_date", false));
      p.mother.push_back(r.id(fp, 4, row, "mother_id", false));
      p.father.push_back(r.id(fp, 5, row, "father_id", false));
    }
  } else if (name == "partnerships") {
    auto& p = raw.partnerships;
    p.source.file = label;
    ColumnReader r(table, io::partnerships_columns(), label, log, po);
    if (!r.ok()) return;
    FieldParser fp(log, p.source, &po);
    auto& src = p.source;
    for (std::size_t row = 0; row < r.size() && !log.full(); ++row) {
      const std::size_t before = src.rejected.size();
      Finally keep_text{[&] {
        if (src.rejected.size() > before) src.text.emplace(static_cast<std::uint32_t>(row), r.text(row));
      }};
      p.source.line.push_back(static_cast<std::uint32_t>(row + 2));
      p.a.push_back(r.id(fp, 0, row, "person_a", true));
      p.b.push_back(r.id(fp, 1, row, "person_b", true));
      p.start.push_back(r.date(fp, 2, row, "start_date", false));
      p.end.push_back(r.date(fp, 3, row, "end_date", false));
    }
  } else if (name == "events") {
    auto& e = raw.events;
    e.source.file = label;
    ColumnReader r(table, io::events_columns(), label, log, po);
    if (!r.ok()) return;
    FieldParser fp(log, e.source, &po);
    auto& src = e.source;
    for (std::size_t row = 0; row < r.size() && !log.full(); ++row) {
      const std::size_t before = src.rejected.size();
      Finally keep_text{[&] {
        if (src.rejected.size() > before) src.text.emplace(static_cast<std::uint32_t>(row), r.text(row));
      }};
      e.source.line.push_back(static_cast<std::uint32_t>(row + 2));
      e.incident.push_back(r.id(fp, 0, row, "incident_id", true));
      e.person.push_back(r.id(fp, 1, row, "person_id", true));
      e.role.push_back(fp.role(r.str(2, row), row));
      e.date.push_back(r.date(fp, 3, row, "date", true));
      e.kind.push_back(fp.category(raw.kinds, r.str(4, row), row, "kind", false));
      e.src.push_back(fp.category(raw.sources, r.str(5, row), row, "source", true));
    }
  } else if (name == "contacts") {
    auto& c = raw.contacts;
    c.source.file = label;
    ColumnReader r(table, io::contacts_columns(), label, log, po);
    if (!r.ok()) return;
    FieldParser fp(log, c.source, &po);
    auto& src = c.source;
    for (std::size_t row = 0; row < r.size() && !log.full(); ++row) {
      const std::size_t before = src.rejected.size();
      Finally keep_text{[&] {
        if (src.rejected.size() > before) src.text.emplace(static_cast<std::uint32_t>(row), r.text(row));
      }};
      c.source.line.push_back(static_cast<std::uint32_t>(row + 2));
      c.person.push_back(r.id(fp, 0, row, "person_id", true));
      c.src.push_back(fp.category(raw.sources, r.str(1, row), row, "source", true));
      c.start.push_back(r.date(fp, 2, row, "start_date", true));
      c.end.push_back(r.date(fp, 3, row, "end_date", false));
      c.kind.push_back(fp.category(raw.kinds, r.str(4, row), row, "kind", false));
    }
  } else {
    throw py::value_error("unknown table '" + name + "'");
  }
  // Problems the format reader found in rows it converted (a GEDCOM date famgraph cannot read, a
  // sex code): the rows count as rejected here, so that the one core decides what depends on them.
  io::RowSource& src = name == "persons"        ? raw.persons.source
                       : name == "partnerships" ? raw.partnerships.source
                       : name == "events"       ? raw.events.source
                                                : raw.contacts.source;
  FieldParser fp(log, src, &po);
  for (const auto& [row, rule, column, value, message] : rejects) {
    if (row >= src.line.size()) throw py::value_error(label + ": rejected row out of range");
    fp.record_error(row, column.c_str(), value, rule, message);
  }
}


}  // namespace

void register_dataset(py::module_& m) {
  py::class_<Dataset, std::shared_ptr<Dataset>>(m, "Dataset")
      .def_property_readonly("n_persons", [](const Dataset& d) { return d.persons.size(); })
      .def_property_readonly("n_events", [](const Dataset& d) { return d.events.size(); })
      .def_property_readonly("n_incidents", [](const Dataset& d) { return d.events.n_incidents(); })
      .def_property_readonly("n_added_parents", [](const Dataset& d) { return d.persons.n_added_parents; })
      .def("memory_bytes", &Dataset::memory_bytes)
      .def_property_readonly("kinds", [](const Dataset& d) { return d.kinds; })
      .def_property_readonly("sources", [](const Dataset& d) { return d.sources; })
      .def_property_readonly("warnings", [](const Dataset& d) { return issues_to_python(d.report.warnings); })
      .def_property_readonly("warning_counts", [](const Dataset& d) { return d.report.warning_counts; })
      .def_property_readonly("quarantine", [](const Dataset& d) { return quarantine_to_python(d.quarantine); })
      .def_property_readonly("quarantine_counts", [](const Dataset& d) { return d.quarantine_counts; })
      .def("index_of", [](const Dataset& d, py::array_t<std::int64_t> ids) {
        auto in = ids.unchecked<1>();
        py::array_t<std::int64_t> out(in.shape(0));
        auto o = out.mutable_unchecked<1>();
        for (py::ssize_t k = 0; k < in.shape(0); ++k) {
          const Index i = d.persons.index_of(in(k));
          o(k) = i == NONE ? -1 : static_cast<std::int64_t>(i);
        }
        return out;
      }, "Dense indices of external ids (-1 where unknown).")
      .def("persons_columns", [](const Dataset& d) -> Columns {
        const auto& P = d.persons;
        Columns c;
        c["person_id"] = to_array(P.id);
        c["sex"] = enum_array(P.sex);
        c["birth_day"] = to_array(P.birth);
        c["birth_precision"] = enum_array(P.birth_precision);
        c["exit_day"] = to_array(P.exit);
        c["exit_precision"] = enum_array(P.exit_precision);
        c["mother"] = to_array(P.mother);
        c["father"] = to_array(P.father);
        return c;
      })
      .def("partnerships_columns", [](const Dataset& d) -> Columns {
        const auto& T = d.partnerships;
        Columns c;
        c["a"] = to_array(T.a);
        c["b"] = to_array(T.b);
        c["start_day"] = to_array(T.start);
        c["start_precision"] = enum_array(T.start_precision);
        c["end_day"] = to_array(T.end);
        c["end_precision"] = enum_array(T.end_precision);
        return c;
      })
      .def("events_columns", [](const Dataset& d) -> Columns {
        const auto& E = d.events;
        Columns c;
        c["person"] = to_array(E.person);
        c["day"] = to_array(E.date);
        c["precision"] = enum_array(E.date_precision);
        c["role"] = enum_array(E.role);
        c["incident"] = to_array(E.incident);
        c["kind"] = to_array(E.kind);
        c["source"] = to_array(E.source);
        c["incident_id"] = to_array(E.incident_id);
        return c;
      })
      .def("contacts_columns", [](const Dataset& d) -> Columns {
        const auto& C = d.contacts;
        Columns c;
        c["person"] = to_array(C.person);
        c["source"] = to_array(C.source);
        c["kind"] = to_array(C.kind);
        c["start_day"] = to_array(C.start);
        c["start_precision"] = enum_array(C.start_precision);
        c["end_day"] = to_array(C.end);
        c["end_precision"] = enum_array(C.end_precision);
        return c;
      });

  m.def(
      "load_csv",
      [](const std::string& persons, std::optional<std::string> partnerships,
         std::optional<std::string> events, std::optional<std::string> contacts,
         const std::string& missing_parents, std::size_t max_errors, const std::string& on_error,
         int min_y, int max_y, const std::string& date_format, const std::string& sep,
         const std::string& encoding, const std::map<std::string, std::string>& columns) {
        const LoadOptions opt =
            load_options(missing_parents, max_errors, on_error, parse_options(min_y, max_y, date_format));
        io::CsvDialect dialect;
        if (!sep.empty()) {
          if (sep != "," && sep != ";" && sep != "\t" && sep != "|")
            throw py::value_error("sep='" + shown(sep) + "' (expected ',', ';', '\\t', '|' or None to detect it)");
          dialect.sep = sep[0];
        }
        dialect.encoding = io::parse_encoding(encoding);
        dialect.columns = columns;
        io::CsvPaths paths{persons, {}, {}, {}};
        if (partnerships) paths.partnerships = *partnerships;
        if (events) paths.events = *events;
        if (contacts) paths.contacts = *contacts;
        std::shared_ptr<Dataset> ds;
        {
          py::gil_scoped_release release;
          IssueLog log(opt.error_limit());
          auto raw = io::read_csv_tables(paths, log, opt.parse, dialect);
          ds = std::make_shared<Dataset>(build_dataset(std::move(raw), opt, log));
        }
        return ds;
      },
      py::arg("persons"), py::arg("partnerships") = py::none(), py::arg("events") = py::none(),
      py::arg("contacts") = py::none(), py::arg("missing_parents") = "strict",
      py::arg("max_errors") = 100, py::arg("on_error") = "raise", py::arg("min_year") = min_year,
      py::arg("max_year") = max_year, py::arg("date_format") = "ISO", py::arg("sep") = "",
      py::arg("encoding") = "utf-8",
      py::arg("columns") = std::map<std::string, std::string>{});

  m.def(
      "build_from_columns",
      [](const TablesArg& tables, const py::typing::Dict<py::str, py::str>& labels,
         const std::string& missing_parents, std::size_t max_errors, const std::string& on_error,
         int min_y, int max_y, const std::string& date_format, const RejectsArg& rejects) {
        const LoadOptions opt =
            load_options(missing_parents, max_errors, on_error, parse_options(min_y, max_y, date_format));
        IssueLog log(opt.error_limit());
        io::RawTables raw;
        for (const char* name : {"persons", "partnerships", "events", "contacts"}) {
          if (!tables.contains(name)) continue;
          Rejects rej;
          if (rejects.contains(name)) rej = rejects[name].cast<Rejects>();
          read_table(raw, name, tables[name].cast<py::dict>(), labels[name].cast<std::string>(), log,
                     opt.parse, rej);
        }
        std::shared_ptr<Dataset> ds;
        {
          py::gil_scoped_release release;
          ds = std::make_shared<Dataset>(build_dataset(std::move(raw), opt, log));
        }
        return ds;
      },
      py::arg("tables"), py::arg("labels"), py::arg("missing_parents") = "strict",
      py::arg("max_errors") = 100, py::arg("on_error") = "raise", py::arg("min_year") = min_year,
      py::arg("max_year") = max_year, py::arg("date_format") = "ISO",
      py::arg("rejects") = RejectsArg(),
      "Builds a dataset from column tuples prepared by famgraph._convert (internal).");

  m.def("format_dates", [](py::array_t<std::int32_t> days, py::array_t<std::uint8_t> precision) {
    auto d = days.unchecked<1>();
    auto p = precision.unchecked<1>();
    py::typing::List<py::typing::Optional<py::str>> out(d.shape(0));
    for (py::ssize_t k = 0; k < d.shape(0); ++k) {
      const Date x{d(k), static_cast<DatePrecision>(p(k))};
      if (x.known()) out[static_cast<std::size_t>(k)] = py::str(format_date(x));
      else out[static_cast<std::size_t>(k)] = py::none();
    }
    return out;
  }, "ISO text of dates at their own precision (None when missing).");

  m.def("parse_dates", [](const std::vector<std::string>& text) {
    py::array_t<std::int32_t> days(static_cast<py::ssize_t>(text.size()));
    py::array_t<std::uint8_t> prec(static_cast<py::ssize_t>(text.size()));
    auto d = days.mutable_unchecked<1>();
    auto p = prec.mutable_unchecked<1>();
    for (std::size_t k = 0; k < text.size(); ++k) {
      auto x = text[k].empty() ? std::optional<Date>(Date{}) : parse_date(text[k]);
      if (!x) throw py::value_error("'" + shown(text[k]) + "' is not a valid date (expected YYYY-MM-DD, YYYY-MM or YYYY)");
      d(static_cast<py::ssize_t>(k)) = x->day;
      p(static_cast<py::ssize_t>(k)) = static_cast<std::uint8_t>(x->precision);
    }
    return py::make_tuple(days, prec);
  }, "Day numbers and precisions of ISO date strings (empty = missing).");

  m.def(
      "date_bounds",
      [](const py::typing::List<Object>& values, int min_year_, int max_year_) {
        // One rule for dates in any text a user hands in (docs/spec/common_rules.md §dates): what
        // the loader accepts, with the first and last day of the period a partial date denotes.
        const auto n = static_cast<py::ssize_t>(values.size());
        py::array_t<bool> ok(n);
        py::array_t<std::int64_t> lo(n), hi(n), day(n);
        auto o = ok.mutable_unchecked<1>();
        auto l = lo.mutable_unchecked<1>();
        auto h = hi.mutable_unchecked<1>();
        auto d = day.mutable_unchecked<1>();
        for (py::ssize_t k = 0; k < n; ++k) {
          o(k) = false;
          l(k) = h(k) = d(k) = 0;
          const py::handle v = values[static_cast<std::size_t>(k)];
          if (!py::isinstance<py::str>(v)) continue;
          const std::string text = v.cast<std::string>();
          const auto b = text.find_first_not_of(" \t"), e = text.find_last_not_of(" \t");
          if (b == std::string::npos) continue;
          const auto x = parse_date(std::string_view(text).substr(b, e - b + 1), min_year_, max_year_);
          if (!x) continue;
          o(k) = true;
          l(k) = x->lo();
          h(k) = x->hi();
          d(k) = x->day;
        }
        return py::make_tuple(ok, lo, hi, day);
      },
      py::arg("values"), py::arg("min_year") = min_year, py::arg("max_year") = max_year,
      "(valid, first day, last day, imputed day) of each value: a str holding YYYY-MM-DD, YYYY-MM or YYYY "
      "(surrounding spaces and tabs ignored) with a year in [min_year, max_year]; anything else is not valid "
      "(days 0).");
  m.def(
      "date_status",
      [](const std::string& iso, int min_year_, int max_year_) -> std::string {
        if (!parse_date(iso, 0, max_year_limit)) return "invalid";
        return parse_date(iso, min_year_, max_year_) ? "valid" : "out_of_range";
      },
      py::arg("iso"), py::arg("min_year") = min_year, py::arg("max_year") = max_year,
      "'valid', 'out_of_range' (a calendar date with a year outside [min_year, max_year]) or 'invalid' "
      "(not YYYY, YYYY-MM or YYYY-MM-DD, or no such day).");
  m.def(
      "completed_years",
      [](py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> birth, Day at) {
        // Ages by the calendar rule every indicator uses (date.hpp age_in_years; 29 February
        // birthdays turn a year older on 28 February in non-leap years).
        const auto b = birth.unchecked<1>();
        py::array_t<std::int64_t> out(b.shape(0));
        auto o = out.mutable_unchecked<1>();
        for (py::ssize_t k = 0; k < b.shape(0); ++k) {
          const auto d = static_cast<Day>(b(k));
          if (d == NO_DAY || d > at)
            throw py::value_error("completed_years: birth day " + std::to_string(b(k)) +
                                  " is missing or after the day " + std::to_string(at) + " (expected born by then)");
          o(k) = age_in_years(d, at);
        }
        return out;
      },
      py::arg("birth"), py::arg("at"), "Completed years on day `at` of each birth day number (every birth known and <= at).");
  m.attr("MIN_YEAR") = min_year;
  m.attr("MAX_YEAR") = max_year;
  m.attr("MIN_YEAR_LIMIT") = min_year_limit;
  m.attr("MAX_YEAR_LIMIT") = max_year_limit;
}

}  // namespace famgraph::python
