#include "tlsx/io/lammps_data.hpp"

#include <cerrno>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <map>

#include "text_parsing.hpp"
#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

using io_detail::parse_double;
using io_detail::parse_integer;
using io_detail::split_fields;
using io_detail::TextLine;

std::string trim(const std::string& s) {
  const std::size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// The line without its "# comment".
std::string strip_comment(const std::string& s) { return trim(s.substr(0, s.find('#'))); }

// The text after '#' ("atomic" in "Atoms # atomic"), or "".
std::string comment_of(const std::string& s) {
  const std::size_t hash = s.find('#');
  return hash == std::string::npos ? "" : trim(s.substr(hash + 1));
}

bool is_section_keyword(const std::string& word) {
  static const char* known[] = {"Atoms", "Velocities", "Masses", "Pair Coeffs", "PairIJ Coeffs",
                                "Bonds", "Angles", "Dihedrals", "Impropers", "Ellipsoids", "Lines",
                                "Triangles", "Bodies", "Bond Coeffs", "Angle Coeffs", "Dihedral Coeffs",
                                "Improper Coeffs", "Atom Type Labels"};
  for (const char* k : known)
    if (word == k) return true;
  return false;
}

// "key = value" items of write_data's first line ("..., timestep = 1000, units = lj").
std::map<std::string, std::string> comment_items(const std::string& first_line) {
  std::map<std::string, std::string> items;
  std::size_t start = 0;
  while (start <= first_line.size()) {
    const std::size_t comma = std::min(first_line.find(',', start), first_line.size());
    const std::string item = first_line.substr(start, comma - start);
    const std::size_t eq = item.find('=');
    if (eq != std::string::npos) items[trim(item.substr(0, eq))] = trim(item.substr(eq + 1));
    start = comma + 1;
  }
  return items;
}

// The data lines of one section: the next `count` non-blank lines after index `k` (the keyword).
// Stops with an error at a section keyword or the end of the file.
std::vector<const TextLine*> section_lines(const std::vector<TextLine>& lines, std::size_t& k, long count,
                                           const std::string& section, const std::string& what,
                                           const std::string& path) {
  std::vector<const TextLine*> out;
  const long keyword_line = lines[k].number;
  ++k;
  while (static_cast<long>(out.size()) < count) {
    while (k < lines.size() && strip_comment(lines[k].text).empty()) ++k;
    if (k == lines.size() || is_section_keyword(strip_comment(lines[k].text))) {
      const long at = k == lines.size() ? lines.empty() ? 0 : lines.back().number : lines[k].number;
      throw input_error(path, at,
                        section + " section (line " + std::to_string(keyword_line) + ") ends after " +
                            std::to_string(out.size()) + " of " + std::to_string(count) + " " + what +
                            " lines (truncated file or wrong count in the header)");
    }
    out.push_back(&lines[k]);
    ++k;
  }
  return out;
}

}  // namespace

Configuration read_lammps_data(const std::string& path, const Model& model) {
  const std::vector<TextLine> lines = io_detail::read_lines(path);
  if (lines.empty()) throw input_error(path, 0, "empty file (expected a LAMMPS data file)");
  Configuration c;
  {
    const auto items = comment_items(lines[0].text);
    if (auto it = items.find("timestep"); it != items.end())
      c.step = static_cast<long>(parse_integer(it->second, path, 1, "timestep in the title line"));
    if (auto it = items.find("time"); it != items.end()) c.time = parse_double(it->second, path, 1, "time in the title line");
  }

  // ---- header ----
  long n_atoms = -1, n_types = -1;
  double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  bool have_bounds[3] = {false, false, false};
  std::size_t k = 1;
  for (; k < lines.size(); ++k) {
    const std::string text = strip_comment(lines[k].text);
    if (text.empty()) continue;
    if (is_section_keyword(text)) break;
    const long ln = lines[k].number;
    const std::vector<std::string> f = split_fields(text);
    auto keyword = [&](std::size_t from) {
      std::string w;
      for (std::size_t i = from; i < f.size(); ++i) w += (i > from ? " " : "") + f[i];
      return w;
    };
    if (f.size() >= 4 && (keyword(2) == "xlo xhi" || keyword(2) == "ylo yhi" || keyword(2) == "zlo zhi")) {
      const int d = f[2][0] - 'x';
      lo[d] = parse_double(f[0], path, ln, keyword(2).substr(0, 3));
      hi[d] = parse_double(f[1], path, ln, keyword(2).substr(4, 3));
      if (hi[d] <= lo[d]) throw input_error(path, ln, "box bound " + keyword(2).substr(4, 3) + " must exceed " + keyword(2).substr(0, 3));
      have_bounds[d] = true;
    } else if (f.size() == 6 && keyword(3) == "xy xz yz") {
      throw input_error(path, ln, "triclinic box (xy xz yz tilt factors) is not supported: tlsx needs an orthogonal box");
    } else if (f.size() == 2 && f[1] == "atoms") {
      n_atoms = static_cast<long>(parse_integer(f[0], path, ln, "number of atoms"));
      if (n_atoms <= 0) throw input_error(path, ln, "number of atoms must be positive");
    } else if (f.size() == 3 && keyword(1) == "atom types") {
      n_types = static_cast<long>(parse_integer(f[0], path, ln, "number of atom types"));
      if (n_types <= 0) throw input_error(path, ln, "number of atom types must be positive");
      if (n_types > model.n_species())
        throw input_error(path, ln, std::to_string(n_types) + " atom types, but model " + model.name + " has " +
                                        std::to_string(model.n_species()) + " species");
    } else if (f.size() >= 2 && (f[1] == "bonds" || f[1] == "angles" || f[1] == "dihedrals" || f[1] == "impropers" ||
                                 keyword(1) == "bond types" || keyword(1) == "angle types" ||
                                 keyword(1) == "dihedral types" || keyword(1) == "improper types")) {
      if (parse_integer(f[0], path, ln, "number of " + keyword(1)) != 0)
        throw input_error(path, ln, "'" + text + "': atom style atomic has no molecular topology");
    } else {
      throw input_error(path, ln, "unrecognised header line '" + text + "'");
    }
  }
  const long header_end = k < lines.size() ? lines[k].number : lines.back().number;
  if (n_atoms < 0) throw input_error(path, header_end, "header has no 'N atoms' line");
  if (n_types < 0) throw input_error(path, header_end, "header has no 'M atom types' line");
  for (int d = 0; d < 3; ++d)
    if (!have_bounds[d])
      throw input_error(path, header_end, std::string("header has no '") + "xyz"[d] + "lo " + "xyz"[d] + "hi' line");
  c.box = Box::orthorhombic(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
  // Every atom needs its own line in the Atoms section, so a count beyond the file's lines must not
  // size the arrays: such a file gets the error its Atoms section gives (truncated, or wrong count).
  if (n_atoms > static_cast<long>(lines.size())) {
    for (std::size_t a = k; a < lines.size(); ++a) {
      std::size_t at = a;
      if (strip_comment(lines[a].text) == "Atoms") section_lines(lines, at, n_atoms, "Atoms", "atom", path);
    }
    throw input_error(path, 0, "no Atoms section");
  }
  const int n = static_cast<int>(n_atoms);

  // ---- sections ----
  bool have_atoms = false;
  std::vector<long> atom_line(n, 0), velocity_line(n, 0);
  c.pos.assign(3 * std::size_t(n), 0.0);
  c.species.assign(n, -1);
  while (k < lines.size()) {
    const std::string text = strip_comment(lines[k].text);
    if (text.empty()) {
      ++k;
      continue;
    }
    const long keyword_line = lines[k].number;
    if (!is_section_keyword(text)) throw input_error(path, keyword_line, "expected a section keyword, found '" + text + "'");
    if (text == "Atoms") {
      if (have_atoms) throw input_error(path, keyword_line, "second Atoms section");
      const std::string style = comment_of(lines[k].text);
      if (!style.empty() && split_fields(style)[0] != "atomic")
        throw input_error(path, keyword_line, "atom style '" + split_fields(style)[0] + "' is not supported (atomic only)");
      for (const TextLine* l : section_lines(lines, k, n, "Atoms", "atom", path)) {
        const std::vector<std::string> f = split_fields(strip_comment(l->text));
        if (f.size() != 5 && f.size() != 8)
          throw input_error(path, l->number, "expected 5 or 8 columns in Atoms section (id type x y z [ix iy iz]), found " +
                                                 std::to_string(f.size()));
        const long long id = parse_integer(f[0], path, l->number, "atom id");
        if (id < 1 || id > n)
          throw input_error(path, l->number, "atom id " + f[0] + " out of range 1.." + std::to_string(n) + " (ids must be 1..N)");
        const int i = static_cast<int>(id - 1);
        if (atom_line[i])
          throw input_error(path, l->number, "duplicate atom id " + f[0] + " (also on line " + std::to_string(atom_line[i]) + ")");
        atom_line[i] = l->number;
        const long long type = parse_integer(f[1], path, l->number, "atom type");
        if (type < 1 || type > n_types)
          throw input_error(path, l->number, "atom type " + f[1] + " out of range 1.." + std::to_string(n_types));
        c.species[i] = static_cast<int>(type - 1);
        for (int d = 0; d < 3; ++d) {
          const std::string axis(1, "xyz"[d]);
          double x = parse_double(f[2 + d], path, l->number, axis + " coordinate of atom " + f[0]) - lo[d];
          if (f.size() == 8) {
            const long long image = parse_integer(f[5 + d], path, l->number, "image flag i" + axis + " of atom " + f[0]);
            x += static_cast<double>(image) * c.box.length[d];
          }
          c.pos[d * std::size_t(n) + i] = x;
        }
      }
      have_atoms = true;
    } else if (text == "Velocities") {
      if (!c.vel.empty()) throw input_error(path, keyword_line, "second Velocities section");
      c.vel.assign(3 * std::size_t(n), 0.0);
      for (const TextLine* l : section_lines(lines, k, n, "Velocities", "velocity", path)) {
        const std::vector<std::string> f = split_fields(strip_comment(l->text));
        if (f.size() != 4)
          throw input_error(path, l->number, "expected 4 columns in Velocities section (id vx vy vz), found " +
                                                 std::to_string(f.size()));
        const long long id = parse_integer(f[0], path, l->number, "atom id");
        if (id < 1 || id > n) throw input_error(path, l->number, "atom id " + f[0] + " out of range 1.." + std::to_string(n));
        const int i = static_cast<int>(id - 1);
        if (velocity_line[i])
          throw input_error(path, l->number, "duplicate velocity for atom id " + f[0] + " (also on line " +
                                                 std::to_string(velocity_line[i]) + ")");
        velocity_line[i] = l->number;
        for (int d = 0; d < 3; ++d)
          c.vel[d * std::size_t(n) + i] = parse_double(f[1 + d], path, l->number, std::string("v") + "xyz"[d] + " of atom " + f[0]);
      }
    } else if (text == "Masses") {
      for (const TextLine* l : section_lines(lines, k, n_types, "Masses", "mass", path)) {
        const std::vector<std::string> f = split_fields(strip_comment(l->text));
        if (f.size() != 2) throw input_error(path, l->number, "expected 2 columns in Masses section (type mass)");
        const long long type = parse_integer(f[0], path, l->number, "atom type");
        if (type < 1 || type > n_types)
          throw input_error(path, l->number, "atom type " + f[0] + " out of range 1.." + std::to_string(n_types));
        const double mass = parse_double(f[1], path, l->number, "mass of type " + f[0]);
        const double expected = model.species[type - 1].mass;
        if (std::fabs(mass - expected) > 1e-9 * expected)
          throw input_error(path, l->number, "mass of type " + f[0] + " is " + f[1] + ", but model " + model.name +
                                                 " gives species " + model.species[type - 1].name + " mass " +
                                                 std::to_string(expected));
      }
    } else if (text == "Pair Coeffs" || text == "PairIJ Coeffs") {
      // Force-field parameters belong to the model file; the lines are skipped.
      section_lines(lines, k, text == "Pair Coeffs" ? n_types : n_types * (n_types + 1) / 2, text, "coefficient", path);
    } else {
      throw input_error(path, keyword_line, "section '" + text + "' is not supported (atom style atomic)");
    }
  }
  if (!have_atoms) throw input_error(path, 0, "no Atoms section");
  if (!c.vel.empty())
    for (int i = 0; i < n; ++i)
      if (!velocity_line[i]) throw input_error(path, 0, "Velocities section has no line for atom id " + std::to_string(i + 1));
  return c;
}

void write_lammps_data(const std::string& path, const Configuration& c, const Model& model) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw input_error(path, 0, "cannot create file");
  const int n = c.n();
  std::fprintf(f, "LAMMPS data file written by tlsx (model %s), timestep = %ld, time = %.17g, units = lj\n\n",
               model.name.c_str(), c.step, c.time);
  std::fprintf(f, "%d atoms\n%d atom types\n\n", n, model.n_species());
  for (int d = 0; d < 3; ++d)
    std::fprintf(f, "0 %.17g %clo %chi\n", c.box.length[d], "xyz"[d], "xyz"[d]);
  std::fprintf(f, "\nMasses\n\n");
  for (int s = 0; s < model.n_species(); ++s)
    std::fprintf(f, "%d %.17g # %s\n", s + 1, model.species[s].mass, model.species[s].name.c_str());
  std::fprintf(f, "\nAtoms # atomic\n\n");
  for (int i = 0; i < n; ++i) {
    double x[3];
    long image[3];
    for (int d = 0; d < 3; ++d) {
      // Wrapped into [0, L) with image flags, so that reading restores the unwrapped position.
      const double u = c.pos[d * std::size_t(n) + i], l = c.box.length[d];
      image[d] = static_cast<long>(std::floor(u / l));
      x[d] = u - image[d] * l;
      if (x[d] >= l) {
        x[d] -= l;
        ++image[d];
      } else if (x[d] < 0.0) {
        x[d] += l;
        --image[d];
      }
    }
    std::fprintf(f, "%d %d %.17g %.17g %.17g %ld %ld %ld\n", i + 1, c.species[i] + 1, x[0], x[1], x[2], image[0],
                 image[1], image[2]);
  }
  if (c.has_velocities()) {
    std::fprintf(f, "\nVelocities\n\n");
    for (int i = 0; i < n; ++i)
      std::fprintf(f, "%d %.17g %.17g %.17g\n", i + 1, c.vel[i], c.vel[n + i], c.vel[2 * std::size_t(n) + i]);
  }
  const bool ok = !std::ferror(f) && std::fflush(f) == 0;
  const int saved = errno;
  if (std::fclose(f) != 0 || !ok) throw input_error(path, 0, std::string("cannot write: ") + std::strerror(ok ? errno : saved));
}

}  // namespace tlsx
