// Writing a synthetic population as CSV + truth.json, atomically (io::OutputFolder: a temporary
// folder renamed into place; see include/famgraph/io/files.hpp).
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "famgraph/data_error.hpp"
#include "famgraph/io/files.hpp"
#include "famgraph/synth/generator.hpp"

namespace famgraph::synth {

namespace {

class CsvOut {
 public:
  CsvOut(io::OutputFolder& dir, const std::string& name) : path_(dir.temporary() / name) {
    f_ = dir.create(name);
    buf_.reserve(1 << 20);
  }
  ~CsvOut() {
    if (f_) std::fclose(f_);
  }
  CsvOut(const CsvOut&) = delete;
  CsvOut& operator=(const CsvOut&) = delete;
  void text(std::string_view s) { buf_.append(s); }
  void id(PersonId v) {
    if (v == io::NO_ID) return;
    char tmp[24];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    (void)ec;
    buf_.append(tmp, p);
  }
  void date(Date d) {
    if (d.known()) buf_.append(format_date(d));
  }
  void sep() { buf_.push_back(','); }
  void end() {
    buf_.push_back('\n');
    if (buf_.size() > (1 << 20) - 256) flush();
  }
  void close() {
    flush();
    if (std::fclose(f_) != 0) {
      f_ = nullptr;
      throw io::FileError(errno, shown(path_.string(), 1000) + ": write failed: " + std::strerror(errno));
    }
    f_ = nullptr;
  }

 private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      throw io::FileError(errno, shown(path_.string(), 1000) + ": write failed: " + std::strerror(errno));
    buf_.clear();
  }
  std::filesystem::path path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
};

void write_tables(const Population& pop, io::OutputFolder& dir) {
  const auto& T = pop.tables;
  {
    CsvOut o(dir, "persons.csv");
    o.text("person_id,sex,birth_date,exit_date,mother_id,father_id\n");
    const auto& P = T.persons;
    for (std::size_t i = 0; i < P.size(); ++i) {
      o.id(P.id[i]);
      o.sep();
      o.text(to_string(P.sex[i]));
      o.sep();
      o.date(P.birth[i]);
      o.sep();
      o.date(P.exit[i]);
      o.sep();
      o.id(P.mother[i]);
      o.sep();
      o.id(P.father[i]);
      o.end();
    }
    o.close();
  }
  {
    CsvOut o(dir, "partnerships.csv");
    o.text("person_a,person_b,start_date,end_date\n");
    const auto& R = T.partnerships;
    for (std::size_t i = 0; i < R.size(); ++i) {
      o.id(R.a[i]);
      o.sep();
      o.id(R.b[i]);
      o.sep();
      o.date(R.start[i]);
      o.sep();
      o.date(R.end[i]);
      o.end();
    }
    o.close();
  }
  {
    CsvOut o(dir, "events.csv");
    o.text("incident_id,person_id,role,date,kind,source\n");
    const auto& E = T.events;
    for (std::size_t i = 0; i < E.size(); ++i) {
      o.id(E.incident[i]);
      o.sep();
      o.id(E.person[i]);
      o.sep();
      o.text(to_string(static_cast<Role>(E.role[i])));
      o.sep();
      o.date(E.date[i]);
      o.sep();
      o.text(T.kinds.values()[E.kind[i]]);
      o.sep();
      o.text(T.sources.values()[E.src[i]]);
      o.end();
    }
    o.close();
  }
  {
    CsvOut o(dir, "contacts.csv");
    o.text("person_id,source,start_date,end_date,kind\n");
    const auto& C = T.contacts;
    for (std::size_t i = 0; i < C.size(); ++i) {
      o.id(C.person[i]);
      o.sep();
      o.text(T.sources.values()[C.src[i]]);
      o.sep();
      o.date(C.start[i]);
      o.sep();
      o.date(C.end[i]);
      o.sep();
      o.text(T.kinds.values()[C.kind[i]]);
      o.end();
    }
    o.close();
  }
  {
    CsvOut o(dir, "truth.json");
    o.text(truth_json(pop));
    o.close();
  }
}

}  // namespace

void write_csv(const Population& pop, const std::filesystem::path& dir) {
  io::OutputFolder out(dir);  // checks the target; removes its temporary folder on any error
  write_tables(pop, out);
  out.commit();
}

}  // namespace famgraph::synth
