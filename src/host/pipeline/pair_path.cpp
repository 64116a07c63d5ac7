// The path between two given minima (tlsx neb --pair, tlsx.neb in Python).
#include "tlsx/pipeline/pair_path.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/neb/atomistic_surface.hpp"

namespace tlsx {

namespace {

AtomisticSurface pair_surface(const Configuration& like, const Model& model, const NebStageOptions& options,
                              Backend& backend) {
  AtomisticSurface surface(backend, model.pair_table(), like.box, like.species, options.skin);
  surface.minimize_params.algorithm = MinimizeAlgorithm::cg;
  return surface;
}

EndQuench quench_end(AtomisticSurface& surface, std::vector<double>& x, const std::string& name, double tolerance) {
  EndQuench q;
  std::vector<double> e(1), f(x.size());
  surface.evaluate(x.data(), 1, e.data(), f.data());
  for (double g : f) q.max_force = std::max(q.max_force, std::fabs(g));
  if (q.max_force < 1e-6) return q;
  const std::vector<double> before = x;
  const RelaxOutcome r = surface.minimize(x, tolerance);
  if (!r.converged)
    throw Error("neb: " + name + " is not a minimum (max force " + std::to_string(q.max_force) +
                ") and does not quench: " + r.reason);
  q.quenched = true;
  q.energy_change = r.energy - e[0];
  q.largest_displacement = surface.max_particle_displacement(before.data(), x.data());
  q.force_evaluations = r.force_evaluations;
  return q;
}

}  // namespace

void check_pair(const Configuration& a, const Configuration& b, const std::string& name_a, const std::string& name_b) {
  if (a.n() != b.n())
    throw Error("neb: " + name_b + " has " + std::to_string(b.n()) + " particles, " + name_a + " has " +
                std::to_string(a.n()));
  if (a.species != b.species) throw Error("neb: " + name_a + " and " + name_b + " differ in species");
  for (int d = 0; d < 3; ++d)
    if (std::fabs(a.box.length[d] - b.box.length[d]) > 1e-12 * a.box.length[d])
      throw Error("neb: " + name_a + " and " + name_b + " have different boxes");
}

PairEnds pair_ends(const Configuration& a, const Configuration& b, const std::string& name_a,
                   const std::string& name_b, const Model& model, const NebStageOptions& options, Backend& backend) {
  check_pair(a, b, name_a, name_b);
  AtomisticSurface surface = pair_surface(a, model, options, backend);
  PairEnds ends{a, b, {}};
  ends.quench[0] = quench_end(surface, ends.a.pos, name_a, options.minimize_tolerance);
  ends.quench[1] = quench_end(surface, ends.b.pos, name_b, options.minimize_tolerance);
  const double ea = surface.energy(ends.a.pos.data()), eb = surface.energy(ends.b.pos.data());
  const double moved = surface.max_particle_displacement(ends.a.pos.data(), ends.b.pos.data());
  if (connect_params(options).same_minimum(ea, eb, moved)) {
    char why[200];
    std::snprintf(why, sizeof why,
                  " is the same minimum as %s (energies differ by %.3g, no particle differs by more than %.3g sigma)",
                  name_a.c_str(), std::fabs(ea - eb), moved);
    throw Error("neb: " + name_b + why);
  }
  return ends;
}

PairPath connect_pair(const PairEnds& ends, const Model& model, const NebStageOptions& options, Backend& backend,
                      bool keep_images, const BandObserver& observer) {
  AtomisticSurface surface = pair_surface(ends.a, model, options, backend);
  PairPath out;
  const auto t0 = std::chrono::steady_clock::now();
  ConnectParams params = connect_params(options);
  params.keep_images = keep_images;
  out.result = connect_minima(surface, ends.a.pos, ends.b.pos, params, {}, observer);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bool direct = false;
  for (const ElementaryPath& p : out.result.double_wells) direct = direct || (p.first + p.second == 1);
  out.status = direct ? "good" : "split";
  for (const PathFailure& f : out.result.failures)
    if (f.first + f.second == 1) out.status = f.not_converged ? "not_converged" : "failed";
  return out;
}

}  // namespace tlsx
