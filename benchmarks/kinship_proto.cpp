// famgraph_kinship_proto DATA_DIR [--pairs N] [--seed S]
//
// A prototype of the kinship kernel proposed in benchmarks/README.md ("Hot spots"), to put a number
// on the proposed fix. NOT part of the library. It computes the same quantities as
// famgraph::KinshipCalculator — a_ij = Σ_k T_ik·T_jk·D_k over common ancestors, F(i) = ½·a(m, f) —
// with three changes to the memory access pattern of a query:
//   1. persons are relabelled by topological rank and their parents stored as ranks in one packed
//      array, so a visited ancestor costs one load for both parents (and no rank[] lookup);
//   2. the per-query coefficients live in a small open-addressing table that stays in L1/L2,
//      instead of a dense n-sized array (8 bytes per person per thread, a cache miss per touch);
//   3. both rows are walked together in one max-heap pass (common ancestors popped once), and the
//      walk stops as soon as one side has no open entries left.
// The summation order is the library's (decreasing rank), so results are bitwise identical; the
// program checks that and prints one JSON object: library vs prototype times for the inbreeding of
// everyone (one thread) and for the kinship of the benchmark's pair sample (1 and 2 threads).
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iostream>
#include <map>
#include <vector>

#include "bench_common.hpp"
#include "bench_pairs.hpp"
#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/kinship.hpp"

namespace fg = famgraph;
using fg::Index;
using fg::NONE;

namespace {

class ProtoKinship {
 public:
  struct Scratch {
    std::vector<Index> key;  // rank, NONE = empty slot
    std::vector<double> ci, cj;
    std::vector<Index> used;  // occupied slots, to clear
    std::vector<Index> heap;  // ranks, max-heap
    unsigned shift = 0;
    Scratch() { resize(10); }
    void resize(unsigned log2cap) {
      key.assign(std::size_t{1} << log2cap, NONE);
      ci.assign(key.size(), 0.0);
      cj.assign(key.size(), 0.0);
      shift = 32 - log2cap;
      used.clear();
    }
    std::size_t slot(Index k) const noexcept {
      std::size_t h = static_cast<std::uint32_t>(k * 0x9E3779B1u) >> shift;
      const std::size_t mask = key.size() - 1;
      while (key[h] != NONE && key[h] != k) h = (h + 1) & mask;
      return h;
    }
    void clear() {
      for (Index s : used) {
        key[s] = NONE;
        ci[s] = cj[s] = 0.0;
      }
      used.clear();
      heap.clear();
    }
    void grow() {
      // Rehash into a table twice the size (rare: only for very deep or wide ancestries).
      std::vector<std::tuple<Index, double, double>> items;
      for (Index s : used) items.emplace_back(key[s], ci[s], cj[s]);
      resize(33 - shift);
      for (auto [k, a, b] : items) {
        const auto h = slot(k);
        key[h] = k;
        ci[h] = a;
        cj[h] = b;
        used.push_back(static_cast<Index>(h));
      }
    }
  };

  /// `locality`: instead of FamilyGraph's topological order (generation, then index = id order,
  /// which scatters a family over the whole array), number persons generation by generation sorted
  /// by their parents' new numbers, so siblings are adjacent and relatives are close in memory.
  ProtoKinship(const fg::FamilyGraph& g, bool locality) : g_(g) {
    const auto& P = g.persons();
    const std::size_t n = P.size();
    const auto gen = g.generation();
    topo_.assign(g.topological_order().begin(), g.topological_order().end());
    if (locality) {
      // Two passes: founders first keyed by index, then by the new number of their first child.
      std::vector<Index> nr(n);
      std::vector<std::pair<std::uint64_t, Index>> keyed;
      for (int pass = 0; pass < 2; ++pass) {
        // topo_ groups persons by generation; sort each generation by key, numbering as we go.
        std::size_t b = 0;
        while (b < n) {
          std::size_t e = b;
          while (e < n && gen[topo_[e]] == gen[topo_[b]]) ++e;
          keyed.clear();
          for (std::size_t q = b; q < e; ++q) {
            const Index i = topo_[q];
            std::uint64_t k;
            if (gen[i] == 0) {
              k = i;
              if (pass == 1) {
                k = UINT64_MAX;
                for (Index c : P.children_of(i)) k = std::min<std::uint64_t>(k, nr[c]);
              }
            } else {
              const std::uint64_t m = P.mother[i] == NONE ? 0xFFFFFFFFu : nr[P.mother[i]];
              const std::uint64_t f = P.father[i] == NONE ? 0xFFFFFFFFu : nr[P.father[i]];
              k = (std::min(m, f) << 32) | std::max(m, f);
            }
            keyed.emplace_back(k, i);
          }
          std::sort(keyed.begin(), keyed.end());
          for (std::size_t q = b; q < e; ++q) {
            topo_[q] = keyed[q - b].second;
            nr[topo_[q]] = static_cast<Index>(q);
          }
          b = e;
        }
      }
    }
    rank_.resize(n);
    for (std::size_t q = 0; q < n; ++q) rank_[topo_[q]] = static_cast<Index>(q);
    node_.resize(n);
    for (std::size_t q = 0; q < n; ++q) {
      const Index i = topo_[q];
      node_[q] = {P.mother[i] == NONE ? NONE : rank_[P.mother[i]], P.father[i] == NONE ? NONE : rank_[P.father[i]], 1.0};
    }
    F_.assign(n, 0.0);
  }

  /// F of everyone, one thread (parents precede children in rank order, so D of every ancestor of
  /// a person is final when the person is reached).
  void inbreeding() {
    const auto& P = g_.persons();
    Scratch s;
    for (std::size_t q = 0; q < node_.size(); ++q) {
      const Index i = topo_[q];
      const Index m = node_[q].m, f = node_[q].f;
      if (m != NONE && f != NONE) {
        // Full siblings share F: reuse the lowest-index child of the couple (as the library does).
        Index rep = i;
        for (Index c : P.children_of(P.mother[i]))
          if (P.mother[c] == P.mother[i] && P.father[c] == P.father[i]) {
            rep = c;
            break;
          }
        F_[q] = rep != i ? F_[rank_[rep]] : 0.5 * a(m, f, s);
        node_[q].D = 0.5 - 0.25 * (F_[m] + F_[f]);
      } else if (m != NONE) {
        node_[q].D = 0.75 - 0.25 * F_[m];
      } else if (f != NONE) {
        node_[q].D = 0.75 - 0.25 * F_[f];
      }
    }
  }

  [[nodiscard]] double F_of(Index i) const { return F_[rank_[i]]; }

  double kinship(Index i, Index j, Scratch& s) const {
    if (i == j) return 0.5 * (1.0 + F_[rank_[i]]);
    return 0.5 * a(rank_[i], rank_[j], s);
  }

  std::vector<double> kinship(const std::vector<Index>& a, const std::vector<Index>& b, int threads) const {
    std::vector<double> out(a.size());
    tbb::task_arena arena(threads);
    tbb::enumerable_thread_specific<Scratch> local;
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, a.size(), 1024), [&](const auto& r) {
        auto& s = local.local();
        for (std::size_t k = r.begin(); k < r.end(); ++k) out[k] = kinship(a[k], b[k], s);
      });
    });
    return out;
  }

 private:
  // a_ij for ranks ri != rj.
  double a(Index ri, Index rj, Scratch& s) const {
    auto touch = [&](Index k) -> std::size_t {
      auto h = s.slot(k);
      if (s.key[h] == NONE) {
        if (2 * (s.used.size() + 1) > s.key.size()) {
          s.grow();
          h = s.slot(k);
        }
        s.key[h] = k;
        s.used.push_back(static_cast<Index>(h));
        s.heap.push_back(k);
        std::push_heap(s.heap.begin(), s.heap.end());
      }
      return h;
    };
    s.ci[touch(ri)] = 1.0;
    s.cj[touch(rj)] = 1.0;
    std::size_t open_i = 1, open_j = 1;  // heap entries with a non-zero i / j coefficient
    double sum = 0.0;
    while (!s.heap.empty() && open_i > 0 && open_j > 0) {
      std::pop_heap(s.heap.begin(), s.heap.end());
      const Index k = s.heap.back();
      s.heap.pop_back();
      const auto h = s.slot(k);
      const double c1 = s.ci[h], c2 = s.cj[h];
      open_i -= c1 != 0.0;
      open_j -= c2 != 0.0;
      const Node& nd = node_[k];
      if (c1 != 0.0 && c2 != 0.0) sum += c1 * c2 * nd.D;
      for (Index p : {nd.m, nd.f}) {
        if (p == NONE) continue;
        const auto hp = touch(p);
        if (c1 != 0.0) {
          open_i += s.ci[hp] == 0.0;
          s.ci[hp] += 0.5 * c1;
        }
        if (c2 != 0.0) {
          open_j += s.cj[hp] == 0.0;
          s.cj[hp] += 0.5 * c2;
        }
      }
    }
    s.clear();
    return sum;
  }

  struct Node {
    Index m, f;  // parents' numbers
    double D;    // Mendelian sampling variance
  };
  const fg::FamilyGraph& g_;
  std::vector<Index> topo_, rank_;  // number -> person, person -> number
  std::vector<Node> node_;          // by number: parents and D in one 16-byte record
  std::vector<double> F_;           // by number
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: famgraph_kinship_proto DATA_DIR [--pairs N] [--seed S]\n";
    return 2;
  }
  std::size_t n_pairs = 1'000'000;
  std::uint64_t seed = 20240601;
  for (int a = 2; a + 1 < argc; a += 2) {
    const std::string o = argv[a];
    if (o == "--pairs") n_pairs = std::stoull(argv[a + 1]);
    else if (o == "--seed") seed = std::stoull(argv[a + 1]);
  }
  fg::bench::Json out;
  try {
    const double t0 = fg::bench::now_s();
    const fg::Dataset ds = fg::load_csv(argv[1]);
    const fg::FamilyGraph g(ds.persons);
    out.integer("persons", static_cast<long long>(ds.persons.size()));
    out.fixed("load_and_graph_s", fg::bench::now_s() - t0, 3);

    // Library: inbreeding (one thread) and the pair sample (same seed and mix as bench_core).
    double t = fg::bench::now_s(), c = fg::bench::cpu_s();
    fg::KinshipCalculator lib(g, fg::KinshipOptions{1});
    const double lib_inb = fg::bench::now_s() - t, lib_inb_cpu = fg::bench::cpu_s() - c;
    std::map<fg::Relation, std::vector<std::pair<Index, Index>>> by_rel;
    for (auto r : fg::bench::sampled_relations()) by_rel[r] = fg::relative_pairs(ds.persons, r);
    const auto s = fg::bench::sample_pairs(ds.persons, by_rel, n_pairs, seed);
    by_rel.clear();
    out.integer("pairs", static_cast<long long>(s.a.size()));
    fg::bench::Json libj;
    libj.fixed("inbreeding_threads_1_s", lib_inb, 3).fixed("inbreeding_threads_1_cpu_s", lib_inb_cpu, 3);
    std::vector<double> ref;
    for (int threads : {1, 2}) {
      fg::KinshipCalculator libt(g, fg::KinshipOptions{threads});
      (void)libt.kinship(std::span<const Index>(s.a.data(), 1000), std::span<const Index>(s.b.data(), 1000));  // warm the scratch pool
      t = fg::bench::now_s();
      c = fg::bench::cpu_s();
      ref = libt.kinship(s.a, s.b);
      libj.fixed("kinship_threads_" + std::to_string(threads) + "_s", fg::bench::now_s() - t, 3);
      libj.fixed("kinship_threads_" + std::to_string(threads) + "_cpu_s", fg::bench::cpu_s() - c, 3);
    }
    out.obj("library", libj);

    for (bool locality : {false, true}) {
      fg::bench::Json pj;
      t = fg::bench::now_s();
      c = fg::bench::cpu_s();
      ProtoKinship proto(g, locality);
      pj.fixed("setup_s", fg::bench::now_s() - t, 3);
      t = fg::bench::now_s();
      c = fg::bench::cpu_s();
      proto.inbreeding();
      pj.fixed("inbreeding_threads_1_s", fg::bench::now_s() - t, 3);
      pj.fixed("inbreeding_threads_1_cpu_s", fg::bench::cpu_s() - c, 3);
      std::size_t f_diff = 0;
      double f_max = 0;
      for (Index i = 0; i < ds.persons.size(); ++i) {
        f_diff += lib.inbreeding()[i] != proto.F_of(i);
        f_max = std::max(f_max, std::abs(lib.inbreeding()[i] - proto.F_of(i)));
      }
      pj.integer("persons_with_bitwise_different_F", static_cast<long long>(f_diff));
      pj.num("max_abs_diff_F", f_max);
      for (int threads : {1, 2}) {
        t = fg::bench::now_s();
        c = fg::bench::cpu_s();
        const auto got = proto.kinship(s.a, s.b, threads);
        pj.fixed("kinship_threads_" + std::to_string(threads) + "_s", fg::bench::now_s() - t, 3);
        pj.fixed("kinship_threads_" + std::to_string(threads) + "_cpu_s", fg::bench::cpu_s() - c, 3);
        std::size_t diff = 0;
        double mx = 0;
        for (std::size_t k = 0; k < ref.size(); ++k) {
          diff += ref[k] != got[k];
          mx = std::max(mx, std::abs(ref[k] - got[k]));
        }
        if (threads == 1) {
          pj.integer("pairs_with_bitwise_different_phi", static_cast<long long>(diff));
          pj.num("max_abs_diff_phi", mx);
        }
      }
      out.obj(locality ? "prototype_packed_family_order" : "prototype_packed_topological_order", pj);
    }
    out.str("loadavg_end", [] {
      std::ifstream f("/proc/loadavg");
      std::string a, b, c;
      f >> a >> b >> c;
      return a + " " + b + " " + c;
    }());
  } catch (const std::exception& e) {
    out.str("error", e.what());
    std::cout << out.dump() << std::endl;
    return 1;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
