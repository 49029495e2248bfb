// famgraph_benchgen N SEED OUTDIR [--sparse-ids] [--sorted] [--event-scale X]
//
// Writes OUTDIR/persons.csv and OUTDIR/events.csv: a deterministic synthetic pedigree of exactly N
// persons (see pedigree_model.hpp), and prints a JSON summary (timings, sizes, structure) to stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "pedigree_model.hpp"

namespace {

int usage() {
  std::cerr << "usage: famgraph_benchgen N SEED OUTDIR [--sparse-ids] [--sorted] [--event-scale X]\n"
               "  N             number of persons (exact)\n"
               "  SEED          64-bit seed; the same N and SEED give byte-identical files\n"
               "  --sparse-ids  ids spread over 1e9 + [0, 2^48) (hashed pseudonyms) instead of a\n"
               "                shuffle of 1e9 + [0, 1.25 N)\n"
               "  --sorted      write persons.csv in id order (default: generation order)\n"
               "  --event-scale multiply all incident rates (default 1: ~0.3 event rows/person)\n";
  return 2;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace famgraph::bench;
  if (argc < 4) return usage();
  PedigreeParams prm;
  bool sorted = false;
  try {
    prm.persons = std::stoull(argv[1]);
    prm.seed = std::stoull(argv[2]);
  } catch (const std::exception&) {
    return usage();
  }
  const std::filesystem::path dir = argv[3];
  for (int a = 4; a < argc; ++a) {
    if (!std::strcmp(argv[a], "--sparse-ids")) prm.sparse_ids = true;
    else if (!std::strcmp(argv[a], "--sorted")) sorted = true;
    else if (!std::strcmp(argv[a], "--event-scale") && a + 1 < argc) prm.event_scale = std::atof(argv[++a]);
    else return usage();
  }
  if (prm.persons == 0 || prm.persons >= 0xFFFFFFF0ULL) {
    std::cerr << "famgraph_benchgen: N must be in 1 .. 2^32-16\n";
    return 2;
  }
  try {
    std::filesystem::create_directories(dir);
    const auto t0 = std::chrono::steady_clock::now();
    const Pedigree p = generate_pedigree(prm);
    const double t_gen = seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const std::size_t pb = write_persons_file(p, (dir / "persons.csv").string(), sorted);
    const std::size_t eb = write_events_file(p, (dir / "events.csv").string());
    const double t_write = seconds_since(t1);

    // Structure summary.
    std::size_t with_mother = 0, with_father = 0, unknown_father = 0, alive = 0, partial = 0;
    int max_pass = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      with_mother += p.mother[i] != famgraph::NONE;
      with_father += p.father[i] != famgraph::NONE;
      unknown_father += p.mother[i] != famgraph::NONE && p.father[i] == famgraph::NONE;
      alive += p.exit[i] == famgraph::NO_DAY;
      partial += p.birth_precision[i] != famgraph::DatePrecision::day;
      max_pass = std::max<int>(max_pass, p.pass[i]);
    }
    std::size_t incidents = 0;
    for (std::size_t k = 0; k < p.events.size(); ++k)
      incidents += k == 0 || p.events[k].incident != p.events[k - 1].incident;
    const int y0 = famgraph::civil_from_days(*std::min_element(p.birth.begin(), p.birth.end())).year;
    const int y1 = famgraph::civil_from_days(*std::max_element(p.birth.begin(), p.birth.end())).year;
    std::printf(
        "{\"persons\": %zu, \"seed\": %llu, \"sparse_ids\": %s, \"sorted\": %s, "
        "\"generate_s\": %.3f, \"write_s\": %.3f, \"total_s\": %.3f, "
        "\"persons_csv_bytes\": %zu, \"events_csv_bytes\": %zu, "
        "\"event_rows\": %zu, \"incidents\": %zu, \"event_rows_per_person\": %.4f, "
        "\"founders_pass0\": %zu, \"couples\": %zu, \"cousin_couples\": %zu, "
        "\"with_mother\": %zu, \"with_father\": %zu, \"unknown_father_share\": %.4f, "
        "\"still_observed\": %zu, \"partial_birth_dates\": %zu, \"max_pass\": %d, "
        "\"birth_years\": [%d, %d]}\n",
        p.size(), static_cast<unsigned long long>(prm.seed), prm.sparse_ids ? "true" : "false",
        sorted ? "true" : "false", t_gen, t_write, t_gen + t_write, pb, eb, p.events.size(), incidents,
        static_cast<double>(p.events.size()) / static_cast<double>(p.size()), p.n_founders_initial,
        p.couples.size(), p.n_cousin_couples, with_mother, with_father,
        with_mother ? static_cast<double>(unknown_father) / static_cast<double>(with_mother) : 0.0, alive,
        partial, max_pass, y0, y1);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "famgraph_benchgen: " << e.what() << "\n";
    return 1;
  }
}
