#pragma once
// A run split into shards of glasses (docs/cluster.md). Glasses never interact, so shard K of N runs
// glasses K, K + N, K + 2N, ... of every column of the preset, with their global ids: every random
// stream is keyed by (seed, glass id, purpose, step) (core/rng.hpp), so each glass's trajectory, its
// inherent structures and its double wells are those of the unsharded run, bit for bit.
//
//   DIR/shards/K/                 one self-contained `tlsx run` (run.toml, Tf<T_f>/..., timings.json)
//   DIR/shards/K/shard.toml       the manifest: K, N, the preset's path, the program version
//   DIR/shards/K/status.toml      what the shard's process is doing: running / stopped / failed / done,
//                                 its pid, host and Slurm job (read by `tlsx status`)
//
// merge_shards (shard_merge.hpp) joins the shards into DIR/library.h5, the library of the unsharded run.
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/pipeline/run_plan.hpp"

namespace tlsx {

// "K/N" (from --shard): 0 <= K < N, N >= 1; else a one-line error naming the flag.
GlassShard parse_glass_shard(const std::string& text);

// The columns of shard `s`: column c keeps glasses first_glass + K, first_glass + K + N, ...
// (glass_stride N); a column with fewer than K + 1 glasses has none of this shard and is left out.
// More shards than the largest column's glasses is refused (`name` labels the error: the preset).
std::vector<RunColumn> shard_columns(const std::vector<RunColumn>& columns, const GlassShard& s,
                                     const std::string& name);

// The global glass ids of a column (strided in a shard's plan).
std::vector<std::int64_t> column_glass_ids(const RunColumn& col);

std::string shards_directory(const std::string& run_dir);              // DIR/shards
std::string shard_directory(const std::string& run_dir, int index);    // DIR/shards/K
// "shard K (DIR/shards/K)": how every message names a shard.
std::string shard_label(const std::string& run_dir, int index);

struct ShardManifest {
  int index = 0, count = 0;
  std::string config_path;      // the preset, absolute (its model path resolves against its folder)
  std::string program_version;  // tlsx version that started the shard
};

// DIR/shards/K/shard.toml, written atomically.
void write_shard_manifest(const std::string& run_dir, const ShardManifest& m);
// Throws a tlsx::Error naming the shard when absent or malformed.
ShardManifest read_shard_manifest(const std::string& run_dir, int index);
bool has_shard_manifest(const std::string& run_dir, int index);

// DIR/shards/K/status.toml: the last word of the process that runs the shard.
struct ShardRunState {
  std::string state;            // "running", "stopped" (clean stop with checkpoints), "failed", "done"
  long pid = 0;
  std::string host;
  std::string slurm_job;        // SLURM_JOB_ID of the task ("" outside Slurm)
  std::string slurm_task;       // SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID ("" outside an array)
  std::string updated;          // ISO 8601 UTC
  std::string message;          // why it stopped or failed
};
void write_shard_state(const std::string& run_dir, int index, const ShardRunState& s);
// An absent file reads as state "" (never started); a malformed one throws naming the shard.
ShardRunState read_shard_state(const std::string& run_dir, int index);
// The state of this process (pid, host, Slurm variables, now) with `state` and `message`.
ShardRunState current_shard_state(const std::string& state, const std::string& message = "");

// The indices of the numbered folders under DIR/shards, ascending (none when it does not exist).
std::vector<int> shard_indices_on_disk(const std::string& run_dir);

// The plan of shard `index` of `count` from the preset text the shard stored (its run.toml), with
// relative paths resolved against the preset's folder `base_dir`.
RunPlan shard_run_plan(const std::string& preset_text, const std::string& preset_name, const std::string& base_dir,
                       const std::string& run_dir, int index, int count);

// The stages of `plan` whose output exists (a stage's output is written atomically: it exists only
// complete).
int stages_done(const RunPlan& plan);

}  // namespace tlsx
