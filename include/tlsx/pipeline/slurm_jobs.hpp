#pragma once
// The Slurm jobs of a sharded run (`tlsx slurm`, docs/cluster.md): an array job, one task per shard,
// each task `tlsx run --shard K/N --resume --max-hours H`, and a merge job that waits for the whole
// array (--dependency=afterok) and runs `tlsx run --merge-shards DIR`.
//
// A task stops cleanly (with checkpoints) H hours after it starts, before the time limit kills it,
// and then requeues itself (`scontrol requeue`, at most max_requeues times); a pre-empted or
// requeued task (`#SBATCH --requeue`) gets SIGTERM, which tlsx run passes to the running stage (it
// checkpoints), and continues from its checkpoints when it starts again. The logs of every start of
// task K are appended to DIR/slurm/logs/shard-K.log.
#include <string>
#include <vector>

namespace tlsx {

struct SlurmJobOptions {
  std::string tlsx;               // the program, absolute
  std::string config;             // the preset, absolute
  std::string run_dir;            // DIR, absolute
  int shards = 0;                 // N
  std::vector<int> tasks;         // the shards this submission runs (array indices)
  std::string partition, account, mem, job_name = "tlsx";
  std::string time = "24:00:00";  // the tasks' time limit (Slurm syntax)
  std::string merge_time = "02:00:00";
  int cpus_per_task = 0;          // 0: Slurm's default; > 0 also passes --threads to tlsx run
  int gpus_per_task = 0;          // > 0 also passes --backend cuda (one task per GPU)
  int max_requeues = 20;          // self-requeues after a --max-hours stop
  std::vector<std::string> extra; // more #SBATCH lines, verbatim ("--qos=long")
};

// Seconds of a Slurm time limit: "minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours",
// "days-hours:minutes", "days-hours:minutes:seconds". Throws a tlsx::Error naming `flag`.
long slurm_time_seconds(const std::string& text, const std::string& flag = "--time");

// The --max-hours a task passes to tlsx run: the time limit less a margin for the last checkpoint
// (5 % of the limit, at least one minute, at most 15). Refuses limits under three minutes.
double task_max_hours(long limit_seconds, const std::string& flag = "--time");

// "0-7" for a run of consecutive indices, else "1,4,6".
std::string array_spec(const std::vector<int>& tasks);

// The text of DIR/slurm/shards.sbatch and DIR/slurm/merge.sbatch.
std::string shard_array_script(const SlurmJobOptions& o);
std::string merge_job_script(const SlurmJobOptions& o);

// A word quoted for the shell ('it'\''s').
std::string shell_quote(const std::string& word);

}  // namespace tlsx
