#include "tlsx/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// fsync of a file or directory; false on failure (errno set).
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

}  // namespace

std::string temporary_path(const std::string& path) {
  return path + ".tmp." + std::to_string(static_cast<long>(::getpid()));
}

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string tmp = temporary_path(path);
  try {
    try {
      write(tmp);
    } catch (const Error& e) {
      // The user knows the output, not our temporary: name the output ("full.h5: no space left ...").
      std::string what = e.what();
      for (std::size_t at = what.find(tmp); at != std::string::npos; at = what.find(tmp, at + path.size()))
        what.replace(at, tmp.size(), path);
      throw Error(what);
    }
    if (!sync_path(tmp, false))
      throw Error(path + ": cannot sync temporary file " + tmp + ": " + std::strerror(errno));
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
      throw Error(path + ": cannot rename " + tmp + " into place: " + std::strerror(errno));
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  sync_path(directory_of(path), true);  // makes the rename durable; failure here loses nothing
}

void write_text_atomically(const std::string& path, const std::string& content) {
  write_atomically(path, [&](const std::string& tmp) {
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(path + ": cannot create " + tmp + ": " + std::strerror(errno));
    const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() && std::fflush(f) == 0;
    const int saved = errno;
    if (std::fclose(f) != 0 || !ok) throw Error(path + ": cannot write: " + std::strerror(ok ? errno : saved));
  });
}

}  // namespace tlsx
