#include "tlsx/pipeline/glass_set.hpp"

#include <cmath>
#include <limits>

#include "tlsx/core/error.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/hdf5_file.hpp"

namespace tlsx {

void write_glass_set(const std::string& path, const GlassSet& g) {
  const std::size_t count = g.ids.size(), n = g.n, s = g.series_time.size();
  write_atomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::create(tmp);
    f.set_attribute("program", "tlsx prepare");
    f.set_attribute("version", TLSX_VERSION);
    f.set_attribute("model", model_to_toml(g.model));
    f.set_attribute("n", static_cast<std::int64_t>(g.n));
    f.set_attribute("box", std::vector<double>{g.box.length[0], g.box.length[1], g.box.length[2]});
    f.set_attribute("fictive_temperature", g.fictive_temperature);
    f.set_attribute("seed", static_cast<std::int64_t>(g.seed));
    f.set_attribute("config", g.config);
    f.set_attribute("units", "reduced LJ (sigma_AA, eps_AA, m, tau)");
    h5::Group glasses = f.create_group("glasses");
    glasses.write("id", g.ids);
    glasses.write("positions", g.positions, {count, 3 * n});
    glasses.write("velocities", g.velocities, {count, 3 * n});
    std::vector<std::int32_t> species(g.species.begin(), g.species.end());
    glasses.write("species", species, {count, n});
    glasses.write("energy", g.energy);
    glasses.write("swap_acceptance", g.swap_acceptance);
    glasses.write("status", g.status.empty() ? std::vector<std::int32_t>(count, 0) : g.status)
        .set_attribute("description", "0 equilibrated; 1 its MD blew up (the last good state is stored)");
    h5::Group eq = f.create_group("equilibration");
    eq.write("time", g.series_time);
    eq.write("energy", g.series_energy, {count, s});
    eq.write("temperature", g.series_temperature, {count, s});
    h5::Dataset fs = eq.write("fs", g.series_fs, {count, s});
    fs.set_attribute("q", g.fs_wavenumber);
    fs.set_attribute("definition", "F_s(q,t) = <cos(q dx_i(t))>, averaged over particles and the three axes");
    f.close();  // reports a full disk; the destructor cannot
  });
}

GlassSet read_glass_set(const std::string& path) {
  GlassSet g;
  h5::File f = h5::File::open(path);
  if (!f.exists("glasses/positions")) throw input_error(path, 0, "not a tlsx glass set (no /glasses/positions)");
  g.model = model_from_toml_text(f.attribute<std::string>("model"), path + ": /model");
  const std::int64_t n_stored = f.attribute<std::int64_t>("n");
  const std::vector<double> box = f.attribute<std::vector<double>>("box");
  if (box.size() != 3 || n_stored <= 0 || n_stored > std::numeric_limits<int>::max() / 3)
    throw input_error(path, 0, "attributes n/box are malformed");
  for (const double l : box)
    if (!std::isfinite(l) || l <= 0.0) throw input_error(path, 0, "attribute box: edge lengths must be positive and finite");
  g.n = static_cast<int>(n_stored);
  g.box = Box::orthorhombic(box[0], box[1], box[2]);
  g.fictive_temperature = f.attribute<double>("fictive_temperature");
  g.seed = static_cast<std::uint64_t>(f.attribute<std::int64_t>("seed"));
  if (f.has_attribute("config")) g.config = f.attribute<std::string>("config");
  g.ids = f.read<std::int64_t>("glasses/id");
  g.positions = f.read<double>("glasses/positions");
  g.velocities = f.read<double>("glasses/velocities");
  const std::vector<std::int32_t> species = f.read<std::int32_t>("glasses/species");
  g.species.assign(species.begin(), species.end());
  g.energy = f.read<double>("glasses/energy");
  g.swap_acceptance = f.read<double>("glasses/swap_acceptance");
  if (f.exists("glasses/status")) g.status = f.read<std::int32_t>("glasses/status");  // (older files: none)
  const std::size_t count = g.ids.size(), n = g.n;
  if (g.positions.size() != count * 3 * n || g.velocities.size() != count * 3 * n || g.species.size() != count * n ||
      g.energy.size() != count || g.swap_acceptance.size() != count ||
      (!g.status.empty() && g.status.size() != count))
    throw input_error(path, 0, "/glasses datasets disagree with n = " + std::to_string(n) + " and " +
                                   std::to_string(count) + " glasses");
  for (int s : g.species)
    if (s < 0 || s >= g.model.n_species()) throw input_error(path, 0, "/glasses/species: species index out of range");
  if (f.exists("equilibration/time")) {
    g.series_time = f.read<double>("equilibration/time");
    g.series_energy = f.read<double>("equilibration/energy");
    g.series_temperature = f.read<double>("equilibration/temperature");
    g.series_fs = f.read<double>("equilibration/fs");
    g.fs_wavenumber = f.open_dataset("equilibration/fs").attribute<double>("q");
    const std::size_t s = g.series_time.size();
    if (g.series_energy.size() != count * s || g.series_temperature.size() != count * s || g.series_fs.size() != count * s)
      throw input_error(path, 0, "/equilibration series disagree with " + std::to_string(count) + " glasses and " +
                                     std::to_string(s) + " samples");  }
  return g;
}

}  // namespace tlsx
