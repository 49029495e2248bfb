// Counting relatives by aggregation (relative_counts.hpp).
//
// Notation. par(i): the distinct recorded parents of i (0, 1 or 2 persons). C_p: the children of p.
// GP(i): the distinct grandparents, ∪ par(p) over p ∈ par(i) (at most 4). σ(p): the sibship of p,
// defined when p has two recorded parents — the set S_σ of persons with exactly that parent pair.
// W(X) = Σ_{x∈X} w(x) for one flag w (every flag is counted the same way, side by side). Because a
// person has at most two parents, C_g ∩ C_h = S(g, h) for g ≠ h (the sibship of that couple, empty
// if they have no common child) and three distinct children sets never share a member.
//
// The relations, as relatives() defines them (relations.cpp):
//   full_sibling(i) = S_σ(i) \ {i}
//   half_sibling(i) = (C_m ∪ C_f) \ S_σ(i)                       (two parents m, f)
//                   = C_p \ {i}                                 (one parent p)
//   aunt_uncle(i)   = ∪_{p∈par(i)} ((∪_{g∈par(p)} C_g) \ {p})  \ {i}
//   niece_nephew(i) = { x ≠ i : par(x) ∩ (V \ {i}) ≠ ∅ },  V = ∪_{g∈par(i)} C_g
//   first_cousin(i) = { x ≠ i : ∃ p ∈ par(i), s ∈ par(x): s ≠ p, σ(s) = σ(p) defined }
// and parent, child, grandparent, grandchild, partner. The sums below are exact (each relative
// once): they are inclusion–exclusion over the groups a relative can come from, and every
// correction term is a set that can be named and summed in O(1).
#include "famgraph/relative_counts.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "counting_sort.hpp"

namespace famgraph {

namespace {

/// The distinct recorded parents of a person.
struct Parents {
  std::array<Index, 2> p{NONE, NONE};
  int k = 0;
  [[nodiscard]] bool has(Index x) const noexcept { return x != NONE && (p[0] == x || p[1] == x); }
  [[nodiscard]] bool meets(const Parents& o) const noexcept {
    for (int a = 0; a < k; ++a)
      if (o.has(p[a])) return true;
    return false;
  }
};

inline Parents parents_of(const PersonTable& P, Index i) noexcept {
  Parents r;
  if (P.mother[i] != NONE) r.p[r.k++] = P.mother[i];
  if (P.father[i] != NONE && P.father[i] != P.mother[i]) r.p[r.k++] = P.father[i];
  return r;
}

/// A small set of distinct persons (the grandparents of a person: at most 4).
struct Small {
  std::array<Index, 4> v{};
  int k = 0;
  void add(Index x) noexcept {
    if (x == NONE) return;
    for (int a = 0; a < k; ++a)
      if (v[a] == x) return;
    v[k++] = x;
  }
  [[nodiscard]] bool has(Index x) const noexcept {
    for (int a = 0; a < k; ++a)
      if (v[a] == x) return true;
    return false;
  }
};

inline Small grandparents(const PersonTable& P, const Parents& q) noexcept {
  Small g;
  for (int a = 0; a < q.k; ++a) {
    g.add(P.mother[q.p[a]]);
    g.add(P.father[q.p[a]]);
  }
  return g;
}

constexpr int max_bits = 8;
using Acc = std::array<std::int64_t, max_bits>;

}  // namespace

struct RelativeCounter::Impl {
  const PersonTable* P = nullptr;
  std::size_t n = 0;
  std::vector<Index> sib;           // by person: sibship id, NONE without two recorded parents
  std::vector<Index> sib_a, sib_b;  // by sibship: the parents, a < b; sibships sorted by (a, b)
  // Couples by person (CSR): (co-parent, sibship), ascending co-parent.
  std::vector<std::uint32_t> couple_offsets;
  std::vector<Index> couple_partner, couple_sib;
  std::uint64_t setup_work = 0;

  explicit Impl(const PersonTable& persons);

  [[nodiscard]] std::size_t n_sib() const noexcept { return sib_a.size(); }

  /// The sibship of the couple {g, h}, or NONE: a binary search in the shorter couple list.
  Index find_sib(Index g, Index h, std::uint64_t& work) const noexcept {
    if (g == NONE || h == NONE || g == h) return NONE;
    if (couple_offsets[g + 1] - couple_offsets[g] > couple_offsets[h + 1] - couple_offsets[h]) std::swap(g, h);
    std::uint32_t lo = couple_offsets[g], hi = couple_offsets[g + 1];
    while (lo < hi) {
      ++work;
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (couple_partner[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    ++work;
    return lo < couple_offsets[g + 1] && couple_partner[lo] == h ? couple_sib[lo] : NONE;
  }

  /// The sibship of a pair of distinct persons that is known to be the parent pair of p or q when
  /// it is one (no search needed), else looked up.
  Index pair_sib(Index g, Index h, const Parents& q, std::uint64_t& work) const noexcept {
    for (int a = 0; a < q.k; ++a) {
      const Index s = sib[q.p[a]];
      if (s != NONE && ((sib_a[s] == g && sib_b[s] == h) || (sib_a[s] == h && sib_b[s] == g))) return s;
    }
    return find_sib(g, h, work);
  }
};

RelativeCounter::Impl::Impl(const PersonTable& persons) : P(&persons), n(persons.size()) {
  const auto& Pt = persons;
  sib.assign(n, NONE);
  // Persons with two recorded parents, sorted by (a, b) = (lower, higher parent index).
  std::vector<Index> order;
  for (std::size_t i = 0; i < n; ++i)
    if (parents_of(Pt, static_cast<Index>(i)).k == 2) order.push_back(static_cast<Index>(i));
  auto lo = [&](Index i) { return std::min(Pt.mother[i], Pt.father[i]); };
  auto hi = [&](Index i) { return std::max(Pt.mother[i], Pt.father[i]); };
  detail::counting_sort(order, n, hi);
  detail::counting_sort(order, n, lo);
  for (Index i : order) {
    if (sib_a.empty() || sib_a.back() != lo(i) || sib_b.back() != hi(i)) {
      sib_a.push_back(lo(i));
      sib_b.push_back(hi(i));
    }
    sib[i] = static_cast<Index>(sib_a.size() - 1);
  }
  // Couples: for person p, first the co-parents below p (sibships with p as b, in order of a), then
  // those above (sibships with p as a, in order of b): ascending.
  const std::size_t S = sib_a.size();
  couple_offsets.assign(n + 1, 0);
  for (std::size_t s = 0; s < S; ++s) {
    ++couple_offsets[sib_a[s] + 1];
    ++couple_offsets[sib_b[s] + 1];
  }
  for (std::size_t k = 0; k < n; ++k) couple_offsets[k + 1] += couple_offsets[k];
  couple_partner.resize(2 * S);
  couple_sib.resize(2 * S);
  std::vector<std::uint32_t> fill(couple_offsets.begin(), couple_offsets.end() - 1);
  std::vector<Index> by_b(S);
  for (std::size_t s = 0; s < S; ++s) by_b[s] = static_cast<Index>(s);
  detail::counting_sort(by_b, n, [&](Index s) { return sib_b[s]; });
  for (Index s : by_b) {
    const auto k = fill[sib_b[s]]++;
    couple_partner[k] = sib_a[s];
    couple_sib[k] = s;
  }
  for (std::size_t s = 0; s < S; ++s) {
    const auto k = fill[sib_a[s]]++;
    couple_partner[k] = sib_b[s];
    couple_sib[k] = static_cast<Index>(s);
  }
  setup_work = 4 * n + 4 * S;
}

RelativeCounter::RelativeCounter(const PersonTable& persons) : impl_(std::make_unique<Impl>(persons)) {}
RelativeCounter::~RelativeCounter() = default;
RelativeCounter::RelativeCounter(RelativeCounter&&) noexcept = default;
RelativeCounter& RelativeCounter::operator=(RelativeCounter&&) noexcept = default;
std::uint64_t RelativeCounter::setup_work() const noexcept { return impl_->setup_work; }
std::size_t RelativeCounter::n_sibships() const noexcept { return impl_->n_sib(); }

namespace {

/// One count: the flags, the output, and the group sums it needs (computed on first use).
class Counting {
 public:
  Counting(const RelativeCounter::Impl& x, std::span<const std::uint8_t> flags, int bits)
      : X(x), P(*x.P), flags_(flags), B(static_cast<std::size_t>(bits)) {}

  std::uint64_t work = 0;

  [[nodiscard]] std::uint32_t bit(Index j, std::size_t b) const noexcept { return (flags_[j] >> b) & 1u; }
  void add_to(std::uint32_t* dst, Index j) const noexcept {
    const unsigned v = flags_[j];
    for (std::size_t b = 0; b < B; ++b) dst[b] += (v >> b) & 1u;
  }

  /// W(C_p) by person.
  const std::vector<std::uint32_t>& wch() {
    if (wch_.empty()) {
      wch_.assign(X.n * B, 0);
      for (std::size_t x = 0; x < X.n; ++x) {
        const Parents q = parents_of(P, static_cast<Index>(x));
        for (int a = 0; a < q.k; ++a) add_to(&wch_[q.p[a] * B], static_cast<Index>(x));
        work += 1 + static_cast<std::uint64_t>(q.k);
      }
    }
    return wch_;
  }
  /// W(S_σ) by sibship.
  const std::vector<std::uint32_t>& ws() {
    if (ws_.empty()) {
      ws_.assign(X.n_sib() * B + 1, 0);  // (+1: never empty once computed)
      for (std::size_t x = 0; x < X.n; ++x) {
        if (X.sib[x] != NONE) add_to(&ws_[X.sib[x] * B], static_cast<Index>(x));
        ++work;
      }
    }
    return ws_;
  }
  /// W({x : g ∈ GP(x)}) by person g: the grandchild counts.
  void grandchild_sums(std::uint32_t* out) {
    for (std::size_t x = 0; x < X.n; ++x) {
      const Small g = grandparents(P, parents_of(P, static_cast<Index>(x)));
      for (int a = 0; a < g.k; ++a) add_to(out + g.v[a] * B, static_cast<Index>(x));
      work += 1 + static_cast<std::uint64_t>(g.k);
    }
  }

  const RelativeCounter::Impl& X;
  const PersonTable& P;
  std::span<const std::uint8_t> flags_;
  std::size_t B;

 private:
  std::vector<std::uint32_t> wch_, ws_;
};

/// Σ over the unordered pairs {g, h} of the distinct grandparents G of a person with parents q
/// of W(S(g, h)); each pair is a different couple, so each sibship is subtracted once.
void subtract_grandparent_couples(Counting& c, const Small& G, const Parents& q, const std::vector<std::uint32_t>& ws,
                                  Acc& v) {
  for (int a = 0; a < G.k; ++a)
    for (int b = a + 1; b < G.k; ++b) {
      const Index s = c.X.pair_sib(G.v[a], G.v[b], q, c.work);
      ++c.work;
      if (s == NONE) continue;
      for (std::size_t t = 0; t < c.B; ++t) v[t] -= ws[s * c.B + t];
    }
}

void store(std::uint32_t* dst, const Acc& v, std::size_t B) {
  for (std::size_t t = 0; t < B; ++t) dst[t] = static_cast<std::uint32_t>(v[t]);
}

// ---- aunt_uncle
// U = ∪_{g∈GP(i)} C_g, W(U) = Σ_g W(C_g) − Σ_{g<h} W(S(g, h)) (no three children sets meet).
// AU(i) = U without: a parent p of i that is in U only as a member of its own sibship group, i.e.
// p has a recorded parent and shares none with the other parent q (p ∈ ∪_{g∈par(q)} C_g exactly
// when par(p) ∩ par(q) ≠ ∅, and then p is q's sibling, an aunt/uncle of i); and i itself when a
// parent of i is also a grandparent (i ∈ U iff par(i) ∩ GP(i) ≠ ∅). All but the last term depend
// on par(i) only, so they are computed once per sibship.
void aunt_uncle(Counting& c, std::uint32_t* out) {
  const auto& P = c.P;
  const std::size_t B = c.B, S = c.X.n_sib();
  const auto& wch = c.wch();
  const auto& ws = c.ws();
  auto base = [&](const Parents& q, Acc& v) -> bool {
    v.fill(0);
    const Small G = grandparents(P, q);
    for (int a = 0; a < G.k; ++a)
      for (std::size_t t = 0; t < B; ++t) v[t] += wch[G.v[a] * B + t];
    subtract_grandparent_couples(c, G, q, ws, v);
    for (int a = 0; a < q.k; ++a) {
      const Index p = q.p[a];
      const Parents pp = parents_of(P, p);
      if (pp.k == 0) continue;
      if (q.k == 2 && pp.meets(parents_of(P, q.p[1 - a]))) continue;
      for (std::size_t t = 0; t < B; ++t) v[t] -= c.bit(p, t);
    }
    c.work += 1 + static_cast<std::uint64_t>(G.k);
    for (int a = 0; a < q.k; ++a)
      if (G.has(q.p[a])) return true;
    return false;
  };
  std::vector<std::uint32_t> sib_base(S * B);
  std::vector<std::uint8_t> self_in(S);
  Acc v;
  for (std::size_t s = 0; s < S; ++s) {
    Parents q;
    q.p = {c.X.sib_a[s], c.X.sib_b[s]};
    q.k = 2;
    self_in[s] = base(q, v);
    store(&sib_base[s * B], v, B);
  }
  for (std::size_t i = 0; i < c.X.n; ++i) {
    ++c.work;
    const Index s = c.X.sib[i];
    std::uint32_t* o = out + i * B;
    if (s != NONE) {
      for (std::size_t t = 0; t < B; ++t) o[t] = sib_base[s * B + t] - (self_in[s] ? c.bit(static_cast<Index>(i), t) : 0u);
      continue;
    }
    const Parents q = parents_of(P, static_cast<Index>(i));
    if (q.k == 0) continue;
    const bool in = base(q, v);
    for (std::size_t t = 0; t < B; ++t) v[t] -= in ? c.bit(static_cast<Index>(i), t) : 0;
    store(o, v, B);
  }
}

// ---- niece_nephew
// X = {x : par(x) ∩ V ≠ ∅} = ∪_{g∈par(i)} GC_g with GC_g = {x : g ∈ GP(x)};
// W(X) = Σ_g W(GC_g) − W(GC_m ∩ GC_f), the last by sibship (gc2: the grandchildren common to the
// two members of a couple). NN(i) = X without the children of i whose other parent is not in V
// (not a sibling of i: par(y) ∩ par(i) = ∅, or unknown), and without i when a parent of i is in V
// (is a sibling of i's other parent, or a child of it).
void niece_nephew(Counting& c, std::uint32_t* out) {
  const auto& P = c.P;
  const std::size_t B = c.B, S = c.X.n_sib();
  const auto& ws = c.ws();
  std::vector<std::uint32_t> gcw(c.X.n * B, 0);
  c.grandchild_sums(gcw.data());
  // gc2[s] = W({x : a_s, b_s ∈ GP(x)}): each x adds to the sibship of every pair of its distinct
  // grandparents that is a couple; x's grandparents depend on par(x) only, so by sibship of x.
  std::vector<std::uint32_t> gc2(S * B + 1, 0);
  auto add_pairs = [&](const Parents& q, const std::uint32_t* w, bool one) {
    const Small G = grandparents(P, q);
    for (int a = 0; a < G.k; ++a)
      for (int b = a + 1; b < G.k; ++b) {
        const Index s = c.X.pair_sib(G.v[a], G.v[b], q, c.work);
        ++c.work;
        if (s == NONE) continue;
        for (std::size_t t = 0; t < B; ++t) gc2[s * B + t] += one ? (w[0] >> t) & 1u : w[t];
      }
  };
  for (std::size_t s = 0; s < S; ++s) {
    Parents q;
    q.p = {c.X.sib_a[s], c.X.sib_b[s]};
    q.k = 2;
    add_pairs(q, &ws[s * B], false);
  }
  for (std::size_t x = 0; x < c.X.n; ++x) {
    ++c.work;
    const Parents q = parents_of(P, static_cast<Index>(x));
    if (q.k != 1) continue;
    const std::uint32_t f = c.flags_[x];
    add_pairs(q, &f, true);
  }
  for (std::size_t i = 0; i < c.X.n; ++i) {
    ++c.work;
    const auto me = static_cast<Index>(i);
    const Parents q = parents_of(P, me);
    if (q.k == 0) continue;
    Acc v{};
    for (int a = 0; a < q.k; ++a)
      for (std::size_t t = 0; t < B; ++t) v[t] += gcw[q.p[a] * B + t];
    if (q.k == 2)
      for (std::size_t t = 0; t < B; ++t) v[t] -= gc2[c.X.sib[i] * B + t];
    for (Index x : P.children_of(me)) {
      ++c.work;
      const Index y = P.mother[x] == me ? P.father[x] : P.mother[x];
      if (y != NONE && y != me && parents_of(P, y).meets(q)) continue;
      for (std::size_t t = 0; t < B; ++t) v[t] -= c.bit(x, t);
    }
    bool self = false;
    for (int a = 0; a < q.k; ++a) self = self || parents_of(P, q.p[a]).meets(q);
    if (self)
      for (std::size_t t = 0; t < B; ++t) v[t] -= c.bit(me, t);
    store(out + i * B, v, B);
  }
}

// ---- first_cousin
// Label L(s) = σ(s) of a parent s with two recorded parents. x ∈ FC(i) iff some parent p of i and
// some parent s ≠ p of x have the same label. With P_k(x) the parents of x labelled k:
//   N1[k] = W({x : P_k(x) ≠ ∅});  N2[{k, l}] = W({x : parents labelled k and l}), k ≠ l;
//   Wbs[p, k] = W({x ∈ C_p : the other parent is labelled k});  self[p] = Wbs[p, L(p)].
// One labelled parent (p, k):     Σ_x w(x)[P_k(x) \ {p} ≠ ∅] = N1[k] − (W(C_p) − self[p]).
// Two, k1 ≠ k2: the same for each minus the x matching both, whose parents are {s1, s2} labelled k1,
//   k2 with s1 ≠ p1 and s2 ≠ p2: N2[{k1, k2}] − Wbs[p1, k2] − Wbs[p2, k1] + W(S_σ(i)).
// Two, k1 = k2 (the parents are full siblings): every x with a parent labelled k matches, i too:
//   N1[k] − w(i).
// Wbs[p1, k2] sums the couples of p1 whose co-parent is labelled k2 — i's own sibship among them —
// so it is a per-sibship value, computed with a stamp array over labels while visiting each
// person's couples; N2 groups the sibships by their unordered pair of parent labels.
void first_cousin(Counting& c, std::uint32_t* out) {
  const auto& P = c.P;
  const auto& X = c.X;
  const std::size_t B = c.B, S = X.n_sib();
  const auto& wch = c.wch();
  const auto& ws = c.ws();
  std::vector<std::uint32_t> n1(S * B + 1, 0);
  for (std::size_t s = 0; s < S; ++s) {
    ++c.work;
    const Index la = X.sib[X.sib_a[s]], lb = X.sib[X.sib_b[s]];
    for (std::size_t t = 0; t < B; ++t) {
      if (la != NONE) n1[la * B + t] += ws[s * B + t];
      if (lb != NONE && lb != la) n1[lb * B + t] += ws[s * B + t];
    }
  }
  for (std::size_t x = 0; x < X.n; ++x) {
    ++c.work;
    const Parents q = parents_of(P, static_cast<Index>(x));
    if (q.k == 1 && X.sib[q.p[0]] != NONE) c.add_to(&n1[X.sib[q.p[0]] * B], static_cast<Index>(x));
  }
  // Wbs by sibship side: wa[s] = Wbs[a_s, L(b_s)], wb[s] = Wbs[b_s, L(a_s)]; and self[p].
  std::vector<std::uint32_t> wa(S * B + 1, 0), wb(S * B + 1, 0), acc(S * B + 1, 0);
  std::vector<Index> stamp(S, NONE);
  std::vector<Index> self_person;
  std::vector<std::uint32_t> self_w;
  for (std::size_t p = 0; p < X.n; ++p) {
    const auto b0 = X.couple_offsets[p], b1 = X.couple_offsets[p + 1];
    for (auto k = b0; k < b1; ++k) {
      ++c.work;
      const Index l = X.sib[X.couple_partner[k]];
      if (l == NONE) continue;
      if (stamp[l] != static_cast<Index>(p)) {
        stamp[l] = static_cast<Index>(p);
        std::fill_n(&acc[l * B], B, 0u);
      }
      for (std::size_t t = 0; t < B; ++t) acc[l * B + t] += ws[X.couple_sib[k] * B + t];
    }
    for (auto k = b0; k < b1; ++k) {
      ++c.work;
      const Index l = X.sib[X.couple_partner[k]], s = X.couple_sib[k];
      if (l == NONE) continue;
      auto& side = X.sib_a[s] == p ? wa : wb;
      std::copy_n(&acc[l * B], B, &side[s * B]);
    }
    const Index own = X.sib[p];
    if (own != NONE && stamp[own] == static_cast<Index>(p)) {
      self_person.push_back(static_cast<Index>(p));
      self_w.insert(self_w.end(), &acc[own * B], &acc[own * B] + B);
    }
  }
  auto self_of = [&](Index p, std::size_t t) -> std::uint32_t {
    if (self_person.empty()) return 0;
    const auto it = std::lower_bound(self_person.begin(), self_person.end(), p);
    c.work += 1;
    if (it == self_person.end() || *it != p) return 0;
    return self_w[static_cast<std::size_t>(it - self_person.begin()) * B + t];
  };
  // N2: sibships whose parents carry two different labels, grouped by the unordered label pair.
  std::vector<Index> two;
  for (std::size_t s = 0; s < S; ++s) {
    const Index la = X.sib[X.sib_a[s]], lb = X.sib[X.sib_b[s]];
    if (la != NONE && lb != NONE && la != lb) two.push_back(static_cast<Index>(s));
  }
  auto lmin = [&](Index s) { return std::min(X.sib[X.sib_a[s]], X.sib[X.sib_b[s]]); };
  auto lmax = [&](Index s) { return std::max(X.sib[X.sib_a[s]], X.sib[X.sib_b[s]]); };
  detail::counting_sort(two, S, lmax);
  detail::counting_sort(two, S, lmin);
  std::vector<std::uint32_t> n2(S * B + 1, 0);
  for (std::size_t g0 = 0, g1 = 0; g0 < two.size(); g0 = g1) {
    Acc sum{};
    for (g1 = g0; g1 < two.size() && lmin(two[g1]) == lmin(two[g0]) && lmax(two[g1]) == lmax(two[g0]); ++g1) {
      ++c.work;
      for (std::size_t t = 0; t < B; ++t) sum[t] += ws[two[g1] * B + t];
    }
    for (std::size_t k = g0; k < g1; ++k) store(&n2[two[k] * B], sum, B);
  }
  for (std::size_t i = 0; i < X.n; ++i) {
    ++c.work;
    const auto me = static_cast<Index>(i);
    const Parents q = parents_of(P, me);
    Parents L;
    for (int a = 0; a < q.k; ++a)
      if (X.sib[q.p[a]] != NONE) L.p[L.k++] = q.p[a];
    if (L.k == 0) continue;
    Acc v{};
    if (L.k == 1) {
      const Index p = L.p[0], k = X.sib[p];
      for (std::size_t t = 0; t < B; ++t)
        v[t] = std::int64_t{n1[k * B + t]} - wch[p * B + t] + self_of(p, t);
    } else {
      const Index p1 = L.p[0], p2 = L.p[1], k1 = X.sib[p1], k2 = X.sib[p2];
      if (k1 == k2) {
        for (std::size_t t = 0; t < B; ++t) v[t] = std::int64_t{n1[k1 * B + t]} - c.bit(me, t);
      } else {
        const Index s = X.sib[i];
        const bool p1_is_a = X.sib_a[s] == p1;
        const std::uint32_t* w12 = p1_is_a ? &wa[s * B] : &wb[s * B];  // Wbs[p1, k2]
        const std::uint32_t* w21 = p1_is_a ? &wb[s * B] : &wa[s * B];  // Wbs[p2, k1]
        for (std::size_t t = 0; t < B; ++t)
          v[t] = std::int64_t{n1[k1 * B + t]} - wch[p1 * B + t] + self_of(p1, t) + n1[k2 * B + t] -
                 wch[p2 * B + t] + self_of(p2, t) -
                 (std::int64_t{n2[s * B + t]} - w12[t] - w21[t] + ws[s * B + t]);
      }
    }
    store(out + i * B, v, B);
  }
}

}  // namespace

RelativeCounts RelativeCounter::count(Relation r, std::span<const std::uint8_t> flags, int bits) const {
  const Impl& X = *impl_;
  if (flags.size() != X.n)
    throw std::invalid_argument("relative_counts: flags has " + std::to_string(flags.size()) +
                                " entries (expected one per person, " + std::to_string(X.n) + ")");
  if (bits < 1 || bits > max_bits)
    throw std::invalid_argument("relative_counts: bits " + std::to_string(bits) + " is out of range (expected 1 to 8)");
  RelativeCounts res;
  res.relation = r;
  res.bits = bits;
  const std::size_t B = static_cast<std::size_t>(bits);
  res.counts.assign(X.n * B, 0);
  std::uint32_t* out = res.counts.data();
  Counting c(X, flags, bits);
  const auto& P = *X.P;
  switch (r) {
    case Relation::parent:
      for (std::size_t i = 0; i < X.n; ++i) {
        const Parents q = parents_of(P, static_cast<Index>(i));
        for (int a = 0; a < q.k; ++a) c.add_to(out + i * B, q.p[a]);
        c.work += 1 + static_cast<std::uint64_t>(q.k);
      }
      break;
    case Relation::child: {
      const auto& w = c.wch();
      std::copy(w.begin(), w.end(), out);
      break;
    }
    case Relation::partner:
      for (std::size_t i = 0; i < X.n; ++i) {
        ++c.work;
        for (Index q : P.partners_of(static_cast<Index>(i))) {
          ++c.work;
          if (q != i) c.add_to(out + i * B, q);
        }
      }
      break;
    case Relation::grandparent:
      for (std::size_t i = 0; i < X.n; ++i) {
        const Small g = grandparents(P, parents_of(P, static_cast<Index>(i)));
        for (int a = 0; a < g.k; ++a)
          if (g.v[a] != i) c.add_to(out + i * B, g.v[a]);
        c.work += 1 + static_cast<std::uint64_t>(g.k);
      }
      break;
    case Relation::grandchild: c.grandchild_sums(out); break;
    case Relation::full_sibling: {
      const auto& ws = c.ws();
      for (std::size_t i = 0; i < X.n; ++i) {
        ++c.work;
        const Index s = X.sib[i];
        if (s == NONE) continue;
        for (std::size_t t = 0; t < B; ++t) out[i * B + t] = ws[s * B + t] - c.bit(static_cast<Index>(i), t);
      }
      break;
    }
    case Relation::half_sibling: {
      const auto& wch = c.wch();
      const auto& ws = c.ws();
      for (std::size_t i = 0; i < X.n; ++i) {
        ++c.work;
        const Parents q = parents_of(P, static_cast<Index>(i));
        for (std::size_t t = 0; t < B; ++t) {
          if (q.k == 2)
            out[i * B + t] = wch[q.p[0] * B + t] + wch[q.p[1] * B + t] - 2 * ws[X.sib[i] * B + t];
          else if (q.k == 1)
            out[i * B + t] = wch[q.p[0] * B + t] - c.bit(static_cast<Index>(i), t);
        }
      }
      break;
    }
    case Relation::aunt_uncle: aunt_uncle(c, out); break;
    case Relation::niece_nephew: niece_nephew(c, out); break;
    case Relation::first_cousin: first_cousin(c, out); break;
  }
  res.work = c.work;
  return res;
}

RelativeCounts relative_counts(const PersonTable& persons, Relation r, std::span<const std::uint8_t> flags,
                               int bits) {
  const RelativeCounter counter(persons);
  RelativeCounts out = counter.count(r, flags, bits);
  out.work += counter.setup_work();
  return out;
}

}  // namespace famgraph
