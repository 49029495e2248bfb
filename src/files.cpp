// Safe inputs and outputs (see include/famgraph/io/files.hpp; Python twin famgraph/_files.py).
#include "famgraph/io/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "famgraph/data_error.hpp"

namespace famgraph::io {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view marker = ".famgraph-tmp-";

std::string where(const fs::path& p) { return shown(p.string(), 1000); }

std::string kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISREG(mode)) return "a regular file";
  return "not a regular file";
}

// Why `path` cannot be opened or stat'ed, in words (same texts as famgraph._files).
FileError describe(const fs::path& path, std::string_view what, int code) {
  const std::string p = where(path);
  const std::string expected = " (expected " + std::string(what) + ")";
  struct stat lst {};
  const bool have = ::lstat(path.c_str(), &lst) == 0;
  if (have && S_ISLNK(lst.st_mode)) {
    if (code == ELOOP) return {code, p + ": is a symbolic link loop" + expected};
    if (code == ENOENT) {
      std::string target(4096, '\0');
      const auto n = ::readlink(path.c_str(), target.data(), target.size());
      target.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
      if (n < 0) target = "?";
      return {code, p + ": is a symbolic link to " + shown(target, 1000) + ", which does not exist" +
                        expected};
    }
  }
  if (code == ENOENT) return {code, p + ": not found" + expected};
  if (code == EACCES || code == EPERM)
    return {code, p + ": permission denied (cannot read " + std::string(what) + ")"};
  if (code == ENOTDIR) return {code, p + ": a part of the path is not a folder" + expected};
  if (code == ENXIO && have) return {code, p + ": is " + kind(lst.st_mode) + expected};
  return {code, p + ": cannot be read: " + std::strerror(code) + expected};
}

unsigned current_umask() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<unsigned>(std::strtoul(line.c_str() + 6, nullptr, 8));
  }
  const mode_t m = ::umask(022);  // systems without /proc/self/status
  ::umask(m);
  return m;
}

std::string host_tag() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  std::uint32_t h = 0x811C9DC5u;
  for (const char* c = name; *c; ++c) h = (h ^ static_cast<unsigned char>(*c)) * 0x01000193u;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int k = 7; k >= 0; --k, h >>= 4) out[static_cast<std::size_t>(k)] = hex[h & 15];
  return out;
}

bool alive(long pid) {
  if (pid == static_cast<long>(::getpid())) return true;
  if (pid <= 0 || pid > 0x7FFFFFFF) return true;  // not ours to judge
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// `.<name>.famgraph-tmp-<8 hex>-<pid>-<alnum>`: the host tag and pid, or nothing.
std::optional<std::pair<std::string, long>> parse_temporary(std::string_view n) {
  const auto at = n.rfind(marker);
  if (n.empty() || n[0] != '.' || at == std::string_view::npos || at < 1) return std::nullopt;
  std::string_view rest = n.substr(at + marker.size());
  if (rest.size() < 12 || rest[8] != '-') return std::nullopt;
  for (std::size_t k = 0; k < 8; ++k)
    if (!((rest[k] >= '0' && rest[k] <= '9') || (rest[k] >= 'a' && rest[k] <= 'f'))) return std::nullopt;
  const std::string host(rest.substr(0, 8));
  rest.remove_prefix(9);
  std::size_t k = 0;
  long pid = 0;
  while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') {
    if (pid < 100000000000L) pid = pid * 10 + (rest[k] - '0');
    ++k;
  }
  if (k == 0 || k >= rest.size() || rest[k] != '-' || k + 1 >= rest.size()) return std::nullopt;
  for (std::size_t j = k + 1; j < rest.size(); ++j) {
    const char c = rest[j];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return std::nullopt;
  }
  return std::make_pair(host, pid);
}

std::string temporary_name(const std::string& target_name) {
  std::string base = target_name.substr(0, 120);
  // Do not cut a UTF-8 sequence in half.
  while (!base.empty() && (static_cast<unsigned char>(base.back()) & 0xC0) == 0x80) base.pop_back();
  if (!base.empty() && static_cast<unsigned char>(base.back()) >= 0xC0) base.pop_back();
  return "." + base + std::string(marker) + host_tag() + "-" + std::to_string(::getpid()) + "-";
}

void fsync_path(const fs::path& p, bool folder) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// ---- the pending temporary folders, for the signal handler (no allocation there) ----------

constexpr int n_slots = 8, n_files = 16;
constexpr std::size_t path_max = 4096, name_max = 256;
struct Slot {
  std::atomic<bool> used{false};
  std::atomic<bool> armed{false};
  char dir[path_max];
  std::atomic<int> files{0};
  char names[n_files][name_max];
};
Slot slots[n_slots];

int take_slot(const fs::path& dir) {
  const std::string& s = dir.native();
  if (s.size() >= path_max) return -1;
  for (int k = 0; k < n_slots; ++k) {
    bool expected = false;
    if (slots[k].used.compare_exchange_strong(expected, true)) {
      std::memcpy(slots[k].dir, s.c_str(), s.size() + 1);
      slots[k].files.store(0);
      slots[k].armed.store(true, std::memory_order_release);
      return k;
    }
  }
  return -1;
}

void release_slot(int k) {
  if (k < 0) return;
  slots[k].armed.store(false, std::memory_order_release);
  slots[k].files.store(0);
  slots[k].used.store(false, std::memory_order_release);
}

}  // namespace

bool looks_like_utf16(std::string_view head) noexcept {
  const auto starts = [&](std::string_view p) { return head.substr(0, p.size()) == p; };
  using namespace std::string_view_literals;
  if (starts("\xFF\xFE"sv) || starts("\xFE\xFF"sv) || starts("\x00\x00\xFE\xFF"sv)) return true;
  const std::string_view s = head.substr(0, 512);
  if (s.size() < 4) return false;
  for (int zeros_at = 0; zeros_at < 2; ++zeros_at) {
    std::size_t n_zero_slots = 0, zeros = 0, n_text_slots = 0, text = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if (static_cast<int>(i % 2) == zeros_at) {
        ++n_zero_slots;
        zeros += b == 0;
      } else {
        ++n_text_slots;
        text += b >= 0x09 && b < 0x7F;
      }
    }
    // the same comparisons as Python: count >= 0.9 * len
    if (10 * zeros >= 9 * n_zero_slots && 10 * text >= 9 * n_text_slots) return true;
  }
  return false;
}

int open_input(const fs::path& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw describe(path, what, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw describe(path, what, e);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw FileError(S_ISDIR(st.st_mode) ? EISDIR : EINVAL,
                    where(path) + ": is " + kind(st.st_mode) + " (expected " + std::string(what) + ")");
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

std::optional<fs::path> optional_input(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw describe(path, "a regular file", errno);
  }
  return path;
}

void require_folder(const fs::path& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw describe(path, what, errno);
  if (!S_ISDIR(st.st_mode))
    throw FileError(ENOTDIR, where(path) + ": is " + kind(st.st_mode) + " (expected " + std::string(what) + ")");
}

std::vector<std::string> remove_stale_temporaries(const fs::path& folder) {
  std::vector<std::string> removed;
  const std::string host = host_tag();
  std::error_code ec;
  fs::directory_iterator it(folder, ec), end;
  std::vector<fs::path> stale;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto t = parse_temporary(name);
    if (!t || t->first != host || alive(t->second)) continue;
    stale.push_back(it->path());
  }
  for (const auto& p : stale) {
    std::error_code e2;
    fs::remove_all(p, e2);
    if (!e2) removed.push_back(p.filename().string());
  }
  return removed;
}

OutputFolder::OutputFolder(fs::path target) : target_(std::move(target)) {
  // "out/" names the folder out: drop trailing separators (but keep "/").
  std::string t = target_.string();
  while (t.size() > 1 && t.back() == '/') t.pop_back();
  if (t.empty()) throw OutputPathError("'': expected the name of a folder to write");
  target_ = t;
  const std::string w = where(target_);
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw OutputPathError(w + ": is " + kind(st.st_mode) + " (expected a new folder)");
    std::error_code ec;
    if (!fs::is_empty(target_, ec) || ec)
      throw FileError(EEXIST, w + ": already exists and is not an empty folder (refusing to overwrite it; "
                                  "choose a new one)");
  } else if (errno != ENOENT) {
    throw describe(target_, "a new folder", errno);
  } else if (struct stat lst {}; ::lstat(target_.c_str(), &lst) == 0) {
    // a dangling link: mkdir(2) would refuse it too; do not guess where the folder should go
    throw OutputPathError(describe(target_, "a new folder", ENOENT).what());
  }
  std::error_code ec;
  if (auto real = fs::weakly_canonical(target_, ec); !ec) target_ = real;  // links followed
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  struct stat pst {};
  if (::stat(parent.c_str(), &pst) != 0) {
    if (errno == ENOENT)
      throw FileError(ENOENT, w + ": the folder " + where(parent) + " does not exist (create it first)");
    throw describe(parent, "a folder", errno);
  }
  if (!S_ISDIR(pst.st_mode))
    throw FileError(ENOTDIR, w + ": " + where(parent) + " is " + kind(pst.st_mode) + ", not a folder");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw FileError(EACCES, w + ": permission denied (cannot write in " + where(parent) + ")");
  remove_stale_temporaries(parent);
  std::string templ = (parent / temporary_name(target_.filename().string())).string() + "XXXXXX";
  if (!::mkdtemp(templ.data())) {
    const int e = errno;
    throw FileError(e, w + ": cannot create a temporary folder in " + where(parent) + ": " + std::strerror(e));
  }
  tmp_ = templ;
  slot_ = take_slot(tmp_);
}

OutputFolder::~OutputFolder() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
  release_slot(slot_);
}

std::FILE* OutputFolder::create(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.size() >= name_max)
    throw std::invalid_argument("OutputFolder::create: '" + shown(name) + "' is not a plain file name");
  if (slot_ >= 0) {  // registered before it exists, so that the handler can always remove it
    Slot& s = slots[slot_];
    const int n = s.files.load();
    if (n < n_files) {
      std::memcpy(s.names[n], name.c_str(), name.size() + 1);
      s.files.store(n + 1, std::memory_order_release);
    }
  }
  const fs::path p = tmp_ / name;
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int e = errno;
    throw FileError(e, where(p) + ": cannot write: " + std::strerror(e));
  }
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    const int e = errno;
    ::close(fd);
    throw FileError(e, where(p) + ": cannot write: " + std::strerror(e));
  }
  files_.push_back(name);
  return f;
}

void OutputFolder::commit() {
  for (const auto& n : files_) {
    const fs::path p = tmp_ / n;
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int e = errno;
      if (fd >= 0) ::close(fd);
      throw FileError(e, where(p) + ": write failed: " + std::strerror(e));
    }
    ::close(fd);
  }
  if (::chmod(tmp_.c_str(), 0777 & ~current_umask()) != 0) {
    const int e = errno;
    throw FileError(e, where(tmp_) + ": " + std::strerror(e));
  }
  fsync_path(tmp_, true);
  // The target may have appeared meanwhile: rename(2) replaces only an empty folder.
  if (::rename(tmp_.c_str(), target_.c_str()) != 0) {
    const int e = errno;
    if (e == ENOTEMPTY || e == EEXIST)
      throw FileError(EEXIST, where(target_) + ": already exists and is not an empty folder (refusing to "
                                              "overwrite it; choose a new one)");
    throw FileError(e, where(target_) + ": cannot rename the finished folder into place: " + std::strerror(e));
  }
  committed_ = true;
  release_slot(slot_);
  slot_ = -1;
  fsync_path(target_.has_parent_path() ? target_.parent_path() : fs::path("."), true);
}

void remove_pending_outputs() noexcept {
  for (auto& s : slots) {
    if (!s.used.load(std::memory_order_acquire) || !s.armed.load(std::memory_order_acquire)) continue;
    const int n = s.files.load(std::memory_order_acquire);
    char buf[path_max + name_max + 2];
    const std::size_t len = std::strlen(s.dir);
    for (int k = 0; k < n && k < n_files; ++k) {
      const std::size_t nl = std::strlen(s.names[k]);
      std::memcpy(buf, s.dir, len);
      buf[len] = '/';
      std::memcpy(buf + len + 1, s.names[k], nl + 1);
      (void)::unlink(buf);
    }
    (void)::rmdir(s.dir);
  }
}

}  // namespace famgraph::io
