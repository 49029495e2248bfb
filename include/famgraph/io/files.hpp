#pragma once
// Safe inputs and outputs of the C++ readers and writers; the rules are those of the Python twin
// famgraph/_files.py (docs/cli.md, "Files"), and both are tested with the same cases.
//
// Inputs: a path must name a regular file after following links. A dangling or looping link, a
// folder, a FIFO, a socket or a device is a FileError naming the file and what was expected; a
// FIFO never blocks (opened non-blocking, then rejected). An optional table is absent only when
// nothing at all is at its path (a broken link is an error, not an empty table).
//
// Outputs: a new folder is written as a temporary sibling `.<name>.famgraph-tmp-<host>-<pid>-<rnd>`
// (mkdtemp, files inside created with O_EXCL), fsynced and renamed into place; on error it is
// removed, on SIGINT/SIGTERM the command line removes it (`remove_pending_outputs`), and a later
// write into the same folder removes those of this host whose process is gone (SIGKILL).
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace famgraph::io {

/// Longest CSV record the reader buffers, in bytes (1 MiB): a longer one is the located error
/// `csv.record_too_long` (a missing line break or quote, or not a text file).
inline constexpr std::size_t max_record_bytes = std::size_t{1} << 20;

/// A file-system problem with an input or output path. `code()` is the errno value; the Python
/// bindings raise the matching OSError subclass (FileNotFoundError, PermissionError, ...).
class FileError : public std::runtime_error {
 public:
  FileError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int code() const noexcept { return code_; }

 private:
  int code_;
};

/// An output path the rules refuse (a file where a new folder is expected, ...): choose another.
class OutputPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Opens `path` read-only if it is a regular file; returns the descriptor (the caller closes it).
/// Throws FileError naming the path, what it is, and `what` was expected ("a CSV file").
int open_input(const std::filesystem::path& path, std::string_view what);

/// `std::nullopt` when nothing is at `path`, else `path` (checked when it is opened).
std::optional<std::filesystem::path> optional_input(const std::filesystem::path& path);

/// Throws FileError unless `path` is a folder (after following links).
void require_folder(const std::filesystem::path& path, std::string_view what);

/// True if the first bytes of a file look like UTF-16 or UTF-32: a byte-order mark, or ASCII with
/// a NUL byte next to every letter. Same test as famgraph._files.looks_like_utf16.
bool looks_like_utf16(std::string_view head) noexcept;

/// Removes temporary files and folders of famgraph writers in `folder` left by processes of this
/// host that no longer run (killed with SIGKILL). Best effort; returns the names removed.
std::vector<std::string> remove_stale_temporaries(const std::filesystem::path& folder);

/// A new folder written through a temporary sibling folder renamed into place at `commit()`.
class OutputFolder {
 public:
  /// Checks `target` (must not exist or be an empty folder; its parent must be a writable folder)
  /// and creates the temporary folder. Throws FileError or OutputPathError.
  explicit OutputFolder(std::filesystem::path target);
  ~OutputFolder();  ///< removes the temporary folder unless committed
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  /// A new file `name` in the temporary folder, opened for writing (O_EXCL, mode 0666 & ~umask).
  std::FILE* create(const std::string& name);
  /// fsyncs every file and the folder, sets the folder's mode to 0777 & ~umask and renames it to
  /// the target (replacing an empty folder).
  void commit();
  [[nodiscard]] const std::filesystem::path& temporary() const noexcept { return tmp_; }

 private:
  std::filesystem::path target_, tmp_;
  std::vector<std::string> files_;
  int slot_ = -1;
  bool committed_ = false;
};

/// Async-signal-safe: removes the files and temporary folders of every OutputFolder of this
/// process not yet committed (for a SIGINT/SIGTERM handler, before `_exit`).
void remove_pending_outputs() noexcept;

}  // namespace famgraph::io
