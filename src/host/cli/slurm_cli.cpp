#include "slurm_cli.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "tlsx/core/error.hpp"

namespace tlsx::cli {

std::string program_path() {
  char buf[4096];
  const ssize_t len = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (len <= 0) throw Error("cannot find the tlsx program (/proc/self/exe)");
  buf[len] = '\0';
  return buf;
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) throw Error("cannot read the working directory");
  std::string p = path;
  while (p.rfind("./", 0) == 0) p = p.substr(2);
  return std::string(cwd) + (p.empty() || p == "." ? "" : "/" + p);
}

CommandResult run_command(const std::string& command) {
  CommandResult r;
  std::fflush(stdout);
  std::fflush(stderr);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, got);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r;
}

SlurmQueue read_slurm_queue() {
  SlurmQueue q;
  // One line per job and per array task: "122_4 126 RUNNING" (task name, its own job id, state).
  const CommandResult r = run_command("squeue -h -r -o '%i %A %T' 2>/dev/null");
  if (r.status != 0) return q;
  q.known = true;
  std::istringstream lines(r.out);
  std::string name, id, state;
  while (lines >> name >> id >> state) {
    q.state[name] = state;
    q.state[id] = state;
  }
  return q;
}

}  // namespace tlsx::cli
