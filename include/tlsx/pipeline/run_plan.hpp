#pragma once
// `tlsx run --config FILE --output DIR`: the whole pipeline of the paper (Sec. II) from one TOML file,
// one column of Table I per fictive temperature:
//
//   per column  prepare -> explore -> neb -> splitting     DIR/Tf<T_f>/{glasses,explore,neb,library}.h5
//   then        merge (all columns)  -> analyze            DIR/library.h5, DIR/report/
//
// The plan is a list of stage invocations of the tlsx program itself, so `tlsx run` does exactly what
// a user typing the stages would do, and every stage keeps its own checkpoint/resume. A stage whose
// output exists is complete (outputs are written atomically) and is skipped on --resume; a stage
// with a checkpoint beside its output continues from it.
//
// The file (docs/pipeline.md has the full description; configs/smoke.toml is an example):
//   [run]        seed, backend, threads, model (path relative to the file), checkpoint_every
//   [prepare] [explore] [neb] [splitting] [analyze]
//                key = value pairs passed to that stage as --key value (underscores become dashes;
//                true -> --key, false -> omitted; arrays -> --key v1 v2 ...)
//   [[column]]   fictive_temperature, glasses, tau_cg, n_cg, and optionally first_glass
//                (default: the glasses of the columns before, so every glass id is distinct)
#include <cstdint>
#include <string>
#include <vector>

namespace tlsx {

struct StageInvocation {
  std::string stage;                // "prepare", "explore", "neb", "splitting", "merge", "analyze"
  std::string label;                // "explore T_f = 0.617" (progress lines)
  std::vector<std::string> args;    // arguments after the program name, starting with the stage
  std::string output;               // file (or directory) whose existence means the stage is done
  bool checkpointed = false;        // accepts --checkpoint-every / --max-hours / --resume
};

struct RunColumn {
  double fictive_temperature = 0.0;
  std::int64_t glasses = 0, first_glass = 0, tau_cg = 0, n_cg = 0;
  std::int64_t glass_stride = 1;    // glass ids first_glass + j * glass_stride (a shard: shard_plan.hpp)
  std::string directory;            // DIR/Tf<T_f>
};

// Shard `index` of `count` of a run's glasses (shard_plan.hpp, docs/cluster.md); count == 0: the whole run.
struct GlassShard {
  int index = 0, count = 0;
  bool sharded() const { return count > 0; }
};

struct RunPlan {
  std::string config_path;
  std::string config_text;          // the file as read (copied to DIR/run.toml for provenance)
  std::string output_dir;
  double checkpoint_every = 600.0;  // seconds, passed to the checkpointed stages
  std::vector<RunColumn> columns;
  std::vector<StageInvocation> stages;
  std::string library;              // DIR/library.h5 ("" in a shard's plan: shards are merged later)
  std::string report;               // DIR/report ("" in a shard's plan)
  GlassShard shard;                 // the shard this plan runs (output_dir is then DIR/shards/K)
};

// Reads and checks the run file (errors name the file and the table or key). `backend` and
// `threads` override [run] when not empty / not negative. A `shard` plan runs only that shard's
// glasses of every column (shard_columns, shard_plan.hpp) into `output_dir` and ends after the
// splitting stages (no merge, no analyze).
RunPlan make_run_plan(const std::string& config_path, const std::string& output_dir,
                      const std::string& backend_override = "", int threads_override = -1,
                      const GlassShard& shard = {});

// Same from the text of a file (tests); `name` labels errors, relative paths resolve against `base_dir`.
RunPlan make_run_plan_from_text(const std::string& text, const std::string& name, const std::string& base_dir,
                                const std::string& output_dir, const std::string& backend_override = "",
                                int threads_override = -1, const GlassShard& shard = {});

// One `key = value` of a stage table ([prepare] ... [analyze]) and where the file has it: what
// `tlsx run` checks against the stage's own options before any stage starts (cli/preset_check.cpp).
struct PresetOption {
  std::string stage;                // "prepare"
  std::string key;                  // as written: "swap_every"
  std::string flag;                 // "--swap-every"
  std::vector<std::string> values;  // the value(s) as command-line text; empty for a boolean
  bool boolean = false, enabled = false;  // a true/false value (a flag)
  int line = 0;
};

// The stage-table options of a preset, in file order (errors name the file and line).
std::vector<PresetOption> preset_stage_options(const std::string& text, const std::string& name);

// Shortest decimal text that reads back as the same double ("0.4", not "0.40000000000000002").
std::string shortest_decimal(double v);

}  // namespace tlsx
