#pragma once
// Where a sharded run stands (`tlsx status DIR`, docs/cluster.md): for each shard, done / running /
// pending / stopped / failed / lost / not started, with its progress (stages done, the stage it is
// in, whether that stage has a checkpoint, the last line of its log). Read from the files the shards
// write (shard_plan.hpp) and, on a Slurm cluster, from the queue (`squeue`), so that a task killed
// without a word (SIGKILL, a node lost) shows as lost rather than running.
#include <map>
#include <string>
#include <vector>

namespace tlsx {

// DIR/slurm/jobs.toml: the last submission of `tlsx slurm`.
struct SlurmSubmission {
  int shards = 0;
  std::string config;       // the preset, absolute
  std::string array_job;    // job id of the array ("" before the first submission)
  std::string array;        // the array's indices ("0-7", "1,4")
  std::string merge_job;
  std::string submitted;    // ISO 8601 UTC
};
bool has_slurm_submission(const std::string& run_dir);
SlurmSubmission read_slurm_submission(const std::string& run_dir);
void write_slurm_submission(const std::string& run_dir, const SlurmSubmission& s);

// The Slurm queue as squeue shows it: job id ("123") and array task ("122_4") -> state ("RUNNING").
struct SlurmQueue {
  bool known = false;  // squeue answered
  std::map<std::string, std::string> state;
  std::string of(const std::string& job) const;  // "" when not queued
};

struct ShardProgress {
  int index = 0;
  std::string state;         // done, running, pending, stopped, failed, lost, not started
  std::string detail;        // why (failure message, host, job)
  int stages_done = 0, stages = 0;
  std::string stage;         // label of the first stage not done
  bool checkpoint = false;   // that stage has a checkpoint
  long checkpoint_age = -1;  // seconds since it was written
  std::string log_line;      // last line of DIR/slurm/logs/shard-K.log
};

struct RunStatus {
  std::string run_dir;
  int shards = 0;
  bool merged = false;       // DIR/library.h5 exists
  std::string merge_state;   // the merge job's queue state ("" when not queued)
  std::vector<ShardProgress> shard;
};

// Errors name the directory or the shard.
RunStatus sharded_run_status(const std::string& run_dir, const SlurmQueue& queue);

// One line per shard and a summary line, for humans.
std::string format_run_status(const RunStatus& s);

}  // namespace tlsx
