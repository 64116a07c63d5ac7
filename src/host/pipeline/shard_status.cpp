#include "tlsx/pipeline/shard_status.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <sstream>

#include "tlsx/core/error.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/plain_files.hpp"
#include "tlsx/pipeline/run_plan.hpp"
#include "tlsx/pipeline/shard_plan.hpp"

namespace tlsx {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string submission_path(const std::string& run_dir) { return run_dir + "/slurm/jobs.toml"; }

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The last non-empty line of a log (progress lines end in \r).
std::string last_line(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > 4096 ? size - 4096 : 0;
  in.seekg(from);
  std::string tail((std::istreambuf_iterator<char>(in)), {});
  std::size_t end = tail.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "";
  const std::size_t start = tail.find_last_of("\r\n", end);
  std::string line = tail.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
  if (line.size() > 160) line = line.substr(0, 157) + "...";
  return line;
}

std::string this_host() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// The shard's process on this host still runs: it exists, is no zombie (killed, not yet reaped) and
// is a tlsx program (not another process that got its pid since).
bool process_alive(long pid) {
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return false;
  const std::string proc = "/proc/" + std::to_string(pid);
  const std::string stat = read_text(proc + "/stat");
  const std::size_t paren = stat.rfind(')');
  if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z') return false;
  const std::string cmdline = read_text(proc + "/cmdline");
  return cmdline.empty() || cmdline.find("tlsx") != std::string::npos;
}

// State of a shard that has not finished, from its last word and the queue.
void judge(ShardProgress& p, const ShardRunState& st, const SlurmQueue& queue, const std::string& task) {
  const std::string queued = queue.of(task);
  if (st.state == "running") {
    const std::string& job = st.slurm_job;
    const std::string name = st.slurm_task.empty() ? job : st.slurm_task;  // "812_17" in an array
    if (!job.empty() && queue.known) {
      std::string q = queue.of(job);
      if (q.empty()) q = queue.of(st.slurm_task);
      if (q == "RUNNING" || q == "COMPLETING") {
        p.state = "running";
        p.detail = "job " + name + " on " + st.host;
      } else if (!q.empty()) {
        p.state = "pending";
        p.detail = "job " + name + " " + q + " (requeued)";
      } else {
        p.state = "lost";
        p.detail = "job " + name + " left the queue while the shard ran (killed, or its node lost): resubmit it";
      }
    } else if (!job.empty()) {
      p.state = "running";
      p.detail = "job " + name + " on " + st.host + " (squeue not available to check)";
    } else if (st.host == this_host()) {
      p.state = process_alive(st.pid) ? "running" : "lost";
      p.detail = p.state == "running" ? "pid " + std::to_string(st.pid) + " on " + st.host
                                      : "process " + std::to_string(st.pid) + " is gone without a word (killed): continue it with --resume";
    } else {
      p.state = "running";
      p.detail = "pid " + std::to_string(st.pid) + " on " + st.host + " (another host: not checked)";
    }
    return;
  }
  if (queued == "PENDING" || queued == "CONFIGURING") {
    p.state = "pending";
    p.detail = "job " + task + " " + queued;
    return;
  }
  if (queued == "RUNNING") {
    p.state = "running";
    p.detail = "job " + task + " starting";
    return;
  }
  if (st.state == "failed") {
    p.state = "failed";
    p.detail = st.message;
  } else if (st.state == "stopped" || st.state == "done") {
    p.state = "stopped";
    p.detail = st.message;
  } else {
    p.state = "not started";
  }
}

}  // namespace

std::string SlurmQueue::of(const std::string& job) const {
  if (job.empty()) return "";
  const auto it = state.find(job);
  return it == state.end() ? "" : it->second;
}

bool has_slurm_submission(const std::string& run_dir) { return exists(submission_path(run_dir)); }

SlurmSubmission read_slurm_submission(const std::string& run_dir) {
  const std::string path = submission_path(run_dir);
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw input_error(path, static_cast<long>(e.source().begin.line), std::string(e.description()));
  }
  SlurmSubmission s;
  const auto shards = t["shards"].value<std::int64_t>();
  if (!shards || *shards < 1) throw input_error(path, 0, "shards: expected a positive integer");
  s.shards = static_cast<int>(*shards);
  s.config = t["config"].value_or(std::string());
  s.array_job = t["array_job"].value_or(std::string());
  s.array = t["array"].value_or(std::string());
  s.merge_job = t["merge_job"].value_or(std::string());
  s.submitted = t["submitted"].value_or(std::string());
  return s;
}

void write_slurm_submission(const std::string& run_dir, const SlurmSubmission& s) {
  write_text_atomically(submission_path(run_dir),
                        "# the last submission of tlsx slurm (docs/cluster.md)\nshards = " + std::to_string(s.shards) +
                            "\nconfig = " + quoted(s.config) + "\narray_job = " + quoted(s.array_job) +
                            "\narray = " + quoted(s.array) + "\nmerge_job = " + quoted(s.merge_job) +
                            "\nsubmitted = " + quoted(s.submitted) + "\n");
}

RunStatus sharded_run_status(const std::string& run_dir, const SlurmQueue& queue) {
  RunStatus r;
  r.run_dir = run_dir;
  SlurmSubmission sub;
  const bool submitted = has_slurm_submission(run_dir);
  if (submitted) sub = read_slurm_submission(run_dir);
  const std::vector<int> on_disk = shard_indices_on_disk(run_dir);
  std::string config = sub.config;
  if (submitted) {
    r.shards = sub.shards;
  } else {
    for (const int k : on_disk)
      if (has_shard_manifest(run_dir, k)) {
        const ShardManifest m = read_shard_manifest(run_dir, k);
        r.shards = m.count;
        config = m.config_path;
        break;
      }
  }
  if (r.shards == 0)
    throw Error(run_dir + ": not a sharded run (no " + submission_path(run_dir) + ", no " + shards_directory(run_dir) +
                "/K/shard.toml)");
  r.merged = exists(run_dir + "/library.h5");
  r.merge_state = queue.of(sub.merge_job);
  const std::time_t now = std::time(nullptr);
  for (int k = 0; k < r.shards; ++k) {
    ShardProgress p;
    p.index = k;
    const std::string dir = shard_directory(run_dir, k);
    std::string preset = config;
    if (has_shard_manifest(run_dir, k)) {
      const ShardManifest m = read_shard_manifest(run_dir, k);
      if (m.count != r.shards)
        throw Error(shard_label(run_dir, k) + ": one of " + std::to_string(m.count) + " shards, but the run has " +
                    std::to_string(r.shards));
      preset = m.config_path;
    }
    if (exists(dir + "/run.toml") && !preset.empty()) {
      const RunPlan plan = shard_run_plan(read_text(dir + "/run.toml"), preset, folder_of(preset), run_dir, k, r.shards);
      p.stages = static_cast<int>(plan.stages.size());
      for (const StageInvocation& s : plan.stages) {
        if (exists(s.output)) {
          ++p.stages_done;
          continue;
        }
        if (p.stage.empty()) {
          p.stage = s.label;
          struct stat st {};
          if (::stat((s.output + ".ckpt").c_str(), &st) == 0) {
            p.checkpoint = true;
            p.checkpoint_age = static_cast<long>(now - st.st_mtime);
          }
        }
      }
    }
    p.log_line = last_line(run_dir + "/slurm/logs/shard-" + std::to_string(k) + ".log");
    if (p.stages > 0 && p.stages_done == p.stages) {
      p.state = "done";
    } else {
      judge(p, read_shard_state(run_dir, k), queue, sub.array_job.empty() ? "" : sub.array_job + "_" + std::to_string(k));
    }
    r.shard.push_back(p);
  }
  return r;
}

std::string format_run_status(const RunStatus& s) {
  std::map<std::string, int> counts;
  for (const ShardProgress& p : s.shard) ++counts[p.state];
  std::string out = s.run_dir + ": " + std::to_string(s.shards) + " shards";
  for (const auto& [state, n] : counts) out += ", " + std::to_string(n) + " " + state;
  out += s.merged ? "; merged (" + s.run_dir + "/library.h5)" : "; not merged";
  if (!s.merge_state.empty()) out += " (merge job " + s.merge_state + ")";
  out += "\n";
  for (const ShardProgress& p : s.shard) {
    char head[64];
    std::snprintf(head, sizeof head, "  shard %-4d %-12s", p.index, p.state.c_str());
    out += head;
    if (p.stages > 0) out += std::to_string(p.stages_done) + "/" + std::to_string(p.stages) + " stages";
    if (!p.stage.empty() && p.state != "done") {
      out += ", at " + p.stage;
      if (p.checkpoint) out += " (checkpoint " + std::to_string(p.checkpoint_age) + " s old)";
    }
    if (!p.detail.empty()) out += "; " + p.detail;
    if (!p.log_line.empty() && p.state != "done") out += "\n               log: " + p.log_line;
    out += "\n";
  }
  return out;
}

}  // namespace tlsx
