#pragma once
// One particle configuration as files hold it: box, positions, optional velocities, species.
// Coordinates are SoA (x block, y block, z block) like ReplicaView, and unwrapped.
#include <string>
#include <vector>

#include "tlsx/core/box.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

struct Configuration {
  Box box;
  std::vector<double> pos;    // 3n SoA, unwrapped (image flags applied)
  std::vector<double> vel;    // 3n SoA, or empty when the file had none
  std::vector<int> species;   // n, 0-based species index of the model
  double time = 0.0;          // simulation time, when the format records it
  long step = 0;

  int n() const { return static_cast<int>(species.size()); }
  bool has_velocities() const { return !vel.empty(); }
};

// Format from the extension: .data/.lmp (LAMMPS data, atomic style), .xyz/.extxyz (extended XYZ),
// .h5/.hdf5 (H5MD 1.1). Errors name the file and the line or field.
Configuration read_configuration(const std::string& path, const Model& model);
// Written atomically (temporary name, then rename).
void write_configuration(const std::string& path, const Configuration& c, const Model& model);

// The physical checks every command runs after reading (the readers check only the format):
// species within the model, finite positions and velocities, a box whose smallest edge exceeds
// 2 x (largest pair cutoff + 0.3 skin) so that the minimum image is unique within the neighbour-list
// range, and no two particles closer than 0.5 sigma_ij (minimum image). Errors name `path` and,
// for overlaps, both particles by 1-based id ("overlapping particles 12 and 40 at distance 0.1").
void validate_configuration(const Configuration& c, const Model& model, const std::string& path);

// The neighbour-list skin assumed by validate_configuration's box check.
constexpr double kValidationSkin = 0.3;

}  // namespace tlsx
