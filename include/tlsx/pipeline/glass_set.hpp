#pragma once
// A set of equilibrated glasses (metabasins) as written by `tlsx prepare` and read by `tlsx explore`:
// one HDF5 file (docs/cli-prepare.md), coordinates SoA per glass, with the equilibration evidence.
//   /                      attrs: program, version, model (TOML text), n, box, fictive_temperature,
//                                 seed, config (the run's options as TOML)
//   /glasses/id            [G]      global glass ids (keys of every random stream)
//   /glasses/positions     [G][3N]  SoA: x block, y block, z block (unwrapped)
//   /glasses/velocities    [G][3N]
//   /glasses/species       [G][N]   0-based species index
//   /glasses/energy        [G]      potential energy per particle at the end
//   /glasses/swap_acceptance [G]
//   /glasses/status        [G]      0 equilibrated; 1 its MD blew up (the last good state is stored)
//   /equilibration/time    [S]      time since the start of the swap MC/MD run at T_f
//   /equilibration/energy  [G][S]   potential energy per particle
//   /equilibration/temperature [G][S]
//   /equilibration/fs      [G][S]   F_s(q, t) against the configuration at time 0 (attr q)
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/core/box.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

struct GlassSet {
  Model model;
  int n = 0;
  Box box;
  double fictive_temperature = 0.0;
  std::uint64_t seed = 0;
  std::string config;  // the options that made it, as TOML text

  std::vector<std::int64_t> ids;      // G
  std::vector<double> positions;      // G * 3n
  std::vector<double> velocities;     // G * 3n
  std::vector<int> species;           // G * n
  std::vector<double> energy;         // G
  std::vector<double> swap_acceptance;  // G
  std::vector<std::int32_t> status;     // G (empty: all 0): 1 = its preparation MD blew up

  double fs_wavenumber = 7.2;
  std::vector<double> series_time;         // S
  std::vector<double> series_energy;       // G * S
  std::vector<double> series_temperature;  // G * S
  std::vector<double> series_fs;           // G * S

  int size() const { return static_cast<int>(ids.size()); }
  bool blown_up(int g) const { return g < static_cast<int>(status.size()) && status[g] != 0; }
};

// Written atomically. Errors name the file and object.
void write_glass_set(const std::string& path, const GlassSet& g);
GlassSet read_glass_set(const std::string& path);

}  // namespace tlsx
