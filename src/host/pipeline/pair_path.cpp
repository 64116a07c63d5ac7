// The path between two given minima (tlsx neb --pair, tlsx.neb in Python).
#include "tlsx/pipeline/pair_path.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/neb/atomistic_surface.hpp"

namespace tlsx {

void check_pair(const Configuration& a, const Configuration& b, const std::string& name_a, const std::string& name_b) {
  if (a.n() != b.n()) throw Error("neb: " + name_a + " and " + name_b + " have different particle numbers");
  if (a.species != b.species) throw Error("neb: " + name_a + " and " + name_b + " differ in species");
  for (int d = 0; d < 3; ++d)
    if (std::fabs(a.box.length[d] - b.box.length[d]) > 1e-12 * a.box.length[d])
      throw Error("neb: " + name_a + " and " + name_b + " have different boxes");
}

PairPath connect_pair(const Configuration& a, const Configuration& b, const std::string& name_a,
                      const std::string& name_b, const Model& model, const NebStageOptions& options, Backend& backend,
                      bool keep_images) {
  check_pair(a, b, name_a, name_b);
  AtomisticSurface surface(backend, model.pair_table(), a.box, a.species, options.skin);
  surface.minimize_params.algorithm = MinimizeAlgorithm::cg;
  // Both end points must be minima: the path's end points are fixed.
  for (const auto* cfg : {&a, &b}) {
    std::vector<double> e(1), f(cfg->pos.size());
    surface.evaluate(cfg->pos.data(), 1, e.data(), f.data());
    double largest = 0.0;
    for (double g : f) largest = std::max(largest, std::fabs(g));
    if (!(largest < 1e-6))
      throw Error("neb: " + (cfg == &a ? name_a : name_b) + " is not a minimum (max force " + std::to_string(largest) +
                  " > 1e-6): quench it first with tlsx minimize");
  }
  PairPath out;
  const auto t0 = std::chrono::steady_clock::now();
  ConnectParams params = connect_params(options);
  params.keep_images = keep_images;
  out.result = connect_minima(surface, a.pos, b.pos, params);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bool direct = false;
  for (const ElementaryPath& p : out.result.double_wells) direct = direct || (p.first + p.second == 1);
  out.status = direct ? "good" : "split";
  for (const PathFailure& f : out.result.failures)
    if (f.first + f.second == 1) out.status = f.not_converged ? "not_converged" : "failed";
  return out;
}

}  // namespace tlsx
