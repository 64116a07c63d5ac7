#pragma once
// LAMMPS data files, atomic style (https://docs.lammps.org/read_data.html, write_data).
//
// Read: header ("N atoms", "M atom types", "xlo xhi", "ylo yhi", "zlo zhi"; a tilt line "xy xz yz"
// is rejected: the box must be orthogonal), then the sections Masses (checked against the model),
// Atoms ("id type x y z [ix iy iz]", any id order, ids exactly 1..N) and Velocities ("id vx vy vz").
// Pair Coeffs / PairIJ Coeffs sections are skipped. Types 1..n_species are species 0..n-1.
// Positions are shifted so that xlo = 0 and unwrapped with the image flags. The step is taken from
// "timestep = N" on the first (comment) line when present, as write_data puts it there.
// Write: "Atoms # atomic" with image flags (positions wrapped into [0, L)), Masses from the model,
// Velocities when present, every number with %.17g.
#include <string>

#include "tlsx/io/configuration.hpp"

namespace tlsx {

Configuration read_lammps_data(const std::string& path, const Model& model);
// Writes to `path` directly (write_configuration wraps this in an atomic replacement).
void write_lammps_data(const std::string& path, const Configuration& c, const Model& model);

}  // namespace tlsx
