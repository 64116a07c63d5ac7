#include "tlsx/pipeline/slurm_jobs.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/run_plan.hpp"

namespace tlsx {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (const char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t k = 0; k <= s.size(); ++k)
    if (k == s.size() || s[k] == sep) {
      out.push_back(s.substr(start, k - start));
      start = k + 1;
    }
  return out;
}

std::string directive(const std::string& option) { return "#SBATCH " + option + "\n"; }

// The #SBATCH lines both jobs share.
std::string common_directives(const SlurmJobOptions& o) {
  std::string s;
  if (!o.partition.empty()) s += directive("--partition=" + o.partition);
  if (!o.account.empty()) s += directive("--account=" + o.account);
  for (const std::string& e : o.extra) s += directive(e);
  return s;
}

std::string tlsx_command(const SlurmJobOptions& o) { return shell_quote(o.tlsx); }

}  // namespace

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

long slurm_time_seconds(const std::string& text, const std::string& flag) {
  const auto bad = [&]() {
    return Error(flag + " " + text +
                 ": expected a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)");
  };
  long days = 0;
  std::string rest = text;
  const std::size_t dash = text.find('-');
  const bool with_days = dash != std::string::npos;
  if (with_days) {
    if (!all_digits(text.substr(0, dash))) throw bad();
    days = std::stol(text.substr(0, dash));
    rest = text.substr(dash + 1);
  }
  const std::vector<std::string> parts = split(rest, ':');
  if (parts.size() > 3) throw bad();
  for (const std::string& p : parts)
    if (!all_digits(p)) throw bad();
  std::vector<long> v;
  for (const std::string& p : parts) v.push_back(std::stol(p));
  long seconds = 0;
  if (with_days) {  // D-HH, D-HH:MM, D-HH:MM:SS
    seconds = v[0] * 3600 + (v.size() > 1 ? v[1] * 60 : 0) + (v.size() > 2 ? v[2] : 0);
  } else if (v.size() == 1) {  // minutes
    seconds = v[0] * 60;
  } else if (v.size() == 2) {  // MM:SS
    seconds = v[0] * 60 + v[1];
  } else {  // HH:MM:SS
    seconds = v[0] * 3600 + v[1] * 60 + v[2];
  }
  seconds += days * 86400;
  if (seconds <= 0) throw Error(flag + " " + text + ": the time limit must be positive");
  return seconds;
}

double task_max_hours(long limit_seconds, const std::string& flag) {
  if (limit_seconds < 180)
    throw Error(flag + ": a time limit of " + std::to_string(limit_seconds) +
                " s leaves no room to checkpoint before it: give at least 3 minutes");
  const double margin = std::clamp(0.05 * static_cast<double>(limit_seconds), 60.0, 900.0);
  return (static_cast<double>(limit_seconds) - margin) / 3600.0;
}

std::string array_spec(const std::vector<int>& tasks) {
  if (tasks.empty()) throw Error("slurm: no shard to submit");
  bool consecutive = true;
  for (std::size_t k = 1; k < tasks.size(); ++k) consecutive = consecutive && tasks[k] == tasks[k - 1] + 1;
  if (consecutive)
    return tasks.size() == 1 ? std::to_string(tasks[0]) : std::to_string(tasks.front()) + "-" + std::to_string(tasks.back());
  std::string s;
  for (const int t : tasks) s += (s.empty() ? "" : ",") + std::to_string(t);
  return s;
}

std::string shard_array_script(const SlurmJobOptions& o) {
  const std::string n = std::to_string(o.shards);
  const std::string dir = shell_quote(o.run_dir);
  std::string run = tlsx_command(o) + " run --config " + shell_quote(o.config) + " --output " + dir +
                    " --shard \"$k/" + n + "\" --resume --max-hours " +
                    shortest_decimal(task_max_hours(slurm_time_seconds(o.time)));
  if (o.cpus_per_task > 0) run += " --threads \"$SLURM_CPUS_PER_TASK\"";
  if (o.gpus_per_task > 0) run += " --backend cuda";

  std::string s = "#!/bin/bash\n";
  s += "# tlsx slurm: the " + n + " shards of " + o.run_dir + " as a job array (docs/cluster.md).\n";
  s += directive("--job-name=" + o.job_name + "-shards");
  s += directive("--array=" + array_spec(o.tasks));
  s += directive("--output=" + o.run_dir + "/slurm/logs/shard-%a.log");
  s += directive("--open-mode=append");
  s += directive("--requeue");
  s += directive("--ntasks=1");
  s += directive("--time=" + o.time);
  if (o.cpus_per_task > 0) s += directive("--cpus-per-task=" + std::to_string(o.cpus_per_task));
  if (o.gpus_per_task > 0) s += directive("--gpus-per-task=" + std::to_string(o.gpus_per_task));
  if (!o.mem.empty()) s += directive("--mem=" + o.mem);
  s += common_directives(o);
  s += "set -u\n";
  s += "k=$SLURM_ARRAY_TASK_ID\n";
  s += "echo \"tlsx slurm: shard $k of " + n +
       ", job $SLURM_JOB_ID (${SLURM_ARRAY_JOB_ID}_$k) on $(hostname), start $((${SLURM_RESTART_COUNT:-0} + 1)), "
       "$(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n";
  s += "# SIGTERM (pre-emption, scancel, requeue) goes on to tlsx run, which has the running stage checkpoint.\n";
  s += "terminated=0\n";
  s += run + " &\n";
  s += "pid=$!\n";
  s += "trap 'terminated=1; kill -TERM $pid 2>/dev/null' TERM\n";
  s += "wait $pid\nstatus=$?\n";
  // The trapped SIGTERM interrupts `wait` (status 143) while tlsx run is still writing its checkpoints; wait on
  // until it has exited, then once more for its own status (bash keeps a reaped child's status; 127: none left).
  s += "if [ $terminated -eq 1 ]; then\n";
  s += "  while kill -0 $pid 2>/dev/null; do wait $pid; done\n";
  s += "  wait $pid 2>/dev/null; again=$?; [ $again -eq 127 ] || status=$again\n";
  s += "fi\n";
  s += "if [ $status -ne 0 ]; then echo \"tlsx slurm: shard $k failed (exit $status)\"; exit $status; fi\n";
  s += "if grep -q '^state = \"done\"' " + dir + "\"/shards/$k/status.toml\" 2>/dev/null; then\n";
  s += "  echo \"tlsx slurm: shard $k done\"; exit 0\nfi\n";
  s += "if [ $terminated -eq 1 ]; then echo \"tlsx slurm: shard $k stopped by SIGTERM with checkpoints\"; exit 0; fi\n";
  s += "# Stopped by --max-hours before the time limit: start again from the checkpoints.\n";
  s += "if [ \"${SLURM_RESTART_COUNT:-0}\" -lt " + std::to_string(o.max_requeues) + " ]; then\n";
  s += "  echo \"tlsx slurm: shard $k stopped at --max-hours; requeueing job $SLURM_JOB_ID\"\n";
  s += "  scontrol requeue \"$SLURM_JOB_ID\"; exit 0\nfi\n";
  s += "echo \"tlsx slurm: shard $k not finished after " + std::to_string(o.max_requeues) +
       " requeues: give it a longer --time\"\nexit 3\n";
  return s;
}

std::string merge_job_script(const SlurmJobOptions& o) {
  std::string s = "#!/bin/bash\n";
  s += "# tlsx slurm: merge the shards of " + o.run_dir + " once every array task has succeeded (docs/cluster.md).\n";
  s += directive("--job-name=" + o.job_name + "-merge");
  s += directive("--output=" + o.run_dir + "/slurm/logs/merge.log");
  s += directive("--open-mode=append");
  s += directive("--ntasks=1");
  s += directive("--time=" + o.merge_time);
  s += common_directives(o);
  s += "set -u\n";
  s += "echo \"tlsx slurm: merge, job $SLURM_JOB_ID on $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n";
  s += "exec " + tlsx_command(o) + " run --merge-shards " + shell_quote(o.run_dir) + " --config " +
       shell_quote(o.config) + "\n";
  return s;
}

}  // namespace tlsx
