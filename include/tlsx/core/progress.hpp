#pragma once
// Progress lines on stderr with rate and ETA, LAMMPS-thermo style. On a terminal the line is
// redrawn in place; otherwise (batch jobs, logs) one line is printed every `interval` seconds.
#include <chrono>
#include <string>

namespace tlsx {

class Progress {
 public:
  // `what` names the stage ("prepare"), `total` the units of work, `unit` their name ("steps").
  Progress(std::string what, double total, std::string unit, double interval_seconds = 5.0);
  // Reports that `done` units are complete; `extra` is appended (e.g. "T=0.401 e/N=-6.25").
  void update(double done, const std::string& extra = "");
  // Final line with the total time and mean rate.
  void finish(const std::string& extra = "");
  double elapsed() const;

  static bool quiet;  // set by --quiet

 private:
  void print(double done, const std::string& extra, bool final);
  std::string what_, unit_;
  double total_, interval_;
  std::chrono::steady_clock::time_point start_, last_;
  bool tty_;
  bool printed_ = false;
};

// "1h02m", "3m05s", "12.3s"
std::string format_duration(double seconds);

}  // namespace tlsx
