#pragma once
// Running the tlsx program from a test: its exit status, stdout and stderr; and reading numbers out
// of the one-object JSON texts of --json.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace tlsx::testing {

// A scratch file unique to this test process: <gtest TempDir>tlsx_<tag>_<pid>_<name>.
inline std::string scratch_path(const std::string& tag, const std::string& name) {
  return ::testing::TempDir() + "tlsx_" + tag + "_" + std::to_string(::getpid()) + "_" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

struct ProgramRun {
  int code = -1;  // exit status; -1 when the program did not exit normally
  std::string out, err;
};

// Runs `tlsx ARGS` through the shell and captures what it printed.
inline ProgramRun run_tlsx(const std::string& args) {
  const std::string out = scratch_path("run", "stdout"), err = scratch_path("run", "stderr");
  const int status = std::system((std::string(TLSX_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
  ProgramRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

// The number after the first `"key":` at or after `from` in a JSON text (NaN when absent).
inline double json_number(const std::string& json, const std::string& key, std::size_t from = 0) {
  const std::size_t at = json.find("\"" + key + "\":", from);
  if (at == std::string::npos) return std::nan("");
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

// The numbers of the array after the first `"key":[` (empty when absent).
inline std::vector<double> json_array(const std::string& json, const std::string& key) {
  std::vector<double> out;
  const std::size_t at = json.find("\"" + key + "\":[");
  if (at == std::string::npos) return out;
  const char* p = json.c_str() + at + key.size() + 4;
  while (*p && *p != ']') {
    char* end = nullptr;
    out.push_back(std::strtod(p, &end));
    if (end == p) break;
    p = end;
    if (*p == ',') ++p;
  }
  return out;
}

}  // namespace tlsx::testing
