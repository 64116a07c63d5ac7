// tlsx bench [--backends cpu[,cuda]] [--n 1200] [--replicas R] [--threads T] [--md-steps S] [--json] ...
// MD, quench and swap throughput of the backends on KA2, then NEB bands and splittings (docs/bench.md;
// the workloads are tlsx/backend/throughput.hpp and tlsx/pipeline/stage_throughput.hpp). Tables on
// stderr; with --json one object on stdout.
#include <sstream>

#include "cli_common.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/backend/throughput.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/stage_throughput.hpp"

namespace {

struct BenchOptions {
  std::string backends = "cpu";
  tlsx::ThroughputWorkload workload;
  // -1: each backend's default (ThroughputWorkload).
  int replicas = -1, md_steps = -1, quenches = -1;
  int cpu_replicas = -1, cpu_md_steps = -1, cpu_quenches = -1;
  bool no_quench = false, json = false;
  tlsx::StageThroughputWorkload stages;
  int bands = -1, profiles = -1, cpu_bands = -1, cpu_profiles = -1;
  bool no_bands = false, no_splittings = false;
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
  tlsx::StageThroughputWorkload& st = o.stages;
  for (tlsx::StageThroughputSize* s : {&st.accelerator, &st.cpu}) {
    if (o.bands >= 0) s->bands = o.bands;
    if (o.profiles >= 0) s->profiles = o.profiles;
  }
  if (o.cpu_bands >= 0) st.cpu.bands = o.cpu_bands;
  if (o.cpu_profiles >= 0) st.cpu.profiles = o.cpu_profiles;
  st.measure_bands = !o.no_bands;
  st.measure_splittings = !o.no_splittings;
  tlsx::check_stage_throughput(st);  // before the engine figures take their time
  std::vector<std::string> skipped;
  const std::vector<tlsx::ThroughputFigures> figures = tlsx::measure_throughput(split_names(o.backends), w, &skipped);
  tlsx::print_throughput_table(figures, w);
  std::vector<tlsx::StageThroughputFigures> stage_figures;
  if (st.measure_bands || st.measure_splittings) {
    stage_figures = tlsx::measure_stage_throughput(split_names(o.backends), w, st);
    tlsx::print_stage_throughput_table(stage_figures, w, st);
  }
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
  std::vector<tlsx::JsonObject> stage_rows;
  for (const tlsx::StageThroughputFigures& f : stage_figures) stage_rows.push_back(f.json());
  out.add("band_images", st.images).add("band_steps", st.band_steps).add("stages", stage_rows);
  out.raw("skipped", skipped_json + "]");
  tlsx::cli::print_json(out.str());
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  tlsx::ThroughputWorkload& w = o->workload;
  CLI::App* sub = app.add_subcommand("bench", "MD, quench, swap, NEB-band and splitting throughput of the backends on KA2");
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
  sub->add_option("--bands", o->bands, "NEB bands relaxed together on every backend (default: one per CPU thread; 32 "
                                       "on an accelerator)");
  sub->add_option("--cpu-bands", o->cpu_bands, "NEB bands on the CPU (0: one per thread)");
  sub->add_option("--band-images", o->stages.images, "Images per band, ends included")->capture_default_str();
  sub->add_option("--band-steps", o->stages.band_steps, "FIRE steps per band")->capture_default_str();
  sub->add_option("--profiles", o->profiles, "Double wells for the splittings on every backend (default: 256 CPU, "
                                             "4096 accelerator)");
  sub->add_option("--cpu-profiles", o->cpu_profiles, "Double wells for the splittings on the CPU");
  sub->add_flag("--no-bands", o->no_bands, "Skip the NEB band measurement");
  sub->add_flag("--no-splittings", o->no_splittings, "Skip the splitting measurement");
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_bench(*o); });
}};

}  // namespace
