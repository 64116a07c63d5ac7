#pragma once
// Host API of the quantum splitting (docs/quantum.md): one profile or many, one mass or several.
// The numerical core is splitting_core.hpp (TLSX_HD, caller workspace); these wrappers own the
// storage, turn status codes into one-line tlsx::Error messages, and run batches under OpenMP.
#include <string>
#include <vector>

#include "tlsx/core/json.hpp"
#include "tlsx/quantum/double_well.hpp"
#include "tlsx/quantum/splitting_core.hpp"

namespace tlsx::quantum {

// A minimum-energy-path profile from the first minimum to the second: arc length s (3N-dimensional
// Euclidean, sigma, strictly increasing), energy V (eps) and optionally the tangential derivative
// dV/ds (empty when unknown: a not-a-knot spline is used instead of a Hermite spline).
struct Profile {
  std::vector<double> s, V, dVds;
  std::string name;  // names the profile in error messages (a file name, "DW 17", ...)
};

// A profile's double well with its own storage (DoubleWell views it; not copyable).
class PreparedDoubleWell {
 public:
  PreparedDoubleWell(const PreparedDoubleWell&) = delete;
  PreparedDoubleWell& operator=(const PreparedDoubleWell&) = delete;
  PreparedDoubleWell(PreparedDoubleWell&&) = default;
  PreparedDoubleWell& operator=(PreparedDoubleWell&&) = default;

  // Status of the preparation; well() is valid only when ok.
  ProfileStatus status() const { return status_; }
  bool ok() const { return status_ == ProfileStatus::ok; }
  const DoubleWell& well() const { return dw_; }

  // Builds it without throwing (batch use).
  static PreparedDoubleWell build(const Profile& profile);

 private:
  PreparedDoubleWell() = default;
  std::vector<double> x_, scratch_;
  std::vector<Cubic> seg_;
  DoubleWell dw_;
  ProfileStatus status_ = ProfileStatus::ok;
};

// The double well of `profile`; throws tlsx::Error "NAME: <reason>" when it is not one.
PreparedDoubleWell prepare_double_well(const Profile& profile);

// Throws tlsx::Error unless every effective mass m~ is a positive number.
void check_masses(const std::vector<double>& masses);

// Splittings of one profile at each mass (same order). Throws tlsx::Error for a profile that is not a
// double well; a result that is computed but not resolved to tol_E is returned with resolved = false.
std::vector<SplittingResult> splittings(const Profile& profile, const std::vector<double>& masses,
                                        const SplittingOptions& options = {});

// Splittings of many profiles at several masses: result[p][j] for profiles[p] and masses[j].
// Profiles are processed in parallel (OpenMP); a bad profile does not stop the batch: its results
// have status profile_error and `profile` says why (profile_status_message).
std::vector<std::vector<SplittingResult>> splittings(const std::vector<Profile>& profiles,
                                                     const std::vector<double>& masses,
                                                     const SplittingOptions& options = {});

// The lowest kLevels Numerov levels of any potential sampled at n points s_0 + i h (Dirichlet walls
// one step beyond both ends) at mass m~, on that one grid (no refinement). Throws when the grid is
// too coarse for the scheme (m h^2 (V_max - V_min) / 6 > kNumerovMaxT).
std::vector<double> grid_levels(const std::vector<double>& V, double h, double mass);

// A result as a JSON object (the keys of docs/quantum.md).
JsonObject splitting_json(const SplittingResult& r);

// "unresolved: E below the rounding floor" etc.: why a result is not resolved ("" when it is).
std::string unresolved_reason(const SplittingResult& r);

}  // namespace tlsx::quantum
