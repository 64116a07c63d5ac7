// tlsx slurm PRESET.toml --output DIR --shards N [--partition P] [--time T] [--gpus-per-task G]
//            [--cpus-per-task C] [--mem M] [--account A] [--sbatch OPTION ...] [--dry-run] [--json]
// Writes and submits the Slurm jobs of a sharded run (slurm_jobs.hpp, docs/cluster.md): an array of N
// shard tasks and a merge job that waits for all of them. Run again on the same DIR, it resubmits
// the shards that are not done (after a task failed, was cancelled or lost its node).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli_common.hpp"
#include "preset_check.hpp"
#include "slurm_cli.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/plain_files.hpp"
#include "tlsx/pipeline/run_plan.hpp"
#include "tlsx/pipeline/shard_plan.hpp"
#include "tlsx/pipeline/shard_status.hpp"
#include "tlsx/pipeline/slurm_jobs.hpp"

namespace {

struct SlurmCli {
  std::string config, output;
  int shards = 0;
  tlsx::SlurmJobOptions jobs;
  bool dry_run = false, json = false;
};

// The job id sbatch --parsable printed ("123" or "123;cluster").
std::string submit(const std::string& args, const std::string& script) {
  const tlsx::cli::CommandResult r = tlsx::cli::run_command("sbatch --parsable " + args + " " + tlsx::shell_quote(script));
  const std::string id = r.out.substr(0, r.out.find(';'));
  if (r.status != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw tlsx::Error("slurm: sbatch " + script + " failed (exit " + std::to_string(r.status) + ")" +
                      (r.out.empty() ? "" : ": " + r.out));
  return id;
}

// The shards of DIR that still have work, after checking that DIR belongs to this preset and shard
// count and that no task of an earlier submission is still queued (two tasks on one shard).
std::vector<int> shards_to_run(const SlurmCli& c, const tlsx::RunPlan& full, const std::string& dir,
                               const tlsx::SlurmQueue& queue) {
  if (tlsx::has_slurm_submission(dir)) {
    const tlsx::SlurmSubmission before = tlsx::read_slurm_submission(dir);
    if (before.shards != c.shards)
      throw tlsx::Error("slurm: " + dir + " was submitted as " + std::to_string(before.shards) +
                        " shards: resubmit it with --shards " + std::to_string(before.shards) + " or use another --output");
    for (int k = 0; k < c.shards; ++k) {
      const std::string task = before.array_job + "_" + std::to_string(k);
      if (!queue.of(task).empty())
        throw tlsx::Error("slurm: " + tlsx::shard_label(dir, k) + " is still queued as job " + task + " (" +
                          queue.of(task) + "): wait for it or scancel it, then submit again");
    }
  }
  const std::size_t slash = c.config.find_last_of('/');
  const std::string base_dir = slash == std::string::npos ? "." : c.config.substr(0, slash);
  std::vector<int> tasks;
  for (int k = 0; k < c.shards; ++k) {
    const std::string shard_dir = tlsx::shard_directory(dir, k);
    if (tlsx::has_shard_manifest(dir, k)) {
      const tlsx::ShardManifest m = tlsx::read_shard_manifest(dir, k);
      if (m.count != c.shards)
        throw tlsx::Error("slurm: " + tlsx::shard_label(dir, k) + " is one of " + std::to_string(m.count) +
                          " shards, not " + std::to_string(c.shards));
    }
    struct stat st {};
    if (::stat((shard_dir + "/run.toml").c_str(), &st) == 0 && tlsx::read_text(shard_dir + "/run.toml") != full.config_text)
      throw tlsx::Error("slurm: " + tlsx::shard_label(dir, k) + " was started from another preset (its run.toml differs from " +
                        c.config + ")");
    const tlsx::RunPlan plan = tlsx::shard_run_plan(full.config_text, c.config, base_dir, dir, k, c.shards);
    if (tlsx::stages_done(plan) < static_cast<int>(plan.stages.size())) tasks.push_back(k);
  }
  return tasks;
}

void run_slurm(SlurmCli c) {
  if (c.shards < 1) throw tlsx::Error("slurm: --shards must be at least 1");
  c.config = tlsx::cli::absolute(c.config);
  const std::string dir = tlsx::cli::absolute(c.output);
  const tlsx::RunPlan full = tlsx::make_run_plan(c.config, dir);
  // A typo anywhere in the preset is reported now, not by every array task once it reaches that stage.
  tlsx::cli::check_preset_options(tlsx::preset_stage_options(full.config_text, c.config), c.config, full);
  tlsx::shard_columns(full.columns, {0, c.shards}, c.config);  // refuses more shards than glasses
  tlsx::task_max_hours(tlsx::slurm_time_seconds(c.jobs.time, "--time"), "--time");
  tlsx::slurm_time_seconds(c.jobs.merge_time, "--merge-time");

  const tlsx::SlurmQueue queue = c.dry_run ? tlsx::SlurmQueue{} : tlsx::cli::read_slurm_queue();
  if (!c.dry_run && !queue.known)
    throw tlsx::Error("slurm: squeue does not answer: is this a Slurm cluster's login node? (--dry-run prints the jobs)");
  tlsx::SlurmJobOptions& o = c.jobs;
  o.tlsx = tlsx::cli::program_path();
  o.config = c.config;
  o.run_dir = dir;
  o.shards = c.shards;
  o.tasks = shards_to_run(c, full, dir, queue);
  const bool merged = tlsx::cli::file_exists(full.library);
  if (o.tasks.empty() && merged) {
    std::fprintf(stderr, "slurm: nothing to submit: every shard is done and %s exists\n", full.library.c_str());
    if (c.json) tlsx::cli::print_json(tlsx::JsonObject().add("output", dir).add("submitted", false).str());
    return;
  }
  const std::string shard_script = dir + "/slurm/shards.sbatch", merge_script = dir + "/slurm/merge.sbatch";
  const std::string shard_text = o.tasks.empty() ? "" : tlsx::shard_array_script(o);
  const std::string merge_text = tlsx::merge_job_script(o);
  if (c.dry_run) {
    if (!shard_text.empty()) std::printf("# ---- %s\n%s", shard_script.c_str(), shard_text.c_str());
    std::printf("# ---- %s (sbatch --dependency=afterok:<array job>)\n%s", merge_script.c_str(), merge_text.c_str());
    return;
  }

  tlsx::make_directories(dir + "/slurm/logs", "slurm");
  tlsx::SlurmSubmission sub;
  if (tlsx::has_slurm_submission(dir)) {
    // The merge job of the earlier submission waits for an array that can no longer succeed.
    const tlsx::SlurmSubmission before = tlsx::read_slurm_submission(dir);
    if (!queue.of(before.merge_job).empty()) {
      tlsx::cli::run_command("scancel " + tlsx::shell_quote(before.merge_job) + " 2>/dev/null");
      std::fprintf(stderr, "slurm: cancelled the earlier merge job %s\n", before.merge_job.c_str());
    }
  }
  sub.shards = c.shards;
  sub.config = c.config;
  std::string dependency;
  if (!o.tasks.empty()) {
    tlsx::write_text_atomically(shard_script, shard_text);
    sub.array_job = submit("", shard_script);
    sub.array = tlsx::array_spec(o.tasks);
    dependency = "--dependency=afterok:" + sub.array_job;
    std::fprintf(stderr, "slurm: submitted job array %s: shards %s of %d (logs %s/slurm/logs/shard-K.log)\n",
                 sub.array_job.c_str(), sub.array.c_str(), c.shards, dir.c_str());
  }
  tlsx::write_text_atomically(merge_script, merge_text);
  sub.merge_job = submit(dependency, merge_script);
  sub.submitted = tlsx::utc_now();
  tlsx::write_slurm_submission(dir, sub);
  std::fprintf(stderr, "slurm: submitted merge job %s%s; follow the run with: tlsx status %s\n", sub.merge_job.c_str(),
               dependency.empty() ? "" : (" (after every shard: " + dependency + ")").c_str(), dir.c_str());
  if (c.json)
    tlsx::cli::print_json(tlsx::JsonObject()
                              .add("output", dir)
                              .add("submitted", true)
                              .add("array_job", sub.array_job)
                              .add("array", sub.array)
                              .add("merge_job", sub.merge_job)
                              .add("shards", c.shards)
                              .str());
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<SlurmCli>();
  tlsx::SlurmJobOptions& o = c->jobs;
  CLI::App* sub = app.add_subcommand(
      "slurm", "Submit a run as a Slurm job array of glass shards plus a merge job (docs/cluster.md)");
  sub->add_option("config", c->config, "Run preset (TOML)")->required()->check(CLI::ExistingFile);
  sub->add_option("-o,--output", c->output, "Directory of the run (shards in DIR/shards/K, jobs in DIR/slurm)")
      ->required();
  sub->add_option("--shards", c->shards, "Number of shards N (array tasks)")->required();
  sub->add_option("--partition", o.partition, "Slurm partition");
  sub->add_option("--time", o.time, "Time limit of each task (Slurm syntax); tasks stop with checkpoints before it")
      ->capture_default_str();
  sub->add_option("--merge-time", o.merge_time, "Time limit of the merge job")->capture_default_str();
  sub->add_option("--gpus-per-task", o.gpus_per_task, "GPUs per task (one task per GPU: 1); implies --backend cuda")
      ->check(tlsx::cli::non_negative(o.gpus_per_task));
  sub->add_option("--cpus-per-task", o.cpus_per_task, "CPU cores per task; passed on as --threads")
      ->check(tlsx::cli::non_negative(o.cpus_per_task));
  sub->add_option("--mem", o.mem, "Memory per task (Slurm syntax, e.g. 8G)");
  sub->add_option("--account", o.account, "Slurm account");
  sub->add_option("--job-name", o.job_name, "Job name prefix")->capture_default_str();
  sub->add_option("--max-requeues", o.max_requeues, "Times a task requeues itself after stopping at its time limit")
      ->check(tlsx::cli::non_negative(o.max_requeues))->capture_default_str();
  sub->add_option("--sbatch", o.extra, "More #SBATCH options for both jobs, verbatim (e.g. --sbatch=--qos=long)");
  sub->add_flag("--dry-run", c->dry_run, "Print the sbatch files on stdout; write and submit nothing");
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_slurm(*c); });
}};

}  // namespace
