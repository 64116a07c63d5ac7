// Host wrappers of the quantum splitting: storage, error messages, OpenMP batches.
#include "tlsx/quantum/splitting.hpp"

#include <algorithm>
#include <memory>

#include "tlsx/core/error.hpp"

namespace tlsx::quantum {

namespace {

// Workspace for the finest grid allowed, left uninitialised (pages are touched only as used).
struct GridWorkspace {
  explicit GridWorkspace(int capacity) : capacity(capacity), data(new double[capacity]) {}
  int capacity;
  std::unique_ptr<double[]> data;
};

}  // namespace

PreparedDoubleWell PreparedDoubleWell::build(const Profile& profile) {
  PreparedDoubleWell p;
  const int m = static_cast<int>(profile.s.size());
  if (profile.V.size() != profile.s.size() ||
      (!profile.dVds.empty() && profile.dVds.size() != profile.s.size())) {
    p.status_ = ProfileStatus::length_mismatch;
    return p;
  }
  const int storage = m < 4 ? 4 : m;
  p.x_.resize(storage + 1);
  p.seg_.resize(storage);
  p.scratch_.resize(3 * storage);
  p.status_ = prepare_double_well(m, profile.s.data(), profile.V.data(),
                                  profile.dVds.empty() ? nullptr : profile.dVds.data(),
                                  DoubleWellStorage{p.x_.data(), p.seg_.data(), p.scratch_.data()},
                                  p.dw_);
  return p;
}

PreparedDoubleWell prepare_double_well(const Profile& profile) {
  PreparedDoubleWell p = PreparedDoubleWell::build(profile);
  if (!p.ok()) throw Error(profile.name + ": " + profile_status_message(p.status()));
  return p;
}

void check_masses(const std::vector<double>& masses) {
  for (double m : masses)
    if (!(m > 0.0)) throw Error("the mass m~ must be positive, got " + std::to_string(m));
}

std::vector<SplittingResult> splittings(const Profile& profile, const std::vector<double>& masses,
                                        const SplittingOptions& options) {
  check_masses(masses);
  const PreparedDoubleWell p = prepare_double_well(profile);
  GridWorkspace work(options.grid.max_points);
  std::vector<SplittingResult> out;
  for (double m : masses) out.push_back(splitting_of(p.well(), m, options, work.data.get(), work.capacity));
  return out;
}

std::vector<std::vector<SplittingResult>> splittings(const std::vector<Profile>& profiles,
                                                     const std::vector<double>& masses,
                                                     const SplittingOptions& options) {
  check_masses(masses);
  const long n = static_cast<long>(profiles.size());
  std::vector<std::vector<SplittingResult>> out(profiles.size());
#pragma omp parallel
  {
    GridWorkspace work(options.grid.max_points);
#pragma omp for schedule(dynamic, 1)
    for (long i = 0; i < n; ++i) {
      std::vector<SplittingResult>& row = out[i];
      row.reserve(masses.size());
      const PreparedDoubleWell p = PreparedDoubleWell::build(profiles[i]);
      for (double m : masses) {
        row.push_back(p.ok() ? splitting_of(p.well(), m, options, work.data.get(), work.capacity)
                             : profile_error_result(p.status(), m));
      }
    }
  }
  return out;
}

std::vector<double> grid_levels(const std::vector<double>& V, double h, double mass) {
  struct Samples {  // the given samples, whatever grid is asked for (levels_on_grid asks for them)
    const std::vector<double>* v;
    void sample(double, double, int n, double* out) const {
      for (int i = 0; i < n; ++i) out[i] = (*v)[i];
    }
  };
  const int n = static_cast<int>(V.size());
  if (n < kLevels) throw Error("grid_levels: needs at least " + std::to_string(kLevels) + " points");
  std::vector<double> work(n);
  double v_min = V[0], v_max = V[0];
  for (double v : V) {
    v_min = std::min(v_min, v);
    v_max = std::max(v_max, v);
  }
  NumerovLevels lv;
  double floor;
  // A guess for the fifth level: a few times the harmonic quantum of the stiffest part would do; any
  // value works (it is doubled until five levels lie below).
  const double guess = v_min + 0.01 * (v_max - v_min) + 1e-12;
  if (!levels_on_grid(Samples{&V}, 0.0, h, n, mass, guess, work.data(), lv, floor))
    throw Error("grid_levels: the grid is too coarse for Numerov (m h^2 (V_max - V_min) / 6 = " +
                std::to_string(mass * h * h * (v_max - v_min) / 6.0) + " > " +
                std::to_string(kNumerovMaxT) + ") or no five levels are bound");
  return std::vector<double>(lv.level, lv.level + kLevels);
}

JsonObject splitting_json(const SplittingResult& r) {
  JsonObject j;
  j.add("mass", r.mass);
  j.add("status", r.status == SplittingStatus::ok ? "ok"
                  : r.status == SplittingStatus::unresolved ? "unresolved"
                  : r.status == SplittingStatus::no_levels ? "no_levels"
                                                            : "profile_error");
  if (r.status == SplittingStatus::profile_error) {
    j.add("error", profile_status_message(r.profile));
    return j;
  }
  j.add("E", r.E);
  j.add("E_error", r.E_error);
  j.add("resolved", r.resolved);
  if (!r.resolved) j.add("unresolved_reason", unresolved_reason(r));
  j.add("levels", std::vector<double>(r.levels, r.levels + kLevels));
  j.add("Delta", r.Delta);
  j.add("Delta0", r.Delta0);
  j.add("Gamma", r.Gamma);
  j.add("E_wkb", r.E_wkb);
  j.add("V_a", r.V_a);
  j.add("dV", r.dV);
  j.add("V_b", r.V_b);
  j.add("T_Q", r.T_Q);
  j.add("is_tls", r.is_tls);
  j.add("omega_1", r.omega_1);
  j.add("omega_2", r.omega_2);
  j.add("omega_top", r.omega_top);
  j.add("d", r.d);
  j.add("s_top", r.s_top);
  j.add("grid_points", r.grid_points);
  j.add("grid_spacing", r.grid_spacing);
  j.add("grids", r.grids);
  j.add("s_lo", r.s_lo);
  j.add("s_hi", r.s_hi);
  return j;
}

std::string unresolved_reason(const SplittingResult& r) {
  if (r.resolved) return "";
  switch (r.status) {
    case SplittingStatus::profile_error: return profile_status_message(r.profile);
    case SplittingStatus::no_levels: return "no five bound levels were found";
    default: break;
  }
  if (r.grid == GridStatus::too_many_points)
    return "the grid limit was reached before E converged to the tolerance";
  return "E is below what double precision resolves to the tolerance (E_error is the rounding "
         "floor); E_wkb is the WKB estimate";
}

}  // namespace tlsx::quantum
