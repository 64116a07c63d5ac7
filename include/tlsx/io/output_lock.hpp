#pragma once
// One process per output: an advisory lock (flock) on "<output>.lock", held while a stage writes
// the output and its checkpoint (prepare, explore, neb) or while `tlsx run` works in a directory.
// A second process asking for the same lock is refused at once with the first one's pid:
//
//   explore: explore.h5 is in use by process 4711 (lock explore.h5.lock): wait for it to finish,
//            or stop it (SIGTERM checkpoints it)
//
// The kernel drops the lock when the holder exits or dies (SIGKILL, a crash, a lost node), so a stale
// lock file never blocks anyone: the next process takes it over. A clean release removes the file.
// The descriptor is close-on-exec: programs the holder starts do not inherit the lock.
#include <string>

namespace tlsx {

class OutputLock {
 public:
  OutputLock() = default;
  // Locks `lock_path`, writing our pid into it; throws tlsx::Error "<who>: <what> is in use by
  // process P (lock F): ..." when another process holds it, or when the file cannot be made.
  OutputLock(const std::string& lock_path, const std::string& who, const std::string& what);
  ~OutputLock();
  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&& other) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  void release();

 private:
  int fd_ = -1;
  std::string path_;
};

// The lock file of an output: "<output>.lock".
std::string lock_path_for(const std::string& output);

}  // namespace tlsx
