// tlsx run --config FILE --output DIR [--resume] [--max-hours H] [--backend B] [--threads T] [--json]
//          [--shard K/N]                       (shard K of N into DIR/shards/K: docs/cluster.md)
// tlsx run --merge-shards DIR [--config FILE]  (join the shards into DIR/library.h5, then analyze)
// The whole pipeline from one preset (run_plan.hpp, docs/pipeline.md): every stage is this program
// run as a child process with the stage's flags, so each keeps its own checkpoints. SIGTERM and
// SIGUSR1 are passed on to the running stage (it checkpoints); SIGINT reaches it through the
// terminal's process group. A stage that stops cleanly without its output stops the run, which
// continues with --resume.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "cli_common.hpp"
#include "preset_check.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/plain_files.hpp"
#include "tlsx/io/output_lock.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/run_plan.hpp"
#include "tlsx/pipeline/shard_merge.hpp"
#include "tlsx/pipeline/shard_plan.hpp"

namespace {

struct RunCli {
  std::string config, output, backend;
  std::string shard, merge_shards;  // --shard K/N, --merge-shards DIR
  int threads = -1;
  double max_hours = 0;
  bool resume = false, json = false;
};

volatile sig_atomic_t g_child = 0;
volatile sig_atomic_t g_stop = 0;

void forward_signal(int sig) {
  if (sig == SIGTERM) g_stop = 1;
  if (sig == SIGINT) {
    g_stop = 1;  // the child saw it through the process group
    return;
  }
  if (g_child > 0) ::kill(static_cast<pid_t>(g_child), sig);
}

// Installs the forwarding handlers while alive.
class ForwardSignals {
 public:
  ForwardSignals() {
    struct sigaction sa {};
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    for (int k = 0; k < 3; ++k) sigaction(kSignals[k], &sa, &previous_[k]);
  }
  ~ForwardSignals() {
    for (int k = 0; k < 3; ++k) sigaction(kSignals[k], &previous_[k], nullptr);
  }

 private:
  static constexpr int kSignals[3] = {SIGTERM, SIGUSR1, SIGINT};
  struct sigaction previous_[3] {};
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string self_executable() {
  char buf[4096];
  const ssize_t len = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (len <= 0) throw tlsx::Error("run: cannot find the tlsx program (/proc/self/exe)");
  buf[len] = '\0';
  return buf;
}

// Runs `program args...`; returns its exit status (128 + signal when killed).
int run_child(const std::string& program, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string argv0 = "tlsx";
  argv.push_back(argv0.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) throw tlsx::Error(std::string("run: cannot start a stage: ") + std::strerror(errno));
  if (pid == 0) {
    // The stage's --json would go to our stdout: stages talk to the user on stderr only.
    if (::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) ::_exit(127);
    ::execv(program.c_str(), argv.data());
    std::fprintf(stderr, "run: cannot execute %s: %s\n", program.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  g_child = pid;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw tlsx::Error(std::string("run: waiting for a stage: ") + std::strerror(errno));
  }
  g_child = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

std::string command_line(const std::vector<std::string>& args) {
  std::string s = "tlsx";
  for (const std::string& a : args) s += " " + a;
  return s;
}

// The plan this invocation runs: the whole preset, or with --shard K/N that shard into DIR/shards/K.
tlsx::RunPlan plan_of(const RunCli& c) {
  if (c.shard.empty()) return tlsx::make_run_plan(c.config, c.output, c.backend, c.threads);
  const tlsx::GlassShard shard = tlsx::parse_glass_shard(c.shard);
  return tlsx::make_run_plan(c.config, tlsx::shard_directory(c.output, shard.index), c.backend, c.threads, shard);
}

// How to continue this run.
std::string resume_command(const RunCli& c) {
  return "tlsx run --config " + c.config + " --output " + c.output + (c.shard.empty() ? "" : " --shard " + c.shard) +
         " --resume";
}

// Runs the plan's stages; true when all are done. `started` is called once the output directory is
// known to be this run's (shard bookkeeping, run_shard).
bool run_pipeline(const RunCli& c, const std::function<void()>& started = {}) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const tlsx::RunPlan plan = plan_of(c);
  tlsx::cli::check_preset_options(tlsx::preset_stage_options(plan.config_text, c.config), c.config, plan);
  tlsx::make_directories(plan.output_dir, "run");
  const tlsx::OutputLock lock(plan.output_dir + "/run.lock", "run", plan.output_dir);
  for (const tlsx::RunColumn& col : plan.columns) tlsx::make_directories(col.directory, "run");

  // DIR/run.toml records the preset; a directory started with another one is not continued.
  const std::string stored = plan.output_dir + "/run.toml";
  if (exists(stored)) {
    if (!c.resume)
      throw tlsx::Error("run: " + plan.output_dir + " already holds a run (" + stored +
                        "): continue it with --resume, or choose another --output");
    if (tlsx::read_text(stored) != plan.config_text)
      throw tlsx::Error("run: " + c.config + " differs from the configuration " + stored +
                        " this run was started with: use the same file to resume, or another --output");
  } else {
    tlsx::write_text_atomically(stored, plan.config_text);
  }
  if (started) started();

  const std::string program = self_executable();
  ForwardSignals forward;
  const int total = static_cast<int>(plan.stages.size());
  std::vector<tlsx::JsonObject> timings;
  bool complete = true;
  std::string stop_reason;
  for (int k = 0; k < total; ++k) {
    const tlsx::StageInvocation& s = plan.stages[static_cast<std::size_t>(k)];
    if (exists(s.output)) {
      std::fprintf(stderr, "run: [%d/%d] %s: done before (%s)\n", k + 1, total, s.label.c_str(), s.output.c_str());
      continue;
    }
    const double hours_left = c.max_hours > 0 ? c.max_hours - elapsed() / 3600.0 : 0.0;
    if (g_stop || (c.max_hours > 0 && hours_left <= 0)) {
      complete = false;
      stop_reason = g_stop ? "signal" : "--max-hours";
      break;
    }
    std::vector<std::string> args = s.args;
    if (s.checkpointed) {
      args.push_back("--checkpoint-every");
      args.push_back(tlsx::shortest_decimal(plan.checkpoint_every));
      if (c.max_hours > 0) {
        args.push_back("--max-hours");
        args.push_back(tlsx::shortest_decimal(hours_left));
      }
      if (exists(s.output + ".ckpt")) args.push_back("--resume");
    }
    std::fprintf(stderr, "run: [%d/%d] %s: %s\n", k + 1, total, s.label.c_str(), command_line(args).c_str());
    const double start = elapsed();
    const int status = run_child(program, args);
    const double seconds = elapsed() - start;
    timings.push_back(tlsx::JsonObject().add("stage", s.stage).add("label", s.label).add("seconds", seconds));
    if (g_stop && status == 128 + SIGTERM) {  // the stage got our SIGTERM before it could checkpoint
      complete = false;
      stop_reason = "signal";
      break;
    }
    if (status != 0)
      throw tlsx::Error("run: " + s.label + " failed (exit " + std::to_string(status) +
                        "); fix the cause and continue with: " + resume_command(c));
    if (!exists(s.output)) {
      complete = false;
      stop_reason = s.label + " stopped with a checkpoint";
      break;
    }
    std::fprintf(stderr, "run: [%d/%d] %s: %.1f s\n", k + 1, total, s.label.c_str(), seconds);
  }
  tlsx::write_text_atomically(plan.output_dir + "/timings.json", tlsx::JsonObject().add("stages", timings).str() + "\n");
  if (complete && plan.shard.sharded()) {
    std::fprintf(stderr, "run: shard %d of %d done in %.1f s (%s); merge the shards with: tlsx run --merge-shards %s\n",
                 plan.shard.index, plan.shard.count, elapsed(), plan.output_dir.c_str(), c.output.c_str());
  } else if (complete) {
    std::fprintf(stderr, "run: done in %.1f s: library %s, report %s\n", elapsed(), plan.library.c_str(),
                 plan.report.c_str());
  } else {
    std::fprintf(stderr, "run: stopped (%s) after %.1f s; continue with: %s\n", stop_reason.c_str(), elapsed(),
                 resume_command(c).c_str());
  }
  if (c.json) {
    tlsx::JsonObject j;
    j.add("output", plan.output_dir)
        .add("complete", complete)
        .add("stop_reason", stop_reason)
        .add("library", complete ? plan.library : std::string())
        .add("report", complete ? plan.report : std::string())
        .add("columns", static_cast<int>(plan.columns.size()))
        .add("seconds", elapsed())
        .add("stages", timings);
    if (plan.shard.sharded()) j.add("shard", plan.shard.index).add("shards", plan.shard.count);
    tlsx::cli::print_json(j.str());
  }
  return complete;
}

std::string absolute_path(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  return path;
}

// tlsx run --shard K/N: the shard's manifest (shard.toml) and status.toml around run_pipeline, so that
// `tlsx status` and merge_shards know which run it belongs to and what it is doing.
void run_shard(const RunCli& c) {
  const tlsx::GlassShard shard = tlsx::parse_glass_shard(c.shard);
  const std::string label = tlsx::shard_label(c.output, shard.index);
  for (const int k : tlsx::shard_indices_on_disk(c.output)) {
    if (!tlsx::has_shard_manifest(c.output, k)) continue;
    const tlsx::ShardManifest other = tlsx::read_shard_manifest(c.output, k);
    if (other.count != shard.count)
      throw tlsx::Error(label + ": " + c.output + " holds shards of a run in " + std::to_string(other.count) +
                        " shards (" + tlsx::shard_label(c.output, k) + "), not " + std::to_string(shard.count) +
                        ": use --shard K/" + std::to_string(other.count) + " or another --output");
  }
  bool running = false;
  try {
    const bool complete = run_pipeline(c, [&] {
      if (!tlsx::has_shard_manifest(c.output, shard.index))
        tlsx::write_shard_manifest(c.output, {shard.index, shard.count, absolute_path(c.config), TLSX_VERSION});
      tlsx::write_shard_state(c.output, shard.index, tlsx::current_shard_state("running"));
      running = true;
    });
    tlsx::write_shard_state(c.output, shard.index,
                            tlsx::current_shard_state(complete ? "done" : "stopped",
                                                      complete ? "" : "stopped with checkpoints; continue with " +
                                                                          resume_command(c)));
  } catch (const std::exception& e) {
    // Only a run that had started says so: a refused start (another preset, no --resume) leaves the
    // shard's status as it was (another process may be running it).
    if (running) tlsx::write_shard_state(c.output, shard.index, tlsx::current_shard_state("failed", e.what()));
    throw;
  }
}

// tlsx run --merge-shards DIR: DIR/library.h5 from the shards (shard_merge.hpp), then the preset's
// analyze stage, so that DIR reads like the directory of an unsharded run.
void merge_shards(const RunCli& c) {
  const std::string& dir = c.merge_shards;
  const auto t0 = std::chrono::steady_clock::now();
  tlsx::ShardMerge m = tlsx::merge_shards(dir, c.config);
  const std::string stored = dir + "/run.toml";
  if (exists(stored) && tlsx::read_text(stored) != m.preset_text)
    throw tlsx::Error("run: " + stored + " differs from the preset the shards were run with (" + m.preset_path + ")");
  if (!exists(stored)) tlsx::write_text_atomically(stored, m.preset_text);
  const std::size_t slash = m.preset_path.find_last_of('/');
  const tlsx::RunPlan plan = tlsx::make_run_plan_from_text(
      m.preset_text, m.preset_path, slash == std::string::npos ? "." : m.preset_path.substr(0, slash), dir, c.backend,
      c.threads);
  const std::size_t glasses = m.library.glasses.size(), dws = m.library.double_wells.size();
  tlsx::write_library(plan.library, std::move(m.library));
  std::fprintf(stderr, "run: merged %d shards into %s: %zu glasses, %zu double-well rows\n", m.shards,
               plan.library.c_str(), glasses, dws);
  const tlsx::StageInvocation& analyze = plan.stages.back();
  std::fprintf(stderr, "run: %s: %s\n", analyze.label.c_str(), command_line(analyze.args).c_str());
  const int status = run_child(self_executable(), analyze.args);
  if (status != 0) throw tlsx::Error("run: analyze failed (exit " + std::to_string(status) + ")");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "run: done in %.1f s: library %s, report %s\n", seconds, plan.library.c_str(), plan.report.c_str());
  if (c.json) {
    tlsx::JsonObject j;
    j.add("output", dir)
        .add("complete", true)
        .add("library", plan.library)
        .add("report", plan.report)
        .add("shards", m.shards)
        .add("glasses", static_cast<long long>(glasses))
        .add("double_wells", static_cast<long long>(dws))
        .add("seconds", seconds);
    tlsx::cli::print_json(j.str());
  }
}

void run_command(const RunCli& c) {
  if (!c.merge_shards.empty()) {
    if (!c.shard.empty()) throw tlsx::Error("run: --merge-shards and --shard exclude each other");
    merge_shards(c);
    return;
  }
  if (c.config.empty()) throw tlsx::Error("run: --config FILE is required");
  if (c.output.empty()) throw tlsx::Error("run: --output DIR is required");
  if (c.shard.empty())
    run_pipeline(c);
  else
    run_shard(c);
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<RunCli>();
  CLI::App* sub = app.add_subcommand(
      "run", "The whole pipeline from one preset: prepare, explore, neb, splitting per T_f, then merge and analyze");
  sub->add_option("--config", c->config, "Run preset (TOML; configs/smoke.toml, configs/paper-dataset1.toml, ...)")
      ->check(CLI::ExistingFile);
  sub->add_option("-o,--output", c->output, "Directory for every file of the run");
  sub->add_option("--shard", c->shard, "Run shard K of N (glasses K, K+N, ... of every column) into DIR/shards/K");
  sub->add_option("--merge-shards", c->merge_shards,
                  "Join the finished shards of DIR into DIR/library.h5 and analyze it (docs/cluster.md)");
  sub->add_flag("--resume", c->resume, "Continue a run in DIR (finished stages are skipped, checkpoints resumed)");
  sub->add_option("--max-hours", c->max_hours, "Stop cleanly (with checkpoints) after this wall time")
      ->check(tlsx::cli::non_negative(c->max_hours));
  sub->add_option("--backend", c->backend, "Override [run] backend: auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  sub->add_option("--threads", c->threads, "Override [run] threads (CPU threads; 0: all)")->check(tlsx::cli::non_negative(c->threads));
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_command(*c); });
}};

}  // namespace
