#include "tlsx/io/configuration.hpp"

#include "text_parsing.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/extxyz.hpp"
#include "tlsx/io/h5md.hpp"
#include "tlsx/io/lammps_data.hpp"

namespace tlsx {

namespace {

enum class Format { lammps, extxyz, h5md };

Format format_of(const std::string& path) {
  const std::string ext = io_detail::extension_of(path);
  if (ext == "data" || ext == "lmp") return Format::lammps;
  if (ext == "xyz" || ext == "extxyz") return Format::extxyz;
  if (ext == "h5" || ext == "hdf5" || ext == "h5md") return Format::h5md;
  throw input_error(path, 0, "unknown configuration format '." + ext +
                                 "' (use .data/.lmp for LAMMPS, .xyz/.extxyz for extended XYZ, .h5/.hdf5/.h5md for H5MD)");
}

// Readers must hand out a configuration whose arrays agree with each other.
void check_shape(const Configuration& c, const std::string& path) {
  const std::size_t n = c.species.size();
  if (n == 0) throw input_error(path, 0, "no particles");
  if (c.pos.size() != 3 * n || (!c.vel.empty() && c.vel.size() != 3 * n))
    throw input_error(path, 0, "inconsistent array sizes (internal error)");
}

}  // namespace

Configuration read_configuration(const std::string& path, const Model& model) {
  Configuration c;
  switch (format_of(path)) {
    case Format::lammps: c = read_lammps_data(path, model); break;
    case Format::extxyz: c = read_extxyz(path, model); break;
    case Format::h5md: c = read_h5md(path, model); break;
  }
  check_shape(c, path);
  return c;
}

void write_configuration(const std::string& path, const Configuration& c, const Model& model) {
  const Format format = format_of(path);
  check_shape(c, path);
  for (int s : c.species)
    if (s < 0 || s >= model.n_species())
      throw input_error(path, 0, "species index " + std::to_string(s) + " outside model " + model.name);
  write_atomically(path, [&](const std::string& tmp) {
    switch (format) {
      case Format::lammps: write_lammps_data(tmp, c, model); break;
      case Format::extxyz: write_extxyz(tmp, c, model); break;
      case Format::h5md: write_h5md(tmp, c, model); break;
    }
  });
}

}  // namespace tlsx
