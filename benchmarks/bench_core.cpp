// famgraph_bench_core DATA_DIR [options]
//
// End-to-end measurements of the foundation on one dataset folder (persons.csv [+ events.csv]):
//   load        load_csv: wall/CPU time, peak RSS, resident bytes per person (Dataset::memory_bytes
//               and the RSS delta), throughput; plus a persons-only load split into parse / build
//   graph       FamilyGraph construction
//   inbreeding  KinshipCalculator construction (F of everyone) with threads=1 and threads=2
//   relations   relative_pairs enumeration time and count per relation
//   kinship     φ for N random related pairs (default 1,000,000; mix below), threads=1 and 2
// Prints one JSON object to stdout. Timings use std::chrono::steady_clock; memory comes from
// /proc/self/status (VmRSS, VmHWM; VmHWM is reset before each phase via /proc/self/clear_refs).
//
// Options:
//   --pairs N            kinship pairs (default 1000000; 0 skips the kinship phase)
//   --threads LIST       thread counts for inbreeding and kinship (default 1,2)
//   --no-inbreeding      skip the inbreeding phase (kinship then uses a threads=1 calculator anyway)
//   --no-relations       skip timing of the relations not needed for sampling
//   --no-persons-only    skip the persons-only diagnostic load
//   --seed S             pair-sampling seed (default 20240601)
//   --dump-pairs FILE K  write the first K sampled pairs (external ids, relation, φ) as CSV
//   --repeat R           repeat load, inbreeding and kinship R times; "wall_s" is the fastest run
//                        (every run is listed; the machine may be shared)
#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/kinship.hpp"
#include "famgraph/relations.hpp"
#include "bench_pairs.hpp"

namespace fg = famgraph;
using famgraph::bench::Json;
using famgraph::bench::Phase;

namespace {

template <class T>
std::size_t cap(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

std::size_t person_table_bytes(const fg::PersonTable& P) {
  return cap(P.id) + cap(P.sex) + cap(P.birth) + cap(P.exit) + cap(P.birth_precision) +
         cap(P.exit_precision) + cap(P.mother) + cap(P.father) + cap(P.child_offsets) +
         cap(P.children) + cap(P.partner_offsets) + cap(P.partners);
}
std::size_t event_table_bytes(const fg::EventTable& E) {
  return cap(E.person) + cap(E.date) + cap(E.date_precision) + cap(E.role) + cap(E.incident) +
         cap(E.kind) + cap(E.source) + cap(E.person_offsets) + cap(E.incident_id) +
         cap(E.incident_offsets) + cap(E.incident_rows);
}
std::size_t contact_table_bytes(const fg::ContactTable& C) {
  return cap(C.person) + cap(C.source) + cap(C.kind) + cap(C.start) + cap(C.end) +
         cap(C.start_precision) + cap(C.end_precision) + cap(C.person_offsets);
}

std::size_t file_size_or_0(const std::filesystem::path& p) {
  std::error_code ec;
  auto s = std::filesystem::file_size(p, ec);
  return ec ? 0 : static_cast<std::size_t>(s);
}

// Expected φ of a relation in a non-inbred pedigree (for the sanity check in the output).
double expected_phi(const std::string& r) {
  if (r == "parent" || r == "full_sibling") return 0.25;
  if (r == "half_sibling" || r == "grandparent" || r == "aunt_uncle") return 0.125;
  if (r == "first_cousin") return 0.0625;
  return 0.0;
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

/// Min / all runs of a repeated phase.
struct Runs {
  std::vector<double> wall, cpu;
  void add(const Phase& p) {
    wall.push_back(p.wall);
    cpu.push_back(p.cpu);
  }
  void write(Json& j) const {
    j.fixed("wall_s", *std::min_element(wall.begin(), wall.end()), 4);
    j.fixed("cpu_s", *std::min_element(cpu.begin(), cpu.end()), 4);
    std::string w = "[", c = "[";
    for (std::size_t k = 0; k < wall.size(); ++k) {
      char b[32];
      std::snprintf(b, sizeof b, "%s%.4f", k ? ", " : "", wall[k]);
      w += b;
      std::snprintf(b, sizeof b, "%s%.4f", k ? ", " : "", cpu[k]);
      c += b;
    }
    j.raw("wall_s_runs", w + "]").raw("cpu_s_runs", c + "]");
  }
};


}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: famgraph_bench_core DATA_DIR [--pairs N] [--threads 1,2] [--no-inbreeding]\n"
                 "       [--no-relations] [--no-persons-only] [--seed S] [--dump-pairs FILE K]\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::size_t n_pairs = 1'000'000;
  std::vector<int> threads{1, 2};
  bool do_inbreeding = true, all_relations = true, persons_only = true;
  std::uint64_t seed = 20240601;
  std::string dump_file;
  std::size_t dump_k = 0;
  int repeat = 1;
  for (int a = 2; a < argc; ++a) {
    const std::string o = argv[a];
    if (o == "--pairs" && a + 1 < argc) n_pairs = std::stoull(argv[++a]);
    else if (o == "--threads" && a + 1 < argc) {
      threads.clear();
      std::stringstream ss(argv[++a]);
      std::string t;
      while (std::getline(ss, t, ',')) threads.push_back(std::stoi(t));
    } else if (o == "--no-inbreeding") do_inbreeding = false;
    else if (o == "--no-relations") all_relations = false;
    else if (o == "--no-persons-only") persons_only = false;
    else if (o == "--seed" && a + 1 < argc) seed = std::stoull(argv[++a]);
    else if (o == "--repeat" && a + 1 < argc) repeat = std::max(1, std::stoi(argv[++a]));
    else if (o == "--dump-pairs" && a + 2 < argc) {
      dump_file = argv[++a];
      dump_k = std::stoull(argv[++a]);
    } else {
      std::cerr << "famgraph_bench_core: unknown option " << o << "\n";
      return 2;
    }
  }
  if (threads.empty()) threads = {1};

  Json out;
  out.str("data_dir", dir.string());
  out.str("loadavg_start", loadavg());
  out.integer("repeat", repeat);
  const std::size_t persons_bytes = file_size_or_0(dir / "persons.csv");
  const std::size_t events_bytes = file_size_or_0(dir / "events.csv");
  out.integer("persons_csv_bytes", static_cast<long long>(persons_bytes));
  out.integer("events_csv_bytes", static_cast<long long>(events_bytes));
#ifdef __VERSION__
  out.str("compiler", std::string(
#if defined(__clang__)
                          "clang "
#elif defined(__GNUC__)
                          "gcc "
#endif
                          __VERSION__));
#endif
#ifdef FAMGRAPH_BENCH_FLAGS
  out.str("cxx_flags", FAMGRAPH_BENCH_FLAGS);
#endif

  try {
    // ---- (a0) persons-only load, split into CSV parsing and validation/build (diagnostic).
    if (persons_only) {
      Json j;
      fg::io::CsvPaths paths;
      paths.persons = dir / "persons.csv";
      Phase parse, build;
      std::size_t n = 0;
      {
        fg::IssueLog log;
        parse.start();
        fg::io::RawTables raw = fg::io::read_csv_tables(paths, log);
        parse.stop();
        build.start();
        fg::Dataset ds = fg::build_dataset(std::move(raw), {}, log);
        build.stop();
        n = ds.persons.size();
      }
      malloc_trim(0);
      j.integer("persons", static_cast<long long>(n));
      j.phase("parse", parse).phase("build", build);
      j.fixed("total_s", parse.wall + build.wall, 4);
      j.num("parse_mb_per_s", static_cast<double>(persons_bytes) / 1e6 / parse.wall);
      j.num("raw_rows_bytes_per_person",
            (static_cast<double>(parse.after.rss) - static_cast<double>(parse.before.rss)) /
                static_cast<double>(std::max<std::size_t>(n, 1)));
      out.obj("load_persons_only", j);
    }

    // ---- (a) load_csv of the whole folder.
    Phase load;
    Runs load_runs;
    fg::Dataset ds;
    for (int r = 0; r < repeat; ++r) {
      if (r > 0) {
        ds = fg::Dataset{};
        malloc_trim(0);
      }
      load.start();
      ds = fg::load_csv(dir);
      load.stop();
      load_runs.add(load);
    }
    const auto rss_loaded = fg::bench::mem_status().rss;
    malloc_trim(0);
    const auto rss_trimmed = fg::bench::mem_status().rss;
    const fg::PersonTable& P = ds.persons;
    const std::size_t n = P.size();
    const double dn = static_cast<double>(std::max<std::size_t>(n, 1));
    out.integer("persons", static_cast<long long>(n));
    out.integer("event_rows", static_cast<long long>(ds.events.size()));
    out.integer("incidents", static_cast<long long>(ds.events.n_incidents()));
    {
      Json j;
      j.phase("time", load);
      load_runs.write(j);
      j.num("mb_per_s", static_cast<double>(persons_bytes + events_bytes) / 1e6 /
                            *std::min_element(load_runs.wall.begin(), load_runs.wall.end()));
      j.integer("peak_rss_bytes", static_cast<long long>(load.after.hwm));
      j.num("peak_rss_bytes_per_person", static_cast<double>(load.after.hwm) / dn);
      const std::size_t mb = ds.memory_bytes();
      j.integer("memory_bytes", static_cast<long long>(mb));
      j.num("memory_bytes_per_person", static_cast<double>(mb) / dn);
      const std::size_t pb = person_table_bytes(P), eb = event_table_bytes(ds.events),
                        cb = contact_table_bytes(ds.contacts);
      j.num("person_table_bytes_per_person", static_cast<double>(pb) / dn);
      j.num("event_table_bytes_per_event_row",
            ds.events.size() ? static_cast<double>(eb) / static_cast<double>(ds.events.size()) : 0.0);
      j.num("event_table_bytes_per_person", static_cast<double>(eb) / dn);
      j.num("contact_table_bytes_per_person", static_cast<double>(cb) / dn);
      // The per-person part of the event/contact tables (offset arrays) is charged to persons by
      // the budget of docs/spec/data_contract.md §memory-budget only if one reads it that way; report both.
      j.num("rss_delta_bytes_per_person", (static_cast<double>(rss_loaded) - static_cast<double>(load.before.rss)) / dn);
      j.num("rss_delta_after_malloc_trim_bytes_per_person",
            (static_cast<double>(rss_trimmed) - static_cast<double>(load.before.rss)) / dn);
      out.obj("load", j);
    }

    // ---- (b) FamilyGraph.
    Phase gp;
    gp.start();
    const fg::FamilyGraph g(P);
    gp.stop();
    {
      Json j;
      j.phase("time", gp);
      j.fixed("wall_s", gp.wall, 4);
      const double gb = static_cast<double>(g.generation().size() * 4 + g.topological_order().size() * 4 +
                                            g.topological_rank().size() * 4 + g.component().size() * 4);
      j.num("bytes_per_person", gb / dn);
      j.integer("max_generation", g.max_generation());
      j.integer("components", static_cast<long long>(g.n_components()));
      std::vector<std::size_t> comp_size(g.n_components(), 0);
      for (auto c : g.component()) ++comp_size[c];
      j.integer("largest_component", static_cast<long long>(comp_size.empty() ? 0 : *std::max_element(comp_size.begin(), comp_size.end())));
      std::vector<std::size_t> per_gen(static_cast<std::size_t>(g.max_generation()) + 1, 0);
      for (auto x : g.generation()) ++per_gen[x];
      std::string s = "[";
      for (std::size_t k = 0; k < per_gen.size(); ++k) s += (k ? ", " : "") + std::to_string(per_gen[k]);
      j.raw("persons_per_generation", s + "]");
      out.obj("graph", j);
    }

    // ---- (c) inbreeding of everyone.
    std::map<int, std::unique_ptr<fg::KinshipCalculator>> calc;
    {
      Json j;
      std::vector<double> F_ref;
      bool identical = true;
      // Without the inbreeding phase, one calculator is still built when kinship pairs are asked for.
      const std::vector<int> build_for = do_inbreeding ? threads
                                         : n_pairs > 0 ? std::vector<int>{threads.front()}
                                                       : std::vector<int>{};
      for (int t : build_for) {
        calc.erase(t);
        Phase p;
        Runs runs;
        std::unique_ptr<fg::KinshipCalculator> k;
        for (int r = 0; r < (do_inbreeding ? repeat : 1); ++r) {
          k.reset();
          p.start();
          k = std::make_unique<fg::KinshipCalculator>(g, fg::KinshipOptions{t});
          p.stop();
          runs.add(p);
        }
        if (do_inbreeding) {
          Json q;
          q.phase("last_run", p);
          runs.write(q);
          j.obj("threads_" + std::to_string(t), q);
        }
        auto F = k->inbreeding();
        if (F_ref.empty()) F_ref.assign(F.begin(), F.end());
        else identical = identical && std::equal(F.begin(), F.end(), F_ref.begin());
        calc[t] = std::move(k);
      }
      if (do_inbreeding) {
        std::size_t inbred = 0, couples = 0;
        double sum = 0, mx = 0;
        for (double f : F_ref) {
          inbred += f > 0;
          sum += f;
          mx = std::max(mx, f);
        }
        for (std::size_t i = 0; i < n; ++i) couples += P.mother[i] != fg::NONE && P.father[i] != fg::NONE;
        j.integer("persons_with_both_parents", static_cast<long long>(couples));
        j.integer("inbred_persons", static_cast<long long>(inbred));
        j.num("mean_F", sum / dn);
        j.num("max_F", mx);
        j.boolean("identical_across_threads", identical);
        out.obj("inbreeding", j);
      }
    }

    // ---- (e) relations: enumeration time and count; keep those needed for the kinship sample.
    const auto& sample_rel = fg::bench::sampled_relations();
    std::map<fg::Relation, std::vector<std::pair<fg::Index, fg::Index>>> kept;
    if (all_relations || n_pairs > 0) {
      Json j;
      for (auto r : fg::all_relations) {
        const bool need = n_pairs > 0 && std::find(sample_rel.begin(), sample_rel.end(), r) != sample_rel.end();
        if (!all_relations && !need) continue;
        Phase p;
        p.start();
        auto pairs = fg::relative_pairs(P, r);
        p.stop();
        Json q;
        q.fixed("wall_s", p.wall, 4).integer("pairs", static_cast<long long>(pairs.size()));
        q.num("ns_per_person", p.wall * 1e9 / dn);
        q.integer("peak_rss_bytes", static_cast<long long>(p.after.hwm));
        j.obj(std::string(fg::to_string(r)), q);
        if (need) kept[r] = std::move(pairs);
      }
      out.obj("relations", j);
    }

    // ---- (d) kinship of random related pairs.
    if (n_pairs > 0) {
      const auto s = fg::bench::sample_pairs(P, kept, n_pairs, seed);
      kept.clear();
      Json mixj;
      for (std::size_t gi = 0; gi < s.groups.size(); ++gi)
        mixj.integer(s.groups[gi], static_cast<long long>(s.per_group[gi]));
      Json j;
      j.integer("n_pairs", static_cast<long long>(s.a.size()));
      j.obj("mix", mixj);
      std::vector<double> ref;
      bool identical = true;
      for (int t : threads) {
        auto it = calc.find(t);
        if (it == calc.end()) it = calc.emplace(t, std::make_unique<fg::KinshipCalculator>(g, fg::KinshipOptions{t})).first;
        const auto& k = *it->second;
        // The first call also allocates the per-thread scratch (8 bytes per person per thread).
        Phase cold, warm;
        Runs runs;
        cold.start();
        auto phi = k.kinship(s.a, s.b);
        cold.stop();
        runs.add(cold);
        for (int r = 0; r < std::max(repeat, 2) - 1; ++r) {
          warm.start();
          auto phi2 = k.kinship(s.a, s.b);
          warm.stop();
          runs.add(warm);
          identical = identical && phi == phi2;
        }
        if (ref.empty()) ref = phi;
        else identical = identical && phi == ref;
        Json q;
        q.phase("first_call", cold).phase("last_call", warm);
        runs.write(q);
        q.num("ns_per_pair", *std::min_element(runs.wall.begin(), runs.wall.end()) * 1e9 /
                                 static_cast<double>(std::max<std::size_t>(s.a.size(), 1)));
        j.obj("threads_" + std::to_string(t), q);
      }
      j.boolean("identical_across_threads_and_calls", identical);
      // Sanity: mean φ per relation against the classic values (inbreeding raises them slightly).
      Json means;
      std::vector<double> sum(s.groups.size(), 0.0);
      std::vector<std::size_t> cnt(s.groups.size(), 0);
      for (std::size_t k = 0; k < ref.size(); ++k) {
        sum[s.group[k]] += ref[k];
        ++cnt[s.group[k]];
      }
      for (std::size_t gi = 0; gi < s.groups.size(); ++gi) {
        Json m;
        m.num("mean_phi", cnt[gi] ? sum[gi] / static_cast<double>(cnt[gi]) : 0.0);
        m.num("classic_phi", expected_phi(s.groups[gi]));
        means.obj(s.groups[gi], m);
      }
      j.obj("mean_phi_by_relation", means);
      j.str("mean_phi_note",
            "classic_phi is the value for a non-inbred pedigree; aunt_uncle includes half aunts/uncles "
            "(1/16), so its mean lies between 1/16 and 1/8; random parent pairs are mostly unrelated");
      // Single-pair API (thread-local scratch table): latency over the first 100,000 pairs.
      {
        const auto& k = *calc.begin()->second;
        const std::size_t m = std::min<std::size_t>(100'000, s.a.size());
        double acc = 0;
        const double t0 = fg::bench::now_s();
        for (std::size_t q = 0; q < m; ++q) acc += k.kinship(s.a[q], s.b[q]);
        const double dt = fg::bench::now_s() - t0;
        j.num("single_pair_api_ns_per_pair", m ? dt * 1e9 / static_cast<double>(m) : 0.0);
        j.num("single_pair_api_checksum", acc);
      }
      out.obj("kinship_pairs", j);
      if (!dump_file.empty()) {
        std::ofstream f(dump_file);
        f << "id_a,id_b,relation,phi\n";
        f.precision(17);
        for (std::size_t q = 0; q < std::min(dump_k, s.a.size()); ++q)
          f << P.id[s.a[q]] << ',' << P.id[s.b[q]] << ',' << s.groups[s.group[q]] << ',' << ref[q] << '\n';
      }
    }

    // ---- A·x (Colleau) for reference: the kernel behind GIF/FIR.
    if (!calc.empty()) {
      const auto& k = *calc.begin()->second;
      std::vector<double> x(n, 0.0);
      for (std::size_t i = 0; i < n; i += 7) x[i] = 1.0;
      const double t0 = fg::bench::now_s();
      auto y = k.relationship_times(x);
      Json j;
      j.fixed("wall_s", fg::bench::now_s() - t0, 4);
      j.num("checksum", std::accumulate(y.begin(), y.end(), 0.0));
      out.obj("relationship_times", j);
    }
    out.integer("final_rss_bytes", static_cast<long long>(fg::bench::mem_status().rss));
    out.str("loadavg_end", loadavg());
  } catch (const std::exception& e) {
    out.str("error", e.what());
    std::cout << out.dump() << std::endl;
    return 1;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
