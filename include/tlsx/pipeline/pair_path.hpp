#pragma once
// The minimum-energy path between two minima given as configurations: what `tlsx neb --pair A B`
// runs (docs/neb.md), as a library function that the CLI and the Python module share (the same
// numbers to the last bit). The whole connect procedure of neb/connect.hpp: the path of (A, B), split
// at intermediate minima into elementary double wells.
#include <string>

#include "tlsx/backend/backend.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/neb/connect.hpp"
#include "tlsx/pipeline/neb_stage.hpp"

namespace tlsx {

struct PairPath {
  ConnectResult result;
  // Of the direct pair (A, B): "good" (a double well), "split" (pieces through intermediate minima),
  // "not_converged" or "failed" (a failure of the direct pair's own band).
  std::string status;
  double seconds = 0.0;  // wall time of the path search
};

// Throws tlsx::Error "neb: A and B differ in species" (particle numbers, boxes) unless a path can join them.
void check_pair(const Configuration& a, const Configuration& b, const std::string& name_a, const std::string& name_b);

// a and b: validated configurations named name_a and name_b in errors. Both must hold the same
// particle number, species and box, and be minima (largest force component below 1e-6: "quench it
// first with tlsx minimize"), else a tlsx::Error "neb: ...". Intermediate minima are relaxed by CG.
// keep_images: each double well keeps its band's images (ConnectParams::keep_images).
PairPath connect_pair(const Configuration& a, const Configuration& b, const std::string& name_a,
                      const std::string& name_b, const Model& model, const NebStageOptions& options, Backend& backend,
                      bool keep_images = false);

}  // namespace tlsx
