// Kill anywhere (issue 13, docs/reliability.md): `tlsx run` on a small preset is killed with SIGKILL
// (the whole process group: a crash, an OOM kill, a lost node) and stopped with SIGTERM (a scheduler)
// at moments drawn from a fixed seed inside every stage and between stages, then continued with
// --resume until it completes. After every interruption each file at a final path reads back in
// full; the finished library equals that of an uninterrupted run in every dataset and attribute
// (the write time and the program version aside).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pipeline_fixtures.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/rng.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/pipeline/glass_set.hpp"
#include "tlsx/pipeline/library.hpp"

namespace {

using namespace tlsx;

const std::string kPreset = std::string(TLSX_SOURCE_DIR) + "/tests/data/kill_run.toml";
const char* const kLabels[] = {"prepare T_f = 0.7", "explore T_f = 0.7", "neb T_f = 0.7", "splitting T_f = 0.7",
                               "merge", "analyze"};
constexpr int kStages = 6;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every dataset (as numbers or strings) and every attribute of an HDF5 file, by path; reading it
// all is the proof that the file is whole.
struct Contents {
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::vector<std::string>> strings;
};

void read_attributes(const h5::Object& o, const std::string& path, Contents& c) {
  for (const std::string& a : o.attribute_names()) {
    const std::string key = path + "@" + a;
    try {
      c.strings[key] = o.attribute<std::vector<std::string>>(a);
    } catch (const Error&) {
      c.numbers[key] = o.attribute<std::vector<double>>(a);
    }
  }
}

void read_group(const h5::Group& g, const std::string& path, Contents& c) {
  read_attributes(g, path, c);
  for (const std::string& m : g.members()) {
    const std::string child = path == "/" ? "/" + m : path + "/" + m;
    if (g.is_group(m)) {
      read_group(g.open_group(m), child, c);
    } else {
      const h5::Dataset d = g.open_dataset(m);
      read_attributes(d, child, c);
      if (d.is_string())
        c.strings[child] = d.read<std::string>();
      else
        c.numbers[child] = d.read<double>();
    }
  }
}

Contents read_all(const std::string& path) {
  Contents c;
  read_group(h5::File::open(path), "/", c);
  return c;
}

bool same_numbers(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
  return true;
}

// The files a run leaves at final paths (outputs and checkpoints), each read back in full.
void expect_final_files_read_back(const std::string& dir, const std::string& when) {
  const std::string col = dir + "/Tf0.7/";
  for (const std::string& f : {col + "glasses.h5", col + "explore.h5", col + "neb.h5", col + "library.h5",
                               dir + "/library.h5", col + "glasses.h5.ckpt", col + "explore.h5.ckpt", col + "neb.h5.ckpt"}) {
    if (!exists(f)) continue;
    try {
      read_all(f);
      if (f.size() > 3 && f.compare(f.size() - 3, 3, ".h5") == 0) {
        if (f.find("glasses.h5") != std::string::npos)
          read_glass_set(f);
        else
          read_library(f);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << when << ": " << f << " does not read back: " << e.what();
    }
  }
  for (const std::string& f : {dir + "/report/report.json", dir + "/run.toml", dir + "/timings.json"}) {
    if (!exists(f)) continue;
    const std::string text = slurp(f);
    EXPECT_FALSE(text.empty()) << when << ": " << f;
    if (f.find(".json") != std::string::npos && !text.empty())
      EXPECT_EQ(text[text.find_last_not_of(" \n")], '}') << when << ": " << f;
  }
}

// `tlsx run` in a process group of its own, stderr to `log`.
pid_t start_run(const std::string& dir, const std::string& log) {
  std::ofstream(log, std::ios::trunc).close();  // emptied before the child starts: no stale lines
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl(TLSX_BINARY, "tlsx", "run", "--config", kPreset.c_str(), "--output", dir.c_str(), "--resume", "--threads",
            "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  return pid;
}

// Waits until the log has a line that starts with `prefix` and ends with `suffix` (true), or the
// run exited (false; its status in `status`).
bool wait_for_line(pid_t pid, const std::string& log, const std::string& prefix, const std::string& suffix,
                   int& status) {
  for (;;) {
    std::istringstream lines(slurp(log));
    for (std::string line; std::getline(lines, line);)
      if (line.compare(0, prefix.size(), prefix) == 0 && line.size() >= suffix.size() &&
          line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

struct Interruption {
  int stage;       // 0..5
  bool between;    // right after the stage finished (else inside it)
  int signal;      // SIGKILL (the process group) or SIGTERM (tlsx run, which passes it on)
  double fraction; // of the stage's reference duration, inside it
};

TEST(KillAnywhere, InterruptedRunsResumeToTheUninterruptedLibrary) {
  const std::string ref = tlsx::testing::temp_path("kill_ref"), dir = tlsx::testing::temp_path("kill_run"),
                    log = tlsx::testing::temp_path("kill_log");
  std::system(("rm -rf " + ref + " " + dir).c_str());
  const pid_t first = start_run(ref, log);
  int status = 0;
  ::waitpid(first, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  const Contents expected = read_all(ref + "/library.h5");
  ASSERT_GT(expected.numbers.at("/double_wells/status").size(), 0u) << "the preset must reach the NEB stage";
  // Stage durations of the reference run (timings.json: "seconds" in stage order).
  std::vector<double> seconds;
  const std::string timings = slurp(ref + "/timings.json");
  for (std::size_t at = timings.find("\"seconds\":"); at != std::string::npos; at = timings.find("\"seconds\":", at + 1))
    seconds.push_back(std::strtod(timings.c_str() + at + 10, nullptr));
  ASSERT_EQ(seconds.size(), static_cast<std::size_t>(kStages)) << timings;

  // The schedule: every stage, inside (SIGKILL and SIGTERM at drawn moments) and after it (SIGKILL).
  const RngStream rng{2026, 0, RngPurpose::test};
  std::vector<Interruption> schedule;
  for (int s = 0; s < kStages; ++s) {
    const TwoUniforms u = two_uniforms(rng, static_cast<std::uint64_t>(s), 0);
    schedule.push_back({s, false, SIGKILL, u.u0});
    schedule.push_back({s, false, SIGTERM, u.u1});
    schedule.push_back({s, true, SIGKILL, 0.0});
  }
  const std::string col = dir + "/Tf0.7/";
  const std::string outputs[kStages] = {col + "glasses.h5", col + "explore.h5", col + "neb.h5", col + "library.h5",
                                        dir + "/library.h5", dir + "/report/report.json"};
  int interrupted = 0;
  for (const Interruption& k : schedule) {
    if (exists(outputs[k.stage])) continue;  // finished already (an interruption landed later)
    const std::string prefix = "run: [" + std::to_string(k.stage + 1) + "/" + std::to_string(kStages) + "] " +
                               kLabels[k.stage] + ": ";
    const std::string when = std::string(k.signal == SIGKILL ? "SIGKILL" : "SIGTERM") +
                             (k.between ? " after " : " inside ") + kLabels[k.stage];
    const pid_t pid = start_run(dir, log);
    // Inside: once the stage's command line is printed (it starts now), wait the drawn fraction of
    // its reference duration. After: when its "N s" line is printed.
    if (!wait_for_line(pid, log, k.between ? prefix : prefix + "tlsx ", k.between ? " s" : "", status)) continue;
    if (!k.between) std::this_thread::sleep_for(std::chrono::duration<double>(k.fraction * seconds[k.stage]));
    if (k.signal == SIGKILL)
      ::kill(-pid, SIGKILL);
    else
      ::kill(pid, SIGTERM);
    ::waitpid(pid, &status, 0);
    ++interrupted;
    std::printf("%s (%.2f of %.1f s): %s %d\n", when.c_str(), k.fraction, seconds[k.stage],
                WIFSIGNALED(status) ? "killed by signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    expect_final_files_read_back(dir, when);
  }
  EXPECT_GE(interrupted, kStages) << "too few interruptions landed";
  std::printf("%d interruptions\n", interrupted);
  // Continue until complete.
  int calls = 0;
  while (!exists(dir + "/report/report.json") && calls++ < 5) {
    const pid_t pid = start_run(dir, log);
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  }
  expect_final_files_read_back(dir, "finished");
  const Contents got = read_all(dir + "/library.h5");
  for (const auto& [path, values] : expected.numbers) {
    ASSERT_TRUE(got.numbers.count(path)) << path;
    EXPECT_TRUE(same_numbers(got.numbers.at(path), values)) << path;
  }
  for (const auto& [path, values] : expected.strings) {
    if (path == "/@created" || path == "/@program_version") continue;
    ASSERT_TRUE(got.strings.count(path)) << path;
    EXPECT_EQ(got.strings.at(path), values) << path;
  }
  EXPECT_EQ(got.numbers.size(), expected.numbers.size());
  EXPECT_EQ(got.strings.size(), expected.strings.size());
  std::system(("rm -rf " + ref + " " + dir + " " + log).c_str());
}

}  // namespace
