#pragma once
// H5MD 1.1 (https://www.nongnu.org/h5md/h5md.html) configuration files, one frame:
//   /h5md                      version = [1, 1]
//   /h5md/author               name = $USER
//   /h5md/creator              name = "tlsx", version = "<tlsx version>"
//   /particles/all/box         dimension = 3, boundary = ["periodic", "periodic", "periodic"]
//   /particles/all/box/edges   time-dependent: step [1] int64, time [1] float64, value [1][3] float64
//   /particles/all/position    time-dependent: step, time, value [1][N][3] float64 (unwrapped)
//   /particles/all/velocity    the same, when the configuration has velocities
//   /particles/all/species     time-dependent: step, time, value [1][N] int32 = 0-based model
//                              species index; attributes names / elements list the model's species
//   /parameters/tlsx           model = "<model name>"
// The box edges are a time-dependent group (not a fixed dataset) because MDAnalysis's H5MDReader
// reads box/edges/value[frame]; pyh5md accepts both forms. Time-dependent datasets are chunked
// with an unlimited first axis, so further frames can be appended.
// Reading takes the last frame of /particles/all (or the only particle group), accepts edges as a
// group or a fixed [3] / diagonal [3][3] dataset, position/velocity/species as time-dependent groups
// or fixed datasets, and species without the names attribute as 1-based types (as LAMMPS's
// dump h5md writes them). Errors name the file and the HDF5 object.
#include <string>

#include "tlsx/io/configuration.hpp"

namespace tlsx {

Configuration read_h5md(const std::string& path, const Model& model);
void write_h5md(const std::string& path, const Configuration& c, const Model& model);

}  // namespace tlsx
