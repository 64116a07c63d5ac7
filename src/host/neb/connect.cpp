#include "tlsx/neb/connect.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <sstream>
#include <utility>

#include "tlsx/core/error.hpp"

namespace tlsx {

std::vector<int> intermediate_minimum_images(const BandResult& band, double depth_tolerance) {
  std::vector<int> out;
  for (const ProfileExtremum& e : analyse_profile(band_profile(band), depth_tolerance).intermediate_minima)
    out.push_back(std::clamp(e.nearest_image, 1, band.images - 2));
  return out;
}

namespace {

class Connector {
 public:
  Connector(PathSurface& surface, const ConnectParams& p, const KnownPair& known, const BandObserver& observer)
      : surface_(surface), p_(p), known_(known), observer_(observer) {}

  ConnectResult run(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t dim = surface_.dimension();
    if (a.size() != dim || b.size() != dim)
      throw Error("connect_minima: end points must have " + std::to_string(dim) + " coordinates");
    out_.minima.push_back({a, surface_.energy(a.data())});
    out_.minima.push_back({b, surface_.energy(b.data())});
    enqueue(0, 1);
    while (!work_.empty()) {
      const auto [i, j] = work_.front();
      work_.pop_front();
      if (out_.bands >= p_.max_bands) {
        fail(i, j, "not run: limit of " + std::to_string(p_.max_bands) + " paths per candidate pair reached");
        continue;
      }
      process(i, j);
    }
    return std::move(out_);
  }

 private:
  void enqueue(int i, int j) {
    if (!seen_.insert({std::min(i, j), std::max(i, j)}).second) return;
    work_.push_back({i, j});
  }

  void fail(int i, int j, const std::string& reason, bool not_converged = false) {
    out_.failures.push_back({i, j, reason, not_converged});
  }

  // Index of the known minimum equal to m, or -1.
  int find(const Minimum& m) const {
    for (std::size_t k = 0; k < out_.minima.size(); ++k) {
      const Minimum& o = out_.minima[k];
      if (p_.same_minimum(o.energy, m.energy, surface_.max_particle_displacement(o.x.data(), m.x.data())))
        return static_cast<int>(k);
    }
    return -1;
  }

  void process(int i, int j) {
    BandObserver observe;
    if (observer_)
      observe = [this](const BandProgress& progress) {
        BandProgress q = progress;
        q.band = out_.bands + 1;
        observer_(q);
      };
    const BandResult band =
        find_minimum_energy_path(surface_, out_.minima[i].x.data(), out_.minima[j].x.data(), p_.neb, observe);
    ++out_.bands;
    out_.force_evaluations += band.force_evaluations;
    for (int phase = 0; phase < 2; ++phase) out_.phase_force_evaluations[phase] += band.phase_force_evaluations[phase];
    if (!band.converged()) {
      fail(i, j, band.reason, true);
      return;
    }
    const ProfileAnalysis analysis = analyse_profile(band_profile(band), p_.neb.intermediate_depth);
    if (analysis.intermediate_minima.empty()) {
      if (!analysis.barrier_interior) {
        fail(i, j, "no barrier: the energy is monotonic along the path, the higher end point is not a separate minimum");
        return;
      }
      out_.double_wells.push_back({i, j, make_double_well(surface_, band), {}, {}});
      if (p_.keep_images) {
        out_.double_wells.back().images = band.x;
        out_.double_wells.back().image_energy = band.energy;
      }
      return;
    }
    // Split: minimise the image nearest each intermediate minimum.
    std::vector<int> chain{i};
    for (const ProfileExtremum& e : analysis.intermediate_minima) {
      Minimum m;
      const int image = std::clamp(e.nearest_image, 1, band.images - 2);
      m.x.assign(band.image(image), band.image(image) + band.dimension);
      const RelaxOutcome relax = surface_.minimize(m.x, p_.minimize_tolerance);
      out_.force_evaluations += relax.force_evaluations;
      if (!relax.converged) {
        std::ostringstream why;
        why << "minimising image " << image << " (intermediate minimum at s = " << e.s << ") failed: " << relax.reason;
        fail(i, j, why.str());
        return;
      }
      m.energy = relax.energy;
      int k = find(m);
      if (k < 0) {
        out_.minima.push_back(std::move(m));
        k = static_cast<int>(out_.minima.size()) - 1;
      }
      if (k != chain.back()) chain.push_back(k);
    }
    if (chain.back() != j) chain.push_back(j);
    if (chain.size() == 2) {
      std::ostringstream why;
      why << "the intermediate minimum at s = " << analysis.intermediate_minima.front().s
          << " relaxes into an end point: the path is not resolved";
      fail(i, j, why.str());
      return;
    }
    for (std::size_t k = 0; k + 1 < chain.size(); ++k) {
      const int u = chain[k], v = chain[k + 1];
      if (u == v) continue;
      if (known_ && known_(out_.minima[u], out_.minima[v])) {
        if (seen_.insert({std::min(u, v), std::max(u, v)}).second) out_.known.push_back({u, v});
        continue;
      }
      enqueue(u, v);
    }
  }

  PathSurface& surface_;
  const ConnectParams& p_;
  const KnownPair& known_;
  const BandObserver& observer_;
  ConnectResult out_;
  std::deque<std::pair<int, int>> work_;
  std::set<std::pair<int, int>> seen_;
};

}  // namespace

ConnectResult connect_minima(PathSurface& surface, const std::vector<double>& a, const std::vector<double>& b,
                             const ConnectParams& params, const KnownPair& known, const BandObserver& observer) {
  return Connector(surface, params, known, observer).run(a, b);
}

}  // namespace tlsx
