#pragma once
// Small helpers shared by the benchmark executables: clocks, process memory, a tiny JSON writer.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace famgraph::bench {

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// User + system CPU seconds of this process (all threads).
inline double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

struct MemStatus {
  std::size_t rss = 0;  ///< VmRSS, bytes
  std::size_t hwm = 0;  ///< VmHWM (peak RSS since start or the last reset), bytes
};

inline MemStatus mem_status() {
  MemStatus m;
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    auto take = [&](std::string_view key, std::size_t& out) {
      if (line.rfind(key, 0) == 0) out = std::stoull(line.substr(key.size())) * 1024;
    };
    take("VmRSS:", m.rss);
    take("VmHWM:", m.hwm);
  }
  return m;
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0: "5" > /proc/self/clear_refs). False if refused.
inline bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

/// Wall/CPU time and memory of one measured phase.
struct Phase {
  double wall = 0, cpu = 0;
  MemStatus before, after;
  bool peak_reset = false;
  double t0 = 0, c0 = 0;
  void start() {
    peak_reset = reset_peak_rss();
    before = mem_status();
    c0 = cpu_s();
    t0 = now_s();
  }
  void stop() {
    wall = now_s() - t0;
    cpu = cpu_s() - c0;
    after = mem_status();
  }
};

/// A JSON object written in insertion order.
class Json {
 public:
  Json& num(const std::string& k, double v) {
    if (!std::isfinite(v)) return raw(k, "null");
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return raw(k, b);
  }
  Json& fixed(const std::string& k, double v, int digits) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return raw(k, b);
  }
  Json& integer(const std::string& k, long long v) { return raw(k, std::to_string(v)); }
  Json& boolean(const std::string& k, bool v) { return raw(k, v ? "true" : "false"); }
  Json& str(const std::string& k, std::string_view v) { return raw(k, quote(v)); }
  Json& obj(const std::string& k, const Json& v) { return raw(k, v.dump()); }
  Json& raw(const std::string& k, std::string v) {
    items_.emplace_back(k, std::move(v));
    return *this;
  }
  Json& phase(const std::string& k, const Phase& p) {
    Json j;
    j.fixed("wall_s", p.wall, 4).fixed("cpu_s", p.cpu, 4);
    j.integer("rss_before_bytes", static_cast<long long>(p.before.rss));
    j.integer("rss_after_bytes", static_cast<long long>(p.after.rss));
    j.integer("peak_rss_bytes", static_cast<long long>(p.after.hwm));
    j.boolean("peak_is_phase_peak", p.peak_reset);
    return obj(k, j);
  }
  [[nodiscard]] std::string dump() const {
    std::string s = "{";
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (i) s += ", ";
      s += quote(items_[i].first) + ": " + items_[i].second;
    }
    return s + "}";
  }
  static std::string quote(std::string_view v) {
    std::string s = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') {
        s += '\\';
        s += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char b[8];
        std::snprintf(b, sizeof b, "\\u%04x", c);
        s += b;
      } else {
        s += c;
      }
    }
    return s + "\"";
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace famgraph::bench
