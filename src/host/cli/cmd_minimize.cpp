// tlsx minimize FILE -o OUT [--algo fire|cg] [--ftol F] [--max-iterations K] [--model M] [--json]
// Quenches one configuration to its inherent structure (docs/cli-md-minimize.md).
#include <chrono>
#include <memory>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"

namespace {

struct MinimizeOptions {
  std::string input, output, algo = "fire", model;
  double ftol = 1e-10;
  int max_iterations = 200000;
  bool json = false;
  std::string backend = "cpu";  // one configuration: a CPU core unless asked otherwise
  int threads = 0;  // a single replica uses one thread whatever the count
};

void run_minimize(const MinimizeOptions& o) {
  const tlsx::Model model = tlsx::resolve_model(o.model);
  tlsx::Configuration c = tlsx::cli::load_configuration(o.input, model);
  tlsx::MinimizeParams params;
  tlsx::parse_minimize_algorithm(o.algo.c_str(), params.algorithm);  // a member (checked by CLI11)
  params.force_tolerance = o.ftol;
  params.max_iterations = o.max_iterations;
  const std::unique_ptr<tlsx::Backend> backend = tlsx::make_backend(o.backend, o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const tlsx::MinimizeResult res = tlsx::minimize_configuration(c, model, params, *backend);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  tlsx::write_configuration(o.output, c, model);
  const int n = c.n();
  std::fprintf(stderr, "minimize (%s): e/N = %.12f  max|F| = %.3e  iterations %lld  force evaluations %lld  %.3f s%s\n",
               o.algo.c_str(), res.energy / n, res.max_force, static_cast<long long>(res.iterations),
               static_cast<long long>(res.force_evaluations), seconds,
               res.converged() ? "" : "  NOT CONVERGED (iteration limit)");
  if (o.json) {
    tlsx::JsonObject j;
    j.add("energy_per_particle", res.energy / n)
        .add("max_force", res.max_force)
        .add("iterations", static_cast<long long>(res.iterations))
        .add("force_evaluations", static_cast<long long>(res.force_evaluations))
        .add("seconds", seconds)
        .add("converged", res.converged());
    tlsx::cli::print_json(j.str());
  }
  if (!res.converged())
    throw tlsx::Error("minimize: not converged after " + std::to_string(res.iterations) +
                      " iterations (max|F| = " + std::to_string(res.max_force) + "); output written anyway");
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<MinimizeOptions>();
  CLI::App* sub = app.add_subcommand("minimize", "Minimise a configuration to its inherent structure");
  sub->add_option("file", o->input, "Input configuration (.data/.lmp, .xyz/.extxyz, .h5)")->required();
  sub->add_option("-o,--output", o->output, "Output configuration (format from the extension)")->required();
  sub->add_option("--algo", o->algo, "Minimiser")->check(CLI::IsMember(tlsx::minimize_algorithm_names()))->capture_default_str();
  sub->add_option("--ftol", o->ftol, "Converged when the largest force component is below this")
      ->check(tlsx::cli::positive(o->ftol))->capture_default_str();
  sub->add_option("--max-iterations", o->max_iterations, "Iteration limit")->check(tlsx::cli::positive(o->max_iterations))->capture_default_str();
  sub->add_option("--model", o->model, "Model file (TOML); default: built-in KA2");
  tlsx::cli::add_backend_options(sub, o->backend, o->threads);
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_minimize(*o); });
}};

}  // namespace
