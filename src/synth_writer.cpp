// Writing a synthetic population as CSV + truth.json, atomically (temporary folder + rename).
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "famgraph/synth/generator.hpp"

namespace famgraph::synth {

namespace {

class CsvOut {
 public:
  explicit CsvOut(const std::filesystem::path& path) : path_(path) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw std::runtime_error(path.string() + ": cannot write: " + std::strerror(errno));
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
      throw std::runtime_error(path_.string() + ": write failed: " + std::strerror(errno));
    }
    f_ = nullptr;
  }

 private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      throw std::runtime_error(path_.string() + ": write failed: " + std::strerror(errno));
    buf_.clear();
  }
  std::filesystem::path path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
};

void write_tables(const Population& pop, const std::filesystem::path& dir) {
  const auto& T = pop.tables;
  {
    CsvOut o(dir / "persons.csv");
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
    CsvOut o(dir / "partnerships.csv");
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
    CsvOut o(dir / "events.csv");
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
    CsvOut o(dir / "contacts.csv");
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
    CsvOut o(dir / "truth.json");
    o.text(truth_json(pop));
    o.close();
  }
}

}  // namespace

void write_csv(const Population& pop, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  if (fs::exists(dir) && !(fs::is_directory(dir) && fs::is_empty(dir)))
    throw std::runtime_error(dir.string() + ": already exists and is not an empty folder (refusing to overwrite)");
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  if (!fs::is_directory(parent)) throw std::runtime_error(parent.string() + ": no such folder");
  const fs::path tmp = parent / ("." + dir.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directory(tmp);
  try {
    write_tables(pop, tmp);
    if (fs::exists(dir)) fs::remove(dir);  // empty folder
    fs::rename(tmp, dir);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace famgraph::synth
