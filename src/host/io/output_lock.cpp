#include "tlsx/io/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

// The pid the holder wrote into the lock file ("" while it has not yet written it).
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string lock_path_for(const std::string& output) { return output + ".lock"; }

OutputLock::OutputLock(const std::string& lock_path, const std::string& who, const std::string& what) {
  // A holder removes the file when it releases, so a lock taken on a file that was meanwhile removed
  // (or replaced) protects nothing: retry on the file the path names now.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(who + ": cannot create the lock file " + lock_path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int saved = errno;
      const std::string pid = holder_pid(fd);
      ::close(fd);
      if (saved != EWOULDBLOCK)
        throw Error(who + ": cannot lock " + lock_path + ": " + std::strerror(saved));
      throw Error(who + ": " + what + " is in use by " + (pid.empty() ? "another process" : "process " + pid) +
                  " (lock " + lock_path + "): wait for it to finish, or stop it (SIGTERM checkpoints it)");
    }
    struct stat held {}, named {};
    if (::fstat(fd, &held) != 0 || ::stat(lock_path.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
        held.st_dev != named.st_dev) {
      ::close(fd);
      continue;
    }
    const std::string pid = std::to_string(static_cast<long>(::getpid())) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
      const int saved = errno;
      ::unlink(lock_path.c_str());
      ::close(fd);
      throw Error(who + ": cannot write the lock file " + lock_path + ": " + std::strerror(saved));
    }
    fd_ = fd;
    path_ = lock_path;
    return;
  }
  throw Error(who + ": cannot take the lock " + lock_path + " (it keeps being replaced)");
}

void OutputLock::release() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still locked: a waiting process then retries on a new file
  ::close(fd_);
  fd_ = -1;
}

OutputLock::~OutputLock() { release(); }

OutputLock::OutputLock(OutputLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

}  // namespace tlsx
