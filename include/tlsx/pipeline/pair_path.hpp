#pragma once
// The minimum-energy path between two minima given as configurations: what `tlsx neb --pair A B`
// runs (docs/neb.md), as library functions that the CLI and the Python module share (the same
// numbers to the last bit). The whole connect procedure of neb/connect.hpp: the path of (A, B), split
// at intermediate minima into elementary double wells.
#include <string>

#include "tlsx/backend/backend.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/neb/band.hpp"
#include "tlsx/neb/connect.hpp"
#include "tlsx/pipeline/neb_stage.hpp"

namespace tlsx {

// What making an end point a minimum changed: a path's end points are fixed and must be minima, so
// an end whose largest force component is 1e-6 or more (e.g. quenched by LAMMPS to ~3e-5) is
// minimised (CG to the stage's min-ftol) first.
struct EndQuench {
  double max_force = 0.0;             // largest force component as given
  bool quenched = false;
  double energy_change = 0.0;         // V after - V before (eps)
  double largest_displacement = 0.0;  // largest distance any particle moved (sigma, minimum image, rigid shift removed)
  long force_evaluations = 0;
};

// The two end points as minima, ready for connect_pair.
struct PairEnds {
  Configuration a, b;
  EndQuench quench[2];  // of a and of b
};

struct PairPath {
  ConnectResult result;
  // Of the direct pair (A, B): "good" (a double well), "split" (pieces through intermediate minima),
  // "not_converged" or "failed" (a failure of the direct pair's own band).
  std::string status;
  double seconds = 0.0;  // wall time of the path search
};

// Throws tlsx::Error "neb: B has 512 particles, A has 343" (species, boxes) unless a path can join them.
void check_pair(const Configuration& a, const Configuration& b, const std::string& name_a, const std::string& name_b);

// a and b: validated configurations named name_a and name_b in errors, checked by check_pair. Each
// end that is not a minimum to 1e-6 is quenched; an end that does not quench, or two ends that are
// the same minimum (ConnectParams::same_minimum), is a tlsx::Error "neb: ...".
PairEnds pair_ends(const Configuration& a, const Configuration& b, const std::string& name_a,
                   const std::string& name_b, const Model& model, const NebStageOptions& options, Backend& backend);

// The path search between the minima of pair_ends. Intermediate minima are relaxed by CG.
// keep_images: each double well keeps its band's images (ConnectParams::keep_images); observer sees
// every band evaluation (the CLI's progress line).
PairPath connect_pair(const PairEnds& ends, const Model& model, const NebStageOptions& options, Backend& backend,
                      bool keep_images = false, const BandObserver& observer = {});

}  // namespace tlsx
