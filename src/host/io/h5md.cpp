#include "tlsx/io/h5md.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "tlsx/core/error.hpp"
#include "tlsx/io/hdf5_file.hpp"

namespace tlsx {

namespace {

using h5::Dataset;
using h5::Group;
using h5::Shape;

std::string shape_text(const Shape& s) {
  std::string out;
  for (std::size_t d : s) out += "[" + std::to_string(d) + "]";
  return out.empty() ? "scalar" : out;
}

[[noreturn]] void bad(const h5::Object& o, const std::string& what) {
  throw Error(o.file_name() + ": " + o.path() + ": " + what);
}

// A time-dependent H5MD element holding one frame: step, time and value [1][row...].
void write_element(Group& parent, const std::string& name, const Configuration& c, const std::vector<double>* values,
                   const std::vector<std::int32_t>* ints, const Shape& row) {
  Group g = parent.create_group(name);
  g.create_extendable<std::int64_t>("step", {}).append(std::vector<std::int64_t>{c.step});
  g.create_extendable<double>("time", {}).append(std::vector<double>{c.time});
  if (values) g.create_extendable<double>("value", row).append(*values);
  if (ints) g.create_extendable<std::int32_t>("value", row).append(*ints);
}

// SoA (x block, y block, z block) <-> H5MD's [N][3].
std::vector<double> to_rows(const std::vector<double>& soa, int n) {
  std::vector<double> rows(3 * std::size_t(n));
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) rows[3 * std::size_t(i) + d] = soa[d * std::size_t(n) + i];
  return rows;
}

struct Frame {
  Dataset value;
  std::size_t row = 0;  // frame index within value (0 for a time-independent dataset)
  bool time_dependent = false;
  Group group;          // the element group when time-dependent
};

// The last frame of an element: a time-dependent group (value [frames][...]) or a plain dataset.
Frame last_frame(const Group& parent, const std::string& name, std::size_t row_rank) {
  if (parent.is_group(name)) {
    Group g = parent.open_group(name);
    Dataset v = g.open_dataset("value");
    const Shape s = v.shape();
    if (s.size() != row_rank + 1) bad(v, "expected a time-dependent value of rank " + std::to_string(row_rank + 1) + ", found " + shape_text(s));
    if (s[0] == 0) bad(v, "holds no frames");
    return Frame{v, s[0] - 1, true, g};
  }
  Dataset v = parent.open_dataset(name);
  if (v.shape().size() != row_rank) bad(v, "expected rank " + std::to_string(row_rank) + ", found " + shape_text(v.shape()));
  return Frame{v, 0, false, parent};
}

template <class T>
std::vector<T> read_frame(const Frame& f) {
  return f.time_dependent ? f.value.read_rows<T>(f.row, 1) : f.value.read<T>();
}

// Step and time of frame `row` of a time-dependent element (explicit arrays, or H5MD's fixed
// interval: a scalar step/time with an optional offset attribute).
void read_step_time(const Frame& f, Configuration& c) {
  if (!f.time_dependent) return;
  auto value_at = [&](const std::string& name, auto zero) -> decltype(zero) {
    using T = decltype(zero);
    if (!f.group.exists(name)) bad(f.group, "time-dependent element without '" + name + "'");
    Dataset d = f.group.open_dataset(name);
    if (d.shape().empty()) {
      // offset + row * interval, in double precision: an int64 product could overflow.
      const double offset = d.has_attribute("offset") ? d.attribute<double>("offset") : 0.0;
      const double v = offset + static_cast<double>(f.row) * d.read<double>()[0];
      if constexpr (std::is_integral_v<T>) {
        if (!(std::fabs(v) < 9.2e18)) bad(d, "fixed-interval " + name + " out of range");
        return static_cast<T>(std::llround(v));
      } else {
        return v;
      }
    }
    if (d.shape().size() != 1 || d.shape()[0] <= f.row) bad(d, "has no entry for frame " + std::to_string(f.row));
    return d.read_rows<T>(f.row, 1)[0];
  };
  c.step = static_cast<long>(value_at("step", std::int64_t(0)));
  c.time = f.group.exists("time") ? value_at("time", 0.0) : 0.0;
}

}  // namespace

void write_h5md(const std::string& path, const Configuration& c, const Model& model) {
  h5::File file = h5::File::create(path);
  const int n = c.n();
  Group h5md = file.create_group("h5md");
  h5md.set_attribute("version", std::vector<int>{1, 1});
  const char* user = std::getenv("USER");
  h5md.create_group("author").set_attribute("name", std::string(user && *user ? user : "unknown"));
  Group creator = h5md.create_group("creator");
  creator.set_attribute("name", "tlsx");
  creator.set_attribute("version", TLSX_VERSION);

  Group all = file.create_group("particles/all");
  Group box = all.create_group("box");
  box.set_attribute("dimension", std::int64_t{3});
  box.set_attribute("boundary", std::vector<std::string>{"periodic", "periodic", "periodic"});
  const std::vector<double> edges{c.box.length[0], c.box.length[1], c.box.length[2]};
  write_element(box, "edges", c, &edges, nullptr, {3});

  const std::vector<double> pos = to_rows(c.pos, n);
  write_element(all, "position", c, &pos, nullptr, {std::size_t(n), 3});
  if (c.has_velocities()) {
    const std::vector<double> vel = to_rows(c.vel, n);
    write_element(all, "velocity", c, &vel, nullptr, {std::size_t(n), 3});
  }
  const std::vector<std::int32_t> species(c.species.begin(), c.species.end());
  write_element(all, "species", c, nullptr, &species, {std::size_t(n)});
  Group sg = all.open_group("species");
  std::vector<std::string> names, elements;
  for (const Species& s : model.species) {
    names.push_back(s.name);
    elements.push_back(s.element);
  }
  sg.set_attribute("names", names);
  sg.set_attribute("elements", elements);
  file.create_group("parameters/tlsx").set_attribute("model", model.name);
  file.close();  // reports a full disk; the destructor cannot
}

Configuration read_h5md(const std::string& path, const Model& model) {
  h5::File file = h5::File::open(path);
  if (!file.is_group("h5md")) throw Error(path + ": not an H5MD file (no /h5md group)");
  Group h5md = file.open_group("h5md");
  if (h5md.has_attribute("version")) {
    const std::vector<std::int64_t> v = h5md.attribute<std::vector<std::int64_t>>("version");
    if (v.empty() || v[0] != 1) bad(h5md, "H5MD version attribute is not 1.x");
  }
  if (!file.is_group("particles")) throw Error(path + ": /particles: missing (no particle data)");
  Group particles = file.open_group("particles");
  const std::vector<std::string> groups = particles.members();
  if (groups.empty()) bad(particles, "has no particle group");
  Group all = particles.open_group(particles.is_group("all") ? "all" : groups[0]);
  Configuration c;

  // Box: periodic, 3D, orthogonal.
  Group box = all.open_group("box");
  if (box.has_attribute("dimension") && box.attribute<std::int64_t>("dimension") != 3)
    bad(box, "dimension must be 3");
  if (box.has_attribute("boundary"))
    for (const std::string& b : box.attribute<std::vector<std::string>>("boundary"))
      if (b != "periodic") bad(box, "boundary '" + b + "': tlsx needs periodic boundaries");
  if (!box.exists("edges")) bad(box, "no edges (a periodic box needs them)");
  std::vector<double> edges;
  if (box.is_group("edges")) {
    Group eg = box.open_group("edges");
    const Shape s = eg.open_dataset("value").shape();
    edges = read_frame<double>(last_frame(box, "edges", s.size() == 3 ? 2 : 1));
  } else {
    edges = box.read<double>("edges");
  }
  if (edges.size() == 9) {  // a box matrix: must be diagonal
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b)
        if (a != b && edges[3 * a + b] != 0.0) bad(box, "edges: triclinic box is not supported");
    edges = {edges[0], edges[4], edges[8]};
  }
  if (edges.size() != 3) bad(box, "edges: expected 3 edge lengths, found " + std::to_string(edges.size()));
  for (double e : edges)
    if (!std::isfinite(e) || e <= 0.0) bad(box, "edges: edge lengths must be positive and finite");
  c.box = Box::orthorhombic(edges[0], edges[1], edges[2]);

  // Positions [N][3].
  const Frame pf = last_frame(all, "position", 2);
  const Shape ps = pf.value.shape();
  if (ps.back() != 3) bad(pf.value, "expected 3 components per particle, found " + shape_text(ps));
  if (ps[ps.size() - 2] == 0) bad(pf.value, "holds no particles");
  if (ps[ps.size() - 2] > static_cast<std::size_t>(std::numeric_limits<int>::max() / 3))
    bad(pf.value, "too many particles (" + std::to_string(ps[ps.size() - 2]) + ")");
  const int n = static_cast<int>(ps[ps.size() - 2]);
  read_step_time(pf, c);
  auto to_soa = [&](const Frame& f, std::vector<double>& out, const char* what) {
    const std::vector<double> rows = read_frame<double>(f);
    if (rows.size() != 3 * std::size_t(n)) bad(f.value, std::string(what) + ": expected " + std::to_string(n) + " x 3 values");
    out.assign(3 * std::size_t(n), 0.0);
    for (int i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) {
        const double v = rows[3 * std::size_t(i) + d];
        if (!std::isfinite(v)) bad(f.value, std::string("non-finite ") + what + " of particle " + std::to_string(i + 1));
        out[d * std::size_t(n) + i] = v;
      }
  };
  to_soa(pf, c.pos, "position");
  if (all.exists("velocity")) to_soa(last_frame(all, "velocity", 2), c.vel, "velocity");

  // Species: our 0-based index with a names attribute, or 1-based types.
  if (!all.exists("species")) bad(all, "no species (tlsx needs the species of every particle)");
  const Frame sf = last_frame(all, "species", 1);
  const std::vector<std::int64_t> raw = read_frame<std::int64_t>(sf);
  if (raw.size() != std::size_t(n)) bad(sf.value, "expected " + std::to_string(n) + " species, found " + std::to_string(raw.size()));
  std::vector<int> map;  // file value -> model species
  Group holder = sf.time_dependent ? sf.group : all;
  const bool named = sf.time_dependent && holder.has_attribute("names");
  if (named) {
    for (const std::string& name : holder.attribute<std::vector<std::string>>("names")) {
      const int s = model.species_index(name);
      if (s < 0 || model.species[s].name != name)
        bad(holder, "species '" + name + "' is not a species of model " + model.name);
      map.push_back(s);
    }
  }
  c.species.resize(n);
  for (int i = 0; i < n; ++i) {
    const std::int64_t v = raw[i];
    int s = -1;
    if (named) {
      if (v >= 0 && v < static_cast<std::int64_t>(map.size())) s = map[v];
    } else if (v >= 1 && v <= model.n_species()) {
      s = static_cast<int>(v - 1);
    }
    if (s < 0)
      bad(sf.value, "species value " + std::to_string(v) + " of particle " + std::to_string(i + 1) + " is out of range" +
                        (named ? "" : " (without a names attribute, species are 1-based types 1.." +
                                          std::to_string(model.n_species()) + ")"));
    c.species[i] = s;
  }
  return c;
}

}  // namespace tlsx
