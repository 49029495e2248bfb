#include "pedigree_model.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace famgraph::bench {

namespace {

constexpr Day kFoundLo = days_from_civil(1900, 1, 1);
constexpr Day kFoundHi = days_from_civil(1930, 12, 31);
constexpr Day kEnd = days_from_civil(2023, 12, 31);     // end of observation
constexpr Day kWinLo = days_from_civil(1995, 1, 1);     // first recorded incident
constexpr int kYear0 = 1850;                            // bucket origin for partner search

Day years(double y) { return static_cast<Day>(std::lround(y * 365.2425)); }
int year_of(Day d) { return civil_from_days(d).year; }

// Purposes (< 64) of the person stream.
enum : std::uint32_t {
  P_SEX, P_BIRTH, P_PREC, P_PARTNER, P_REPART, P_AGE0, P_NKIDS0, P_NKIDS1, P_COUSIN, P_COUSIN_SIB,
  P_COUSIN_KID = P_COUSIN_SIB + 2, P_OUTSIDE = P_COUSIN_KID + 2, P_DELTA1 = P_OUTSIDE + 2,
  P_DELTA2 = P_DELTA1 + 2, P_MANPICK = P_DELTA2 + 2, P_MANDAY = P_MANPICK + 2,
  P_NEXTPART = P_MANDAY + 2, P_FATHER, P_DEATH, P_DEATHAGE, P_DEATHFIX, P_YV, P_YV_J, P_YV_D,
  P_YV_SRC
};
// Purposes of the couple stream.
enum : std::uint32_t {
  C_GAP0, C_GAP = 1, /* 1..8 spacing of child k */ C_CM = 10, C_CMREP, C_CMV, C_CMV2 = C_CMV + 2,
  C_CMPERP = C_CMV2 + 2, C_CMWIT = C_CMPERP + 2, C_CMW = C_CMWIT + 2, C_CMD = C_CMW + 2,
  C_CMSRC = C_CMD + 2, C_PV = C_CMSRC + 2, C_PVPERP, C_PVD, C_PVWIT, C_PVSRC
};

class Generator {
 public:
  Generator(const PedigreeParams& prm, Pedigree& out)
      : prm_(prm), out_(out), ps_(prm.seed, 0), cs_(prm.seed, 1) {}

  /// Grows the pedigree from n_founders founders until it holds `cap` persons or nobody is left
  /// to have children before the end of observation.
  void run(std::size_t n_founders, std::size_t cap) {
    cap_ = cap;
    reserve(cap == SIZE_MAX ? n_founders * 6 : cap);
    for (std::size_t k = 0; k < n_founders && size() < cap_; ++k) {
      const Index i = static_cast<Index>(size());
      const Sex s = (ps_.bits(i, P_SEX) & 1) ? Sex::M : Sex::F;
      const Day b = kFoundLo + static_cast<Day>(ps_.below(i, P_BIRTH, kFoundHi - kFoundLo + 1));
      const double u = ps_.uniform(i, P_PREC);
      const DatePrecision prec = u < prm_.partial_birth * 0.6   ? DatePrecision::year
                                 : u < prm_.partial_birth ? DatePrecision::month
                                                          : DatePrecision::day;
      add(s, b, prec, NONE, NONE, 0, NONE);
    }
    out_.n_founders_initial = size();
    std::size_t begin = 0, end = size();
    std::uint8_t pass = 0;
    std::vector<Day> births;
    std::vector<std::uint32_t> births_off;
    std::vector<std::vector<Index>> men_by_year(2100 - kYear0);
    while (begin < end && size() < cap_) {
      for (auto& b : men_by_year) b.clear();
      for (std::size_t i = begin; i < end; ++i)
        if (out_.sex[i] == Sex::M) men_by_year[year_of(out_.birth[i]) - kYear0].push_back(static_cast<Index>(i));
      const std::size_t c0 = out_.couples.size();
      births.clear();
      births_off.assign(1, 0);
      for (std::size_t wi = begin; wi < end && size() < cap_; ++wi) {
        if (out_.sex[wi] != Sex::F) continue;
        const Index w = static_cast<Index>(wi);
        if (ps_.uniform(w, P_PARTNER) < prm_.childless) continue;
        const int nparts = ps_.uniform(w, P_REPART) < prm_.repartner ? 2 : 1;
        Day t = out_.birth[w] + years(19.0 + 14.0 * std::pow(ps_.uniform(w, P_AGE0), 1.4));
        for (int k = 0; k < nparts && size() < cap_; ++k) {
          if (t > kEnd) break;
          int want;
          if (k == 0) {
            const double u = ps_.uniform(w, P_NKIDS0);  // 1: 30%, 2: 40%, 3: 20%, 4: 10%
            want = u < 0.30 ? 1 : u < 0.70 ? 2 : u < 0.90 ? 3 : 4;
          } else {
            want = 1 + static_cast<int>(ps_.below(w, P_NKIDS1, 2));
          }
          // The partner: a cousin (rarely), a man of the same pass born a few years earlier, or a
          // founder from outside the pedigree.
          Index man = NONE;
          if (k == 0 && ps_.uniform(w, P_COUSIN) < prm_.cousin_marriage) man = find_cousin(w);
          const bool cousin = man != NONE;
          const int delta = -4 + static_cast<int>(ps_.below(w, P_DELTA1 + k, 7) + ps_.below(w, P_DELTA2 + k, 7));
          if (man == NONE && ps_.uniform(w, P_OUTSIDE + k) >= prm_.outside_partner) {
            const int y = year_of(out_.birth[w]) - delta - kYear0;
            if (y >= 0 && y < static_cast<int>(men_by_year.size()) && !men_by_year[y].empty()) {
              // A man of that birth year, never a (half-)brother of hers.
              const auto& b = men_by_year[y];
              const std::size_t off = ps_.below(w, P_MANPICK + k, b.size());
              for (std::size_t q = 0; q < std::min<std::size_t>(b.size(), 8) && man == NONE; ++q) {
                const Index m = b[(off + q) % b.size()];
                if (!share_parent(m, w)) man = m;
              }
            }
          }
          Day man_birth = man != NONE ? out_.birth[man]
                                      : out_.birth[w] - years(delta) +
                                            static_cast<Day>(ps_.below(w, P_MANDAY + k, 365)) - 182;
          const Index ci = static_cast<Index>(out_.couples.size());
          const Day start = std::max(t, man_birth + years(17) + 30);
          const Day limit = std::min(kEnd, out_.birth[w] + years(44));
          Day b = start + static_cast<Day>(cs_.below(ci, C_GAP0, 730));
          const std::size_t before = births.size();
          for (int j = 0; j < want && b <= limit; ++j) {
            births.push_back(b);
            b += 400 + static_cast<Day>(cs_.below(ci, C_GAP + static_cast<std::uint32_t>(j), 1100));
          }
          if (births.size() == before) break;  // too late for children: no (recorded) partnership
          if (man == NONE) man = add(Sex::M, man_birth, DatePrecision::day, NONE, NONE, pass, NONE);
          if (cousin) ++out_.n_cousin_couples;
          out_.couples.push_back({w, man, 0, 0, start});
          births_off.push_back(static_cast<std::uint32_t>(births.size()));
          if (first_couple_[w] == NONE) first_couple_[w] = ci;
          if (first_couple_[man] == NONE) first_couple_[man] = ci;
          t = births.back() + 365 + static_cast<Day>(ps_.below(w, P_NEXTPART, 4 * 365));
        }
      }
      // The children of this pass's couples form the next pass.
      const std::size_t next_begin = size();
      for (std::size_t ci = c0; ci < out_.couples.size(); ++ci) {
        auto& c = out_.couples[ci];
        c.child_begin = static_cast<Index>(size());
        for (std::uint32_t k = births_off[ci - c0]; k < births_off[ci - c0 + 1] && size() < cap_; ++k) {
          const Index i = static_cast<Index>(size());
          const Sex s = (ps_.bits(i, P_SEX) & 1) ? Sex::M : Sex::F;
          const Index f = ps_.uniform(i, P_FATHER) < prm_.unknown_father ? NONE : c.man;
          add(s, births[k], DatePrecision::day, c.woman, f, static_cast<std::uint8_t>(pass + 1),
              static_cast<Index>(ci));
        }
        c.child_end = static_cast<Index>(size());
      }
      begin = next_begin;
      end = size();
      ++pass;
    }
  }

  void finish() {
    exits();
    events();
    ids();
  }

 private:
  [[nodiscard]] std::size_t size() const noexcept { return out_.sex.size(); }

  void reserve(std::size_t n) {
    out_.sex.reserve(n);
    out_.birth.reserve(n);
    out_.birth_precision.reserve(n);
    out_.mother.reserve(n);
    out_.father.reserve(n);
    out_.pass.reserve(n);
    family_.reserve(n);
    first_couple_.reserve(n);
  }

  Index add(Sex s, Day birth, DatePrecision prec, Index m, Index f, std::uint8_t pass, Index family) {
    out_.sex.push_back(s);
    out_.birth.push_back(birth);
    out_.birth_precision.push_back(prec);
    out_.mother.push_back(m);
    out_.father.push_back(f);
    out_.pass.push_back(pass);
    family_.push_back(family);
    first_couple_.push_back(NONE);
    return static_cast<Index>(size() - 1);
  }

  [[nodiscard]] bool share_parent(Index a, Index b) const {
    const Index ma = out_.mother[a], fa = out_.father[a];
    return (ma != NONE && (ma == out_.mother[b] || ma == out_.father[b])) ||
           (fa != NONE && (fa == out_.mother[b] || fa == out_.father[b]));
  }

  // A male first cousin (child of a sibling of a parent) of w, born within 8 years of her.
  Index find_cousin(Index w) {
    for (int side = 0; side < 2; ++side) {
      const Index p = side == 0 ? out_.mother[w] : out_.father[w];
      if (p == NONE || family_[p] == NONE) continue;
      const Couple& gp = out_.couples[family_[p]];
      const Index nsib = gp.child_end - gp.child_begin;
      if (nsib < 2) continue;
      Index s = gp.child_begin + static_cast<Index>(ps_.below(w, P_COUSIN_SIB + side, nsib));
      if (s == p) s = s + 1 < gp.child_end ? s + 1 : gp.child_begin;
      const Index sc = first_couple_[s];
      if (sc == NONE) continue;
      const Couple& c = out_.couples[sc];
      const Index nk = c.child_end - c.child_begin;
      if (nk == 0) continue;
      const Index off = static_cast<Index>(ps_.below(w, P_COUSIN_KID + side, nk));
      for (Index q = 0; q < nk; ++q) {
        const Index k = c.child_begin + (off + q) % nk;
        if (k == w || out_.sex[k] != Sex::M || share_parent(k, w)) continue;
        if (std::abs(out_.birth[k] - out_.birth[w]) <= years(8)) return k;
      }
    }
    return NONE;
  }

  void exits() {
    const std::size_t n = size();
    std::vector<Day> last_child(n, NO_DAY);
    for (std::size_t c = 0; c < n; ++c)
      for (Index p : {out_.mother[c], out_.father[c]})
        if (p != NONE) last_child[p] = std::max(last_child[p], out_.birth[c]);
    out_.exit.assign(n, NO_DAY);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = ps_.uniform(i, P_DEATH);
      const Day b = out_.birth[i];
      Day e;
      if (u < 0.02) e = b + static_cast<Day>(ps_.below(i, P_DEATHAGE, years(60)));          // early death
      else if (u < 0.05) e = b + years(18) + static_cast<Day>(ps_.below(i, P_DEATHAGE, years(40)));  // emigration
      else e = b + years(62.0 + 34.0 * std::sqrt(ps_.uniform(i, P_DEATHAGE)));
      if (last_child[i] != NO_DAY && e < last_child[i])
        e = last_child[i] + static_cast<Day>(ps_.below(i, P_DEATHFIX, 3650));
      // A founder recorded with a partial birth date must not leave inside its birth period.
      if (out_.birth_precision[i] != DatePrecision::day) e = std::max(e, b + 400);
      out_.exit[i] = e > kEnd ? NO_DAY : e;
    }
  }

  [[nodiscard]] Day last_day(Index i) const { return out_.exit[i] == NO_DAY ? kEnd : out_.exit[i]; }

  void emit(std::int64_t inc, Index person, Role role, std::uint8_t kind, std::uint8_t src, Day d) {
    out_.events.push_back({inc, person, static_cast<std::uint8_t>(role), kind, src, d});
  }

  std::uint8_t pick_source(double u, int kind) const {
    // Organisations: VT (safe-at-home), POL (police), JZ (youth care), HA (GP), SH (shelter), GGD.
    switch (kind) {
      case 0: return u < 0.5 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3;
      case 1: return u < 0.5 ? 1 : u < 0.7 ? 4 : u < 0.95 ? 0 : 5;
      default: return u < 0.8 ? 1 : 5;
    }
  }

  void events() {
    const double sc = prm_.event_scale;
    std::int64_t next = 7'000'000'000LL;
    auto rnd_day = [](Day lo, Day hi, std::uint64_t bits) {
      return lo + static_cast<Day>((static_cast<unsigned __int128>(bits) * static_cast<std::uint64_t>(hi - lo + 1)) >> 64);
    };
    out_.events.reserve(static_cast<std::size_t>(0.35 * static_cast<double>(size()) * sc) + 16);
    for (std::size_t ci = 0; ci < out_.couples.size(); ++ci) {
      const Couple& c = out_.couples[ci];
      const Index nk = c.child_end > c.child_begin ? c.child_end - c.child_begin : 0;
      // Child maltreatment by a parent, sometimes repeated, sometimes witnessed by a sibling.
      if (nk > 0 && cs_.uniform(ci, C_CM) < 0.26 * sc) {
        const int reps = 1 + (cs_.uniform(ci, C_CMREP) < 0.3);
        for (int r = 0; r < reps; ++r) {
          const Index v = c.child_begin + static_cast<Index>(cs_.below(ci, C_CMV + r, nk));
          Index perp = out_.mother[v];
          if (out_.father[v] != NONE && cs_.uniform(ci, C_CMPERP + r) < 0.45) perp = out_.father[v];
          Index wit = NONE;
          if (nk > 1 && cs_.uniform(ci, C_CMWIT + r) < 0.4) {
            wit = c.child_begin + static_cast<Index>(cs_.below(ci, C_CMW + r, nk));
            if (wit == v) wit = NONE;
          }
          Day lo = std::max(out_.birth[v], kWinLo);
          Day hi = std::min({add_years(out_.birth[v], 18) - 1, last_day(v), last_day(perp)});
          if (wit != NONE) {
            lo = std::max(lo, out_.birth[wit]);
            hi = std::min(hi, last_day(wit));
          }
          if (lo > hi) continue;
          const Day d = rnd_day(lo, hi, cs_.bits(ci, C_CMD + r));
          const auto src = pick_source(cs_.uniform(ci, C_CMSRC + r), 0);
          const std::int64_t inc = next++;
          emit(inc, perp, Role::perpetrator, 0, src, d);
          emit(inc, v, Role::victim, 0, src, d);
          if (wit != NONE) emit(inc, wit, Role::witness, 0, src, d);
        }
      }
      // Partner violence, sometimes witnessed by a child of the couple.
      if (cs_.uniform(ci, C_PV) < 0.21 * sc) {
        const bool man_perp = cs_.uniform(ci, C_PVPERP) < 0.8;
        const Index perp = man_perp ? c.man : c.woman, vic = man_perp ? c.woman : c.man;
        const Day lo = std::max({kWinLo, add_years(std::max(out_.birth[c.woman], out_.birth[c.man]), 18),
                                 c.start - 730});
        const Day hi = std::min({kEnd, last_day(c.woman), last_day(c.man)});
        if (lo <= hi) {
          const Day d = rnd_day(lo, hi, cs_.bits(ci, C_PVD));
          const auto src = pick_source(cs_.uniform(ci, C_PVSRC), 1);
          const std::int64_t inc = next++;
          emit(inc, perp, Role::perpetrator, 1, src, d);
          emit(inc, vic, Role::victim, 1, src, d);
          if (nk > 0 && cs_.uniform(ci, C_PVWIT) < 0.5) {
            for (Index k = c.child_begin; k < c.child_end; ++k) {
              if (out_.birth[k] <= d && d <= last_day(k) && d < add_years(out_.birth[k], 18)) {
                emit(inc, k, Role::witness, 1, src, d);
                break;
              }
            }
          }
        }
      }
    }
    // Violence between unrelated young persons (links across families).
    const std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) {
      if (ps_.uniform(i, P_YV) >= 0.035 * sc) continue;
      const Index j = static_cast<Index>(ps_.below(i, P_YV_J, n));
      if (j == i) continue;
      const Day lo = std::max({kWinLo, add_years(out_.birth[i], 12), out_.birth[j]});
      const Day hi = std::min(last_day(static_cast<Index>(i)), last_day(j));
      if (lo > hi) continue;
      const Day d = rnd_day(lo, hi, ps_.bits(i, P_YV_D));
      const auto src = pick_source(ps_.uniform(i, P_YV_SRC), 2);
      const std::int64_t inc = next++;
      emit(inc, static_cast<Index>(i), Role::perpetrator, 2, src, d);
      emit(inc, j, Role::victim, 2, src, d);
    }
  }

  // External ids: a keyed Feistel permutation of the index (cycle-walking into [0, D)).
  void ids() {
    const std::size_t n = size();
    const std::uint64_t domain = prm_.sparse_ids ? (1ULL << 48) : n + n / 4 + 16;
    int bits = 2;
    while ((1ULL << bits) < domain) bits += 2;
    const int half = bits / 2;
    const std::uint64_t mask = (1ULL << half) - 1;
    const Stream fs(prm_.seed, 7);
    auto feistel = [&](std::uint64_t x) {
      std::uint64_t l = x >> half, r = x & mask;
      for (std::uint32_t round = 0; round < 4; ++round) {
        const std::uint64_t f = fs.bits(r, round) & mask;
        const std::uint64_t nl = r;
        r = l ^ f;
        l = nl;
      }
      return (l << half) | r;
    };
    out_.id.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t x = i;
      do x = feistel(x); while (x >= domain);
      out_.id[i] = 1'000'000'000LL + static_cast<PersonId>(x);
    }
  }

  const PedigreeParams& prm_;
  Pedigree& out_;
  Stream ps_, cs_;
  std::size_t cap_ = SIZE_MAX;
  std::vector<Index> family_, first_couple_;
};

// ---- CSV writing ---------------------------------------------------------------------------

class Sink {
 public:
  explicit Sink(std::string* s) : str_(s) { buf_.reserve(kBuf + 256); }
  explicit Sink(std::FILE* f) : file_(f) { buf_.reserve(kBuf + 256); }
  ~Sink() { flush(); }
  void put(std::string_view s) { buf_.append(s); }
  void put(char c) { buf_.push_back(c); }
  void put_int(std::int64_t v) {
    char tmp[24];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, p);
  }
  void put_date(Day d, DatePrecision prec) {
    if (d == NO_DAY || prec == DatePrecision::missing) return;
    const YMD c = civil_from_days(d);
    char tmp[10];
    auto dig = [&](char* p, unsigned v, int w) {
      for (int k = w - 1; k >= 0; --k, v /= 10) p[k] = static_cast<char>('0' + v % 10);
    };
    dig(tmp, static_cast<unsigned>(c.year), 4);
    std::size_t len = 4;
    if (prec == DatePrecision::year) {
      // Dates known to the year only.
    } else {
      tmp[4] = '-';
      dig(tmp + 5, c.month, 2);
      len = 7;
      if (prec == DatePrecision::day) {
        tmp[7] = '-';
        dig(tmp + 8, c.day, 2);
        len = 10;
      }
    }
    buf_.append(tmp, len);
  }
  void end_row() {
    buf_.push_back('\n');
    if (buf_.size() >= kBuf) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    if (str_) {
      str_->append(buf_);
    } else if (file_) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
        throw std::runtime_error(std::string("write failed: ") + std::strerror(errno));
    }
    written_ += buf_.size();
    buf_.clear();
  }
  [[nodiscard]] std::size_t written() const noexcept { return written_ + buf_.size(); }

 private:
  static constexpr std::size_t kBuf = 1 << 23;
  std::string* str_ = nullptr;
  std::FILE* file_ = nullptr;
  std::string buf_;
  std::size_t written_ = 0;
};

void persons_rows(const Pedigree& p, Sink& s, bool sorted) {
  s.put("person_id,sex,birth_date,exit_date,mother_id,father_id");
  s.end_row();
  const std::size_t n = p.size();
  std::vector<Index> order;
  if (sorted) {
    order.resize(n);
    std::iota(order.begin(), order.end(), Index{0});
    std::sort(order.begin(), order.end(), [&](Index a, Index b) { return p.id[a] < p.id[b]; });
  }
  for (std::size_t k = 0; k < n; ++k) {
    const Index i = sorted ? order[k] : static_cast<Index>(k);
    s.put_int(p.id[i]);
    s.put(',');
    s.put(to_string(p.sex[i]));
    s.put(',');
    s.put_date(p.birth[i], p.birth_precision[i]);
    s.put(',');
    s.put_date(p.exit[i], DatePrecision::day);
    s.put(',');
    if (p.mother[i] != NONE) s.put_int(p.id[p.mother[i]]);
    s.put(',');
    if (p.father[i] != NONE) s.put_int(p.id[p.father[i]]);
    s.end_row();
  }
}

void events_rows(const Pedigree& p, Sink& s) {
  s.put("incident_id,person_id,role,date,kind,source");
  s.end_row();
  for (const auto& e : p.events) {
    s.put_int(e.incident);
    s.put(',');
    s.put_int(p.id[e.person]);
    s.put(',');
    s.put(to_string(static_cast<Role>(e.role)));
    s.put(',');
    s.put_date(e.date, DatePrecision::day);
    s.put(',');
    s.put(event_kinds[e.kind]);
    s.put(',');
    s.put(event_sources[e.source]);
    s.end_row();
  }
}

std::FILE* open_out(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
  return f;
}

}  // namespace

Pedigree generate_pedigree(const PedigreeParams& params) {
  const std::size_t n = params.persons;
  // Calibrate the number of founders on a small run (the model is scale-free), then grow the real
  // pedigree and stop at exactly n persons; retry with more founders if it falls short.
  double ratio;
  {
    Pedigree probe;
    Generator g(params, probe);
    const std::size_t f0 = 20'000;
    g.run(f0, SIZE_MAX);
    ratio = static_cast<double>(probe.size()) / static_cast<double>(f0);
  }
  std::size_t founders = static_cast<std::size_t>(static_cast<double>(n) / ratio * 1.02) + 8;
  for (;;) {
    Pedigree p;
    Generator g(params, p);
    g.run(std::min(founders, n), n);
    if (p.size() >= n || founders >= n) {
      g.finish();
      return p;
    }
    founders = static_cast<std::size_t>(static_cast<double>(founders) * 1.05 *
                                        static_cast<double>(n) / static_cast<double>(p.size())) + 8;
  }
}

void write_persons_csv(const Pedigree& p, std::string& out, bool sorted_by_id) {
  Sink s(&out);
  persons_rows(p, s, sorted_by_id);
}

void write_events_csv(const Pedigree& p, std::string& out) {
  Sink s(&out);
  events_rows(p, s);
}

std::size_t write_persons_file(const Pedigree& p, const std::string& path, bool sorted_by_id) {
  std::FILE* f = open_out(path);
  std::size_t n;
  {
    Sink s(f);
    persons_rows(p, s, sorted_by_id);
    s.flush();
    n = s.written();
  }
  if (std::fclose(f) != 0) throw std::runtime_error(path + ": close failed");
  return n;
}

std::size_t write_events_file(const Pedigree& p, const std::string& path) {
  std::FILE* f = open_out(path);
  std::size_t n;
  {
    Sink s(f);
    events_rows(p, s);
    s.flush();
    n = s.written();
  }
  if (std::fclose(f) != 0) throw std::runtime_error(path + ": close failed");
  return n;
}

io::RawTables to_raw_tables(const Pedigree& p) {
  io::RawTables t;
  const std::size_t n = p.size();
  auto& rp = t.persons;
  rp.source.file = "persons (synthetic)";
  rp.id = p.id;
  rp.sex = p.sex;
  rp.birth.resize(n);
  rp.exit.resize(n);
  rp.mother.resize(n);
  rp.father.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Partial dates are imputed as the loader does (1 July / the 15th).
    Day b = p.birth[i];
    const YMD c = civil_from_days(b);
    if (p.birth_precision[i] == DatePrecision::year) b = days_from_civil(c.year, 7, 1);
    else if (p.birth_precision[i] == DatePrecision::month) b = days_from_civil(c.year, c.month, 15);
    rp.birth[i] = Date{b, p.birth_precision[i]};
    rp.exit[i] = p.exit[i] == NO_DAY ? Date{} : Date{p.exit[i], DatePrecision::day};
    rp.mother[i] = p.mother[i] == NONE ? io::NO_ID : p.id[p.mother[i]];
    rp.father[i] = p.father[i] == NONE ? io::NO_ID : p.id[p.father[i]];
  }
  std::uint16_t kind_code[std::size(event_kinds)], src_code[std::size(event_sources)];
  for (std::size_t k = 0; k < std::size(event_kinds); ++k) kind_code[k] = *t.kinds.intern(event_kinds[k]);
  for (std::size_t k = 0; k < std::size(event_sources); ++k) src_code[k] = *t.sources.intern(event_sources[k]);
  auto& re = t.events;
  re.source.file = "events (synthetic)";
  for (const auto& e : p.events) {
    re.incident.push_back(e.incident);
    re.person.push_back(p.id[e.person]);
    re.role.push_back(e.role);
    re.date.push_back(Date{e.date, DatePrecision::day});
    re.kind.push_back(kind_code[e.kind]);
    re.src.push_back(src_code[e.source]);
  }
  return t;
}

}  // namespace famgraph::bench
