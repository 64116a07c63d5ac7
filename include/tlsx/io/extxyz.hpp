#pragma once
// Extended XYZ (the ASE / OVITO / libAtoms convention, one frame per block of N + 2 lines):
//   line 1: N
//   line 2: Lattice="Lx 0 0 0 Ly 0 0 0 Lz" Properties=species:S:1:pos:R:3[:vel:R:3]:type:I:1
//           pbc="T T T" Time=t Step=s
//   then N lines of the columns named by Properties.
// Written: the species column holds the model's element symbols (Species::element, as LAMMPS's
// dump_modify element does, so ASE accepts them), `type` is the 1-based species index; positions
// are written unwrapped, exactly as stored (%.17g).
// Read (the last frame of the file): key=value pairs with optional "quotes" in any order; Lattice
// required and orthogonal; Properties in any order with pos:R:3 and species:S:1 required; velocities
// from vel/velo/velocities:R:3, or momenta:R:3 divided by the species mass (ASE writes momenta);
// other columns skipped. A species field may be an element symbol or a species name of the model;
// an optional `type` column must agree with it. An "Origin" key shifts the positions to the
// box origin 0.
#include <string>
#include <vector>

#include "tlsx/io/configuration.hpp"

namespace tlsx {

Configuration read_extxyz(const std::string& path, const Model& model);
void write_extxyz(const std::string& path, const Configuration& c, const Model& model);
// Several frames one after another (a trajectory: ASE's read(path, index=":") and OVITO animate
// it), frame k with the key=value pairs extra[k] appended to its comment line (e.g. the image's
// energy); written atomically (atomic_file.hpp).
void write_extxyz_frames(const std::string& path, const std::vector<Configuration>& frames,
                         const std::vector<std::string>& extra, const Model& model);

}  // namespace tlsx
