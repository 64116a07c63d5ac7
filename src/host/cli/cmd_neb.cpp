// tlsx neb EXPLORE.h5 -o DW.h5 [--method neb|string] [--images 64] [--spring 0.125] [--ftol 1e-5] ... [--resume]
// tlsx neb --pair A.data B.data [--images 64] [--optimizer fire|lbfgs] [--write-path P.xyz] [--model M] [--json]
// Minimum energy paths between the candidate pairs of an explored library (paper Sec. II D), or
// between two minima given as configuration files (docs/neb.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/io/extxyz.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/neb_stage.hpp"
#include "tlsx/pipeline/pair_path.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace {

// The paper's reduced masses m~ for the two species conventions (T_Q = 2 pi / m~).
const std::vector<double> kDefaultMasses = {5250.0, 1200.0};

struct NebCli {
  tlsx::NebStageOptions o;
  std::string input, output, method = "string", optimizer = "fire", backend = "auto", model;
  std::vector<std::string> pair;
  int threads = 0;
  tlsx::cli::CheckpointCli checkpoint;
  std::string write_path;  // --write-path (with --pair)
  bool no_climb = false, json = false;
};

tlsx::JsonObject double_well_json(const tlsx::DoubleWell& dw, int first, int second) {
  tlsx::JsonObject j;
  j.add("first", first)
      .add("second", second)
      .add("first_is_lower", dw.first_is_lower)
      .add("energy_1", dw.energy_1)
      .add("energy_2", dw.energy_2)
      .add("V_a", dw.barrier)
      .add("dV", dw.asymmetry)
      .add("V_b", dw.barrier_height)
      .add("distance", dw.distance)
      .add("d", dw.d)
      .add("participation_ratio", dw.participation_ratio)
      .add("arc_length", dw.arc_length)
      .add("omega_1", dw.omega_1)
      .add("omega_2", dw.omega_2)
      .add("omega_ts", dw.omega_ts)
      .add("s", dw.s)
      .add("V", dw.v);
  std::vector<tlsx::JsonObject> split;
  try {
    const tlsx::quantum::Profile profile{dw.s, dw.v, dw.slope, "double well " + std::to_string(first) + "-" + std::to_string(second)};
    for (const tlsx::quantum::SplittingResult& r : tlsx::quantum::splittings(profile, kDefaultMasses))
      split.push_back(tlsx::quantum::splitting_json(r));
    j.add("splittings", split);
  } catch (const tlsx::Error& e) {
    j.add("splittings", split).add("splitting_error", std::string(e.what()));
  }
  return j;
}

// One stderr line every few seconds while a band runs: which band and phase, steps, the band force
// against the phase's target, the barrier the band sees so far, the step rate, and an ETA of the
// phase from the recent rate of decrease of log(band force).
class BandProgressLine {
 public:
  BandProgressLine(double climb_start_tolerance, double force_tolerance, bool climb, double interval = 5.0)
      : tol1_(climb ? std::max(climb_start_tolerance, force_tolerance) : force_tolerance), tol2_(force_tolerance),
        interval_(interval), start_(std::chrono::steady_clock::now()), last_(start_) {}

  void operator()(const tlsx::BandProgress& p) {
    if (tlsx::Progress::quiet || !(p.max_band_force > 0.0) || !std::isfinite(p.max_band_force)) return;
    if (p.band != band_ || p.phase != phase_) {  // a new phase: a new rate
      band_ = p.band, phase_ = p.phase;
      mark_steps_ = p.band_evaluations, mark_log_ = std::log(p.max_band_force);
      mark_time_ = std::chrono::steady_clock::now();
    }
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_).count() < interval_) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - mark_time_).count();
    const long steps = p.band_evaluations - mark_steps_;
    const double rate = seconds > 0.0 ? steps / seconds : 0.0;
    const double target = p.phase == 1 ? tol1_ : tol2_;
    const double decay = steps > 0 ? (mark_log_ - std::log(p.max_band_force)) / steps : 0.0;  // per step
    std::string eta = "?";
    if (decay > 0.0 && rate > 0.0)
      eta = tlsx::format_duration(std::max(0.0, std::log(p.max_band_force / target)) / decay / rate);
    std::fprintf(stderr, "neb: band %ld %s step %ld  band force %.3g (target %.3g)  V_a so far %.6g  %.3g steps/s  ETA %s  elapsed %s\n",
                 p.band, p.phase == 1 ? "plain" : "climbing", p.band_evaluations, p.max_band_force, target, p.barrier,
                 rate, eta.c_str(), tlsx::format_duration(std::chrono::duration<double>(now - start_).count()).c_str());
  }

 private:
  double tol1_, tol2_, interval_;
  std::chrono::steady_clock::time_point start_, last_, mark_time_;
  long band_ = 0, mark_steps_ = 0;
  int phase_ = 0;
  double mark_log_ = 0.0;
};

// --write-path: the images of every elementary double well, in order, as one extended-XYZ
// trajectory (each frame's comment names its path, image and energy).
void write_paths(const std::string& path, const tlsx::ConnectResult& r, const tlsx::Configuration& like,
                 const tlsx::Model& model) {
  std::vector<tlsx::Configuration> frames;
  std::vector<std::string> extra;
  const std::size_t dim = like.pos.size();
  for (std::size_t w = 0; w < r.double_wells.size(); ++w) {
    const tlsx::ElementaryPath& p = r.double_wells[w];
    const std::size_t images = p.images.size() / dim;
    for (std::size_t k = 0; k < images; ++k) {
      tlsx::Configuration c;
      c.box = like.box;
      c.species = like.species;
      c.pos.assign(p.images.begin() + k * dim, p.images.begin() + (k + 1) * dim);
      c.step = static_cast<long>(k);
      frames.push_back(std::move(c));
      char buf[160];
      std::snprintf(buf, sizeof buf, "path=%zu first=%d second=%d image=%zu energy=%.17g", w, p.first, p.second, k,
                    p.image_energy[k]);
      extra.emplace_back(buf);
    }
  }
  if (frames.empty()) throw tlsx::Error("neb: --write-path " + path + ": no converged double well to write");
  tlsx::write_extxyz_frames(path, frames, extra, model);
  std::fprintf(stderr, "neb: wrote %zu images of %zu paths to %s\n", frames.size(), r.double_wells.size(), path.c_str());
}

// --pair: two minima from files, the whole connect procedure, the quantities of every double well.
void run_pair(const NebCli& c) {
  const tlsx::Model model = tlsx::resolve_model(c.model);
  const tlsx::Configuration a = tlsx::cli::load_configuration(c.pair[0], model);
  const tlsx::Configuration b = tlsx::cli::load_configuration(c.pair[1], model);
  tlsx::check_pair(a, b, c.pair[0], c.pair[1]);  // before the backend's "auto" notice
  auto backend = tlsx::make_backend(c.backend, c.threads);
  const tlsx::PairEnds ends = tlsx::pair_ends(a, b, c.pair[0], c.pair[1], model, c.o, *backend);
  for (int e = 0; e < 2; ++e) {
    const tlsx::EndQuench& q = ends.quench[e];
    if (q.quenched)
      std::fprintf(stderr,
                   "neb: %s is not a minimum (max force %.3g >= 1e-6): quenched to %.3g, energy change %.6g, largest "
                   "displacement %.4g sigma\n",
                   c.pair[static_cast<std::size_t>(e)].c_str(), q.max_force, c.o.minimize_tolerance, q.energy_change,
                   q.largest_displacement);
  }
  BandProgressLine progress(c.o.climb_start_tolerance, c.o.force_tolerance, c.o.climb);
  const tlsx::PairPath path = tlsx::connect_pair(ends, model, c.o, *backend, !c.write_path.empty(),
                                                 [&](const tlsx::BandProgress& p) { progress(p); });
  const tlsx::ConnectResult& r = path.result;
  const std::string& status = path.status;
  const double seconds = path.seconds;
  if (!c.write_path.empty()) write_paths(c.write_path, r, a, model);
  std::fprintf(stderr, "neb: %s: %d intermediate minima, %zu double wells, %zu failures, %ld bands, %.2f s\n",
               status.c_str(), r.intermediate_minima(), r.double_wells.size(), r.failures.size(), r.bands, seconds);
  for (const tlsx::ElementaryPath& p : r.double_wells)
    std::fprintf(stderr, "  minima %d-%d: V_a = %.6g  dV = %.6g  d = %.4g  PR = %.3g  arc length = %.4g\n", p.first,
                 p.second, p.double_well.barrier, p.double_well.asymmetry, p.double_well.d,
                 p.double_well.participation_ratio, p.double_well.arc_length);
  for (const tlsx::PathFailure& f : r.failures)
    std::fprintf(stderr, "  minima %d-%d: %s\n", f.first, f.second, f.reason.c_str());
  if (c.json) {
    std::vector<double> energies;
    for (const tlsx::Minimum& m : r.minima) energies.push_back(m.energy);
    std::vector<tlsx::JsonObject> dws, fails;
    for (const tlsx::ElementaryPath& p : r.double_wells) dws.push_back(double_well_json(p.double_well, p.first, p.second));
    for (const tlsx::PathFailure& f : r.failures) {
      tlsx::JsonObject j;
      j.add("first", f.first).add("second", f.second).add("status", f.not_converged ? "not_converged" : "failed")
          .add("reason", f.reason);
      fails.push_back(j);
    }
    tlsx::JsonObject j;
    j.add("status", status)
        .add("n", a.n())
        .add("images", c.o.images)
        .add("method", c.method)
        .add("optimizer", c.optimizer)
        .add("minima_energy", energies)
        .add("intermediate_minima", r.intermediate_minima())
        .add("masses", kDefaultMasses)
        .add("double_wells", dws)
        .add("failures", fails)
        .add("bands", r.bands)
        .add("force_evaluations", r.force_evaluations)
        .add("force_evaluations_plain_band", r.phase_force_evaluations[0])
        .add("force_evaluations_climbing", r.phase_force_evaluations[1])
        .add("seconds", seconds);
    std::vector<tlsx::JsonObject> end_reports;
    for (int e = 0; e < 2; ++e) {
      const tlsx::EndQuench& q = ends.quench[e];
      tlsx::JsonObject o;
      o.add("file", c.pair[e]).add("max_force", q.max_force).add("quenched", q.quenched);
      if (q.quenched)
        o.add("energy_change", q.energy_change)
            .add("largest_displacement", q.largest_displacement)
            .add("force_evaluations", q.force_evaluations);
      end_reports.push_back(o);
    }
    j.add("ends", end_reports);
    if (!c.write_path.empty()) j.add("path_file", c.write_path);
    tlsx::cli::print_json(j.str());
  }
}

void run_library(NebCli c) {
  if (c.input.empty()) throw tlsx::Error("neb: give an explored library (EXPLORE.h5 -o DW.h5) or --pair A B");
  if (c.output.empty()) throw tlsx::Error("neb: -o/--output is required with a library");
  const tlsx::Library lib = tlsx::read_library(c.input);
  auto backend = tlsx::make_backend(c.backend, c.threads);
  const auto t0 = std::chrono::steady_clock::now();
  tlsx::cli::check_resume(c.checkpoint, "neb", c.output);
  tlsx::NebStage stage =
      c.checkpoint.resume ? tlsx::NebStage::resume(c.checkpoint.path, lib, c.o) : tlsx::NebStage(lib, c.o);
  if (c.checkpoint.resume)
    std::fprintf(stderr, "neb: resuming %s at pair %zu of %zu\n", c.checkpoint.path.c_str(), stage.items_done(),
                 stage.items_total());
  std::fprintf(stderr, "neb: %zu candidate pairs in %zu glasses of %d particles, %s with %d images, on %s (%s)\n",
               stage.items_total(), lib.glasses.size(), lib.n, c.method.c_str(), c.o.images, backend->name().c_str(),
               backend->device().c_str());
  const tlsx::StageRunResult r = tlsx::run_neb_stage(stage, *backend, c.checkpoint.control());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long long counts[4] = {0, 0, 0, 0};
  for (const std::int32_t s : stage.double_wells().status)
    if (s >= 0 && s < 4) ++counts[s];
  if (r.complete) {
    tlsx::write_library(c.output, stage.library());
    tlsx::cli::finish_checkpoint(c.checkpoint);
    std::fprintf(stderr, "neb: wrote %s: %lld good, %lld split, %lld not converged, %lld failed\n", c.output.c_str(),
                 counts[0], counts[1], counts[2], counts[3]);
  } else {
    tlsx::cli::report_stop("neb", r, static_cast<long long>(stage.items_done()), static_cast<long long>(stage.items_total()),
                           "pairs", c.checkpoint);
  }
  if (c.json) {
    tlsx::JsonObject j = tlsx::cli::stage_run_json(r, c.output, c.checkpoint);
    j.add("pairs", static_cast<long long>(stage.items_total()))
        .add("pairs_done", static_cast<long long>(stage.items_done()))
        .add("good", counts[0])
        .add("split", counts[1])
        .add("not_converged", counts[2])
        .add("failed", counts[3])
        .add("bands", stage.bands_run())
        .add("seconds", seconds)
        .add("backend", backend->name());
    tlsx::cli::print_json(j.str());
  }
}

void run_neb(NebCli c) {
  c.o.method = c.method == "string" ? tlsx::PathMethod::string : tlsx::PathMethod::neb;
  c.o.climb = !c.no_climb;
  c.o.optimizer = c.optimizer == "lbfgs" ? tlsx::BandOptimizer::lbfgs : tlsx::BandOptimizer::fire;
  if (!c.pair.empty()) {
    if (!c.input.empty()) throw tlsx::Error("neb: give either a library or --pair A B, not both");
    run_pair(c);
  } else {
    if (!c.write_path.empty()) throw tlsx::Error("neb: --write-path needs --pair A B");
    run_library(c);
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<NebCli>();
  tlsx::NebStageOptions& o = c->o;
  CLI::App* sub = app.add_subcommand("neb", "Minimum energy paths (double wells) between candidate pairs of minima");
  sub->set_config("--config", "", "TOML file with these options (CLI11 config: key = value)");
  sub->add_option("library", c->input, "Library written by tlsx explore (HDF5)");
  sub->add_option("-o,--output", c->output, "Output library (HDF5, stage neb)");
  sub->add_option("--pair", c->pair, "Two minima (configuration files) instead of a library")->expected(2);
  sub->add_option("--write-path", c->write_path,
                  "With --pair: write the images of every double well's path as an extended-XYZ trajectory");
  sub->add_option("--model", c->model, "Model file (TOML) for --pair; default: built-in KA2");
  sub->add_option("--method", c->method, "Path method")->check(CLI::IsMember({"neb", "string"}))->capture_default_str();
  sub->add_option("--optimizer", c->optimizer, "Band optimiser: FIRE 2.0 or global L-BFGS on the whole band")
      ->check(CLI::IsMember({"fire", "lbfgs"}))->capture_default_str();
  sub->add_option("--images", o.images, "Images including the two minima")->capture_default_str();
  sub->add_option("--spring", o.spring, "Spring constant (NEB)")->check(tlsx::cli::positive(o.spring))->capture_default_str();
  sub->add_option("--ftol", o.force_tolerance, "Converged when the largest band-force component is below this")
      ->check(tlsx::cli::positive(o.force_tolerance))->capture_default_str();
  sub->add_option("--max-iterations", o.max_iterations, "FIRE steps per band")->check(tlsx::cli::positive(o.max_iterations))->capture_default_str();
  sub->add_flag("--no-climb", c->no_climb, "No climbing-image phase");
  sub->add_option("--min-ftol", o.minimize_tolerance, "Force tolerance of the intermediate minima")
      ->check(tlsx::cli::positive(o.minimize_tolerance))->capture_default_str();
  sub->add_option("--max-bands", o.max_bands, "Paths per candidate pair (splitting bound)")
      ->check(tlsx::cli::positive(o.max_bands))->capture_default_str();
  sub->add_option("--pairs-in-flight", o.pairs_in_flight,
                  "Candidate pairs whose paths are searched at once (their images share each backend call; speed only)")
      ->check(tlsx::cli::positive(o.pairs_in_flight))->capture_default_str();
  tlsx::cli::add_backend_options(sub, c->backend, c->threads);
  tlsx::cli::add_checkpoint_options(sub, c->checkpoint, "pairs");
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_neb(*c); });
}};

}  // namespace
