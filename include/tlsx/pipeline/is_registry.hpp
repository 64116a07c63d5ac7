#pragma once
// The inherent structures (IS) found in one glass metabasin (paper Sec. II D, III A).
//
// Every quench during the exploration ends in a potential-energy minimum; the registry decides
// whether it is a minimum seen before or a new one, and numbers the distinct ones in order of
// discovery (id 0, 1, 2, ...). Two quenches land in the same IS when
//   (1) their total energies agree within  energy_tolerance_per_particle * n,  and
//   (2) no particle is displaced by more than distance_tolerance (minimum image), after removing the
//       rigid translation of the whole configuration (the mean displacement; all masses are equal).
//
// Why these defaults (1e-8 eps per particle, 0.01 sigma): the quenches stop at max|F| < 1e-10, so
// one IS reached twice differs in energy by ~F^2/(2 k_min) < 1e-12 plus summation round-off
// (~1e-11 for N = 1200), and in positions by ~F/k_min < 1e-6 sigma even for a soft minimum
// (k_min ~ 1e-4). Distinct IS differ by ~1e-5 eps and more in total energy (paper Fig. 2a: 1e-3
// scale), and the particle that moves most in a transition moves a sizeable fraction of sigma. The
// tolerances sit ~6 orders of magnitude above the scatter of one IS and below the differences
// between two; distinct IS merge only when they fail to be told apart by both criteria at once.
//
// Candidates are found without scanning every IS: energies are hashed into buckets of width equal
// to the energy tolerance, and a lookup searches the bucket of the energy and both neighbours, so
// two energies within the tolerance are always compared, wherever the bucket edges fall.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tlsx/core/box.hpp"

namespace tlsx {

struct IsMatchTolerance {
  double energy_per_particle = 1e-8;  // eps; the total-energy tolerance is this times n
  double distance = 0.01;             // sigma; the largest allowed displacement of any particle
};

struct InherentStructure {
  int id = 0;                   // order of discovery within the glass
  double energy = 0.0;          // total potential energy U (eps); e = U / n is paper Eq. 6
  double first_seen = 0.0;      // exploration time of the first quench that found it (tau_LJ)
  std::int64_t first_quench = 0;  // index of that quench in the glass's IS sequence
  std::int64_t visits = 0;      // quenches that ended in it
  std::vector<double> pos;      // 3n SoA coordinates of the first quench that found it
};

class IsRegistry {
 public:
  IsRegistry() = default;
  IsRegistry(int n, const Box& box, const IsMatchTolerance& tolerance = {});

  struct Match {
    int id = -1;
    bool is_new = false;
  };
  // Records one converged quench (3n SoA positions, total energy) at exploration time `time`,
  // being quench number `quench` of the glass. Returns the IS id and whether it is new.
  Match add(const double* pos, double energy, double time, std::int64_t quench);
  // The id of the IS this configuration belongs to, or -1.
  int find(const double* pos, double energy) const;

  // The screen of a two-stage quench (explore.hpp): the id of the one known IS that a quench stopped
  // early (at a loose force tolerance) is clearly in, or -1 when it is new or not clearly one. A
  // known IS A is clear when the loose configuration x lies within kScreenFraction of both
  // tolerances of A (|U(x) - U_A| <= f * energy window, displacement <= f * distance) and no other
  // known IS is within the full tolerances of x. Why the finish can then be skipped: the descent
  // from x ends in some minimum B. With f = 1/2, B is registered as A by add() (the exact protocol)
  // whenever the rest of the descent moves no particle by more than (1 - f) * distance and lowers
  // the energy by at most (1 - f) * window (the displacement after removing the mean obeys the
  // triangle inequality; B's energy lies below U(x), the descent never rises). At a loose tolerance
  // of 1e-3 the rest of a KA2 quench moves particles by ~2e-4 sigma and lowers the energy by ~1e-6
  // (bench/RESULTS.md), a factor ~25 and ~5 inside those bounds.
  int screen(const double* pos, double energy) const;
  static constexpr double kScreenFraction = 0.5;
  // Counts one more quench in known IS `id` (a screened quench) and returns {id, false}.
  Match revisit(int id);

  int n() const { return n_; }
  const Box& box() const { return box_; }
  const IsMatchTolerance& tolerance() const { return tolerance_; }
  int size() const { return static_cast<int>(structures_.size()); }
  const InherentStructure& operator[](int id) const { return structures_[static_cast<std::size_t>(id)]; }
  const std::vector<InherentStructure>& structures() const { return structures_; }

  // Rebuilds a registry from stored structures (checkpoint resume); ids must be 0..size-1 in order.
  static IsRegistry restore(int n, const Box& box, const IsMatchTolerance& tolerance,
                            std::vector<InherentStructure> structures);

  // Largest displacement of any particle between two configurations (minimum image), after the
  // rigid translation (mean minimum-image displacement) has been removed.
  static double max_displacement(const double* a, const double* b, int n, const Box& box);

 private:
  double energy_window() const { return tolerance_.energy_per_particle * n_; }
  std::int64_t bucket_of(double energy) const;
  bool same(const InherentStructure& s, const double* pos, double energy, double fraction = 1.0) const;

  int n_ = 0;
  Box box_;
  IsMatchTolerance tolerance_;
  std::vector<InherentStructure> structures_;
  std::unordered_map<std::int64_t, std::vector<int>> buckets_;  // energy bucket -> ids
};

}  // namespace tlsx
