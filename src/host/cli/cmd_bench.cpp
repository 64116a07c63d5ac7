// tlsx bench [--backends cpu[,cuda]] [--n 1200] [--replicas R] [--threads T] [--md-steps S] [--json] ...
// MD, quench and swap throughput of the backends on KA2 (docs/bench.md; the workload is
// tlsx/backend/throughput.hpp). A table on stderr; with --json one object on stdout.
#include <sstream>

#include "cli_common.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/backend/throughput.hpp"
#include "tlsx/core/json.hpp"

namespace {

struct BenchOptions {
  std::string backends = "cpu";
  tlsx::ThroughputWorkload workload;
  // -1: each backend's default (ThroughputWorkload).
  int replicas = -1, md_steps = -1, quenches = -1;
  int cpu_replicas = -1, cpu_md_steps = -1, cpu_quenches = -1;
  bool no_quench = false, json = false;
};

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> names;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');)
    if (!name.empty()) names.push_back(name);
  return names;
}

void run_bench(BenchOptions o) {
  tlsx::ThroughputWorkload& w = o.workload;
  // --replicas / --md-steps / --quenches set every backend; the --cpu-* options then refine the CPU.
  for (tlsx::ThroughputSize* s : {&w.accelerator, &w.cpu}) {
    if (o.replicas >= 0) s->replicas = o.replicas;
    if (o.md_steps >= 0) s->md_steps = o.md_steps;
    if (o.quenches >= 0) s->quenches = o.quenches;
  }
  if (o.cpu_replicas >= 0) w.cpu.replicas = o.cpu_replicas;
  if (o.cpu_md_steps >= 0) w.cpu.md_steps = o.cpu_md_steps;
  if (o.cpu_quenches >= 0) w.cpu.quenches = o.cpu_quenches;
  w.quench = !o.no_quench;
  std::vector<std::string> skipped;
  const std::vector<tlsx::ThroughputFigures> figures = tlsx::measure_throughput(split_names(o.backends), w, &skipped);
  tlsx::print_throughput_table(figures, w);
  if (!o.json) return;
  std::vector<tlsx::JsonObject> rows;
  for (const tlsx::ThroughputFigures& f : figures) rows.push_back(f.json());
  std::string skipped_json = "[";
  for (std::size_t k = 0; k < skipped.size(); ++k) skipped_json += (k ? "," : "") + tlsx::JsonObject::quote(skipped[k]);
  tlsx::JsonObject out;
  out.add("program", "tlsx bench").add("version", TLSX_VERSION).add("backends_compiled", tlsx::describe_backends());
  out.add("n", w.n).add("temperature", w.temperature).add("dt", w.dt).add("tau_t", w.tau_t).add("skin", w.skin);
  out.add("threads", w.threads).add("swap_attempts_per_sweep", w.swap_attempts).add("swap_sweeps", w.swap_sweeps);
  out.add("results", rows);
  out.raw("skipped", skipped_json + "]");
  tlsx::cli::print_json(out.str());
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  tlsx::ThroughputWorkload& w = o->workload;
  CLI::App* sub = app.add_subcommand("bench", "MD, quench and swap throughput of the backends on KA2");
  sub->add_option("--backends", o->backends, "Comma-separated backends to measure (cpu, cuda)")->capture_default_str();
  sub->add_option("--n", w.n, "Particles per replica")->capture_default_str();
  sub->add_option("--replicas", o->replicas,
                  "Replicas on every backend (default: one per CPU thread; 512 on an accelerator)");
  sub->add_option("--md-steps", o->md_steps, "Timed MD steps on every backend (default: 1000 CPU, 1200 accelerator)");
  sub->add_option("--quenches", o->quenches, "Replicas quenched (default: all on the CPU, 512 on an accelerator)");
  sub->add_option("--cpu-replicas", o->cpu_replicas, "Replicas on the CPU (0: one per thread)");
  sub->add_option("--cpu-md-steps", o->cpu_md_steps, "Timed MD steps on the CPU");
  sub->add_option("--cpu-quenches", o->cpu_quenches, "Replicas quenched on the CPU (0: all)");
  sub->add_option("--threads", w.threads, "CPU threads (0: OpenMP's default)")->capture_default_str();
  sub->add_option("--swap-attempts", w.swap_attempts, "Swap attempts per replica and sweep")->capture_default_str();
  sub->add_option("--swap-sweeps", w.swap_sweeps, "Swap sweeps (one MD step apart)")->capture_default_str();
  sub->add_option("--skin", w.skin, "Neighbour-list skin")->capture_default_str();
  sub->add_option("--distinct-starts", w.distinct_starts, "Random starts shared by the replicas")
      ->capture_default_str();
  sub->add_option("--seed", w.seed, "Random seed")->capture_default_str();
  sub->add_flag("--no-quench", o->no_quench, "Skip the quench measurements");
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_bench(*o); });
}};

}  // namespace
