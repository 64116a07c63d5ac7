// tlsx status DIR [--json]
// Which shards of a sharded run are done, running, pending, stopped, failed or lost, with their
// progress (shard_status.hpp, docs/cluster.md). Reads the Slurm queue when squeue is there.
#include <cstdio>
#include <memory>

#include "cli_common.hpp"
#include "slurm_cli.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/shard_status.hpp"

namespace {

struct StatusCli {
  std::string dir;
  bool json = false;
};

void run_status(const StatusCli& c) {
  const tlsx::RunStatus s = tlsx::sharded_run_status(c.dir, tlsx::cli::read_slurm_queue());
  std::fputs(tlsx::format_run_status(s).c_str(), stderr);
  if (!c.json) return;
  std::vector<tlsx::JsonObject> shards;
  int done = 0;
  for (const tlsx::ShardProgress& p : s.shard) {
    done += p.state == "done" ? 1 : 0;
    shards.push_back(tlsx::JsonObject()
                         .add("shard", p.index)
                         .add("state", p.state)
                         .add("stages_done", p.stages_done)
                         .add("stages", p.stages)
                         .add("stage", p.stage)
                         .add("checkpoint", p.checkpoint)
                         .add("checkpoint_age", static_cast<long long>(p.checkpoint_age))
                         .add("detail", p.detail)
                         .add("log", p.log_line));
  }
  tlsx::cli::print_json(tlsx::JsonObject()
                            .add("output", s.run_dir)
                            .add("shards", s.shards)
                            .add("done", done)
                            .add("merged", s.merged)
                            .add("merge_job_state", s.merge_state)
                            .add("shard", shards)
                            .str());
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<StatusCli>();
  CLI::App* sub = app.add_subcommand("status", "Which shards of a sharded run are done, running or failed (docs/cluster.md)");
  sub->add_option("dir", c->dir, "Directory of the run (tlsx run --shard, tlsx slurm)")->required();
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_status(*c); });
}};

}  // namespace
