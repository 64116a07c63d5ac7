#include "tlsx/core/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace tlsx {

bool Progress::quiet = false;

std::string format_duration(double s) {
  char buf[64];
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, (static_cast<int>(s) % 3600) / 60);
  }
  return buf;
}

Progress::Progress(std::string what, double total, std::string unit, double interval_seconds)
    : what_(std::move(what)), unit_(std::move(unit)), total_(total), interval_(interval_seconds) {
  start_ = last_ = std::chrono::steady_clock::now();
  tty_ = isatty(STDERR_FILENO) != 0;
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(double done, const std::string& extra) {
  if (quiet) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (tty_ ? 0.25 : interval_)) return;
  last_ = now;
  print(done, extra, false);
}

void Progress::finish(const std::string& extra) {
  if (quiet) return;
  print(total_, extra, true);
}

void Progress::print(double done, const std::string& extra, bool final) {
  const double t = elapsed();
  const double rate = t > 0 ? done / t : 0.0;
  const double eta = rate > 0 ? (total_ - done) / rate : NAN;
  const double pct = total_ > 0 ? 100.0 * done / total_ : 100.0;
  char line[512];
  if (final) {
    std::snprintf(line, sizeof line, "%s: done %.0f %s in %s (%.3g %s/s)%s%s", what_.c_str(), done, unit_.c_str(),
                  format_duration(t).c_str(), rate, unit_.c_str(), extra.empty() ? "" : "  ", extra.c_str());
  } else {
    std::snprintf(line, sizeof line, "%s: %5.1f%%  %.0f/%.0f %s  %.3g %s/s  elapsed %s  ETA %s%s%s", what_.c_str(),
                  pct, done, total_, unit_.c_str(), rate, unit_.c_str(), format_duration(t).c_str(),
                  format_duration(eta).c_str(), extra.empty() ? "" : "  ", extra.c_str());
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace tlsx
