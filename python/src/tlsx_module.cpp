// The Python extension module tlsx._tlsx (nanobind): the engine's single-configuration
// computations on numpy arrays. Every function calls the library function the CLI calls
// (pipeline/one_configuration.hpp, pipeline/pair_path.hpp, quantum/splitting.hpp), so the numbers are
// the CLI's to the last bit. Arrays come in as positions N x 3 (row-major, what numpy and ASE hold)
// and are turned into the engine's SoA layout here; python/tlsx/__init__.py checks their shapes and
// dtypes and wraps the results. The GIL is released around every computation. tlsx::Error (bad input:
// the one-line message the CLI prints) becomes ValueError.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/pipeline/neb_stage.hpp"
#include "tlsx/pipeline/one_configuration.hpp"
#include "tlsx/pipeline/pair_path.hpp"
#include "tlsx/pipeline/run_plan.hpp"
#include "tlsx/quantum/profile_csv.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using Positions = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Vector = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Species = nb::ndarray<const std::int32_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Array = nb::ndarray<nb::numpy, double>;

// A numpy array that owns `values` (moved to the heap, freed with the array).
template <class T>
nb::ndarray<nb::numpy, T> owned_array(std::vector<T> values, std::initializer_list<std::size_t> shape) {
  auto* heap = new std::vector<T>(std::move(values));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return nb::ndarray<nb::numpy, T>(heap->data(), shape, owner);
}

// N x 3 row-major -> SoA (x block, y block, z block).
std::vector<double> soa_of(const Positions& a) {
  const std::size_t n = a.shape(0);
  std::vector<double> out(3 * n);
  const double* p = a.data();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < 3; ++d) out[d * n + i] = p[3 * i + d];
  return out;
}

// SoA -> an N x 3 numpy array.
Array rows_of(const std::vector<double>& soa) {
  const std::size_t n = soa.size() / 3;
  std::vector<double> out(3 * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < 3; ++d) out[3 * i + d] = soa[d * n + i];
  return owned_array(std::move(out), {n, 3});
}

// SoA images (k x 3n, in the path's orientation) -> k x N x 3 from the lower minimum (reversed when
// the path starts at the higher one), the orientation of the double well's profile s, V.
Array image_rows_of(const std::vector<double>& images, std::size_t n, bool first_is_lower) {
  const std::size_t k = images.size() / (3 * n);
  std::vector<double> out(images.size());
  for (std::size_t m = 0; m < k; ++m) {
    const std::size_t from = first_is_lower ? m : k - 1 - m;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t d = 0; d < 3; ++d) out[(m * n + i) * 3 + d] = images[from * 3 * n + d * n + i];
  }
  return owned_array(std::move(out), {k, n, 3});
}

Array vector_array(std::vector<double> v) {
  const std::size_t n = v.size();
  return owned_array(std::move(v), {n});
}

// The configuration of the arrays, checked as the CLI checks a file it reads (validate_configuration:
// box, species, finite values, overlaps), errors naming `name`.
tlsx::Configuration configuration_of(const tlsx::Model& model, const Positions& positions, const Species& species,
                                     const Vector& box, const std::string& name,
                                     const std::optional<Positions>& velocities = std::nullopt, long step = 0,
                                     double time = 0.0) {
  // python/tlsx/engine.py shapes the arrays; these guard direct calls of the extension.
  const std::size_t n = positions.shape(0);
  if (positions.shape(1) != 3 || species.shape(0) != n || box.shape(0) != 3 ||
      (velocities && (velocities->shape(0) != n || velocities->shape(1) != 3)))
    throw tlsx::Error(name + ": positions (N x 3), species (N), box (3) and velocities (N x 3) do not fit together");
  tlsx::Configuration c;
  c.box = tlsx::Box::orthorhombic(box.data()[0], box.data()[1], box.data()[2]);
  c.pos = soa_of(positions);
  c.species.assign(species.data(), species.data() + species.shape(0));
  if (velocities) c.vel = soa_of(*velocities);
  c.step = step;
  c.time = time;
  tlsx::validate_configuration(c, model, name);
  return c;
}

nb::dict configuration_dict(const tlsx::Configuration& c) {
  nb::dict d;
  d["positions"] = rows_of(c.pos);
  d["species"] = owned_array(std::vector<std::int32_t>(c.species.begin(), c.species.end()), {c.species.size()});
  d["box"] = vector_array({c.box.length[0], c.box.length[1], c.box.length[2]});
  d["velocities"] = c.has_velocities() ? nb::cast(rows_of(c.vel)) : nb::none();
  d["step"] = c.step;
  d["time"] = c.time;
  return d;
}

nb::dict energy(const tlsx::Model& model, const Positions& positions, const Species& species, const Vector& box,
                const std::string& name) {
  const tlsx::Configuration c = configuration_of(model, positions, species, box, name);
  tlsx::ConfigurationEnergy e;
  {
    nb::gil_scoped_release release;
    e = tlsx::configuration_energy(c, model);
  }
  nb::dict d;
  d["energy"] = e.energy;
  d["energy_per_particle"] = e.energy / c.n();
  d["virial"] = e.virial;
  d["virial_pressure"] = e.virial_pressure;
  d["max_force"] = e.max_force;
  d["forces"] = rows_of(e.force);
  return d;
}

std::unique_ptr<tlsx::Backend> backend_of(const std::string& choice, int threads) {
  if (threads < 0) throw tlsx::Error("threads must be >= 0 (0: all), got " + std::to_string(threads));
  return tlsx::make_backend(choice, threads);
}

nb::dict minimize(const tlsx::Model& model, const Positions& positions, const Species& species, const Vector& box,
                  const std::string& name, const std::string& algorithm, double ftol, int max_iterations,
                  const std::string& backend, int threads) {
  tlsx::Configuration c = configuration_of(model, positions, species, box, name);
  tlsx::MinimizeParams params;
  if (!tlsx::parse_minimize_algorithm(algorithm.c_str(), params.algorithm))
    throw tlsx::Error("minimize: algorithm must be fire, cg or lbfgs, got '" + algorithm + "'");
  if (!(ftol > 0.0) || !std::isfinite(ftol))
    throw tlsx::Error("minimize: ftol must be a positive number, got " + tlsx::JsonObject::number(ftol));
  if (max_iterations <= 0)
    throw tlsx::Error("minimize: max_iterations must be positive, got " + std::to_string(max_iterations));
  params.force_tolerance = ftol;
  params.max_iterations = max_iterations;
  const std::unique_ptr<tlsx::Backend> b = backend_of(backend, threads);
  tlsx::MinimizeResult r;
  {
    nb::gil_scoped_release release;
    r = tlsx::minimize_configuration(c, model, params, *b);
  }
  nb::dict d;
  d["positions"] = rows_of(c.pos);
  d["energy"] = r.energy;
  d["energy_per_particle"] = r.energy / c.n();
  d["max_force"] = r.max_force;
  d["iterations"] = r.iterations;
  d["force_evaluations"] = r.force_evaluations;
  d["converged"] = r.converged();
  d["status"] = r.status;
  return d;
}

tlsx::Thermostat thermostat_of(const std::string& s) {
  if (s == "berendsen") return tlsx::Thermostat::berendsen;
  if (s == "nose-hoover") return tlsx::Thermostat::nose_hoover;
  if (s == "none") return tlsx::Thermostat::none;
  throw tlsx::Error("md: thermostat must be berendsen, nose-hoover or none, got '" + s + "'");
}

nb::dict md(const tlsx::Model& model, const Positions& positions, const Species& species, const Vector& box,
            const std::optional<Positions>& velocities, long step, double time, const std::string& name,
            std::int64_t steps, double temperature, double dt, const std::string& thermostat, double tau_t,
            int swap_every, int swap_attempts, std::uint64_t seed, const std::string& backend, int threads) {
  tlsx::Configuration c = configuration_of(model, positions, species, box, name, velocities, step, time);
  if (steps < 0) throw tlsx::Error("md: steps must be >= 0, got " + std::to_string(steps));
  if (swap_every < 0) throw tlsx::Error("md: swap_every must be >= 0, got " + std::to_string(swap_every));
  tlsx::MdRequest request;
  request.temperature = temperature;
  request.dt = dt;
  request.thermostat = thermostat_of(thermostat);
  request.tau_t = tau_t;
  request.swap_every = swap_every;
  request.swap_attempts = swap_attempts;
  request.seed = seed;
  const tlsx::MdParams p = tlsx::md_params(request, model, c.n());
  const std::unique_ptr<tlsx::Backend> b = backend_of(backend, threads);
  // The chunks of `tlsx md` without --thermo (the trajectory does not depend on them).
  const std::int64_t chunk = std::max<std::int64_t>(1, std::min<std::int64_t>(steps, 1000));
  tlsx::MdReplicaState s;
  {
    nb::gil_scoped_release release;
    s = tlsx::md_configuration(c, model, p, steps, *b, chunk);
  }
  if (s.status == tlsx::kMdBlownUp)  // as tlsx md: the step and the likely cause, never a silent state
    throw tlsx::Error("md: " + name + " blew up at step " + std::to_string(s.step + 1) + " of " +
                      std::to_string(steps) + ": its kinetic energy is not finite or a particle moved more than " +
                      "half the neighbour-list skin in one step (dt " + tlsx::shortest_decimal(dt) +
                      " too large, or overlapping particles)");
  const double dof = 3.0 * c.n() - 3.0;
  nb::dict d = configuration_dict(c);
  d["potential_energy"] = s.potential_energy;
  d["energy_per_particle"] = s.potential_energy / c.n();
  d["kinetic_energy"] = s.kinetic_energy;
  d["temperature"] = 2.0 * s.kinetic_energy / dof;
  d["temperature_mean"] = s.kinetic_samples ? 2.0 * (s.kinetic_sum / s.kinetic_samples) / dof : 0.0;
  d["pressure"] = (c.n() * (2.0 * s.kinetic_energy / dof) + s.virial / 3.0) / c.box.volume();
  d["swap_attempts"] = s.swap_attempted;
  d["swap_accepted"] = s.swap_accepted;
  d["swap_acceptance"] = s.swap_attempted ? static_cast<double>(s.swap_accepted) / s.swap_attempted : 0.0;
  return d;
}

nb::dict double_well_dict(const tlsx::ElementaryPath& p, std::size_t n) {
  const tlsx::DoubleWell& dw = p.double_well;
  nb::dict d;
  d["first"] = p.first;
  d["second"] = p.second;
  d["first_is_lower"] = dw.first_is_lower;
  d["energy_1"] = dw.energy_1;
  d["energy_2"] = dw.energy_2;
  d["energy_ts"] = dw.energy_ts;
  d["V_a"] = dw.barrier;
  d["dV"] = dw.asymmetry;
  d["V_b"] = dw.barrier_height;
  d["distance"] = dw.distance;
  d["d"] = dw.d;
  d["participation_ratio"] = dw.participation_ratio;
  d["max_displacement"] = dw.max_displacement;
  d["arc_length"] = dw.arc_length;
  d["s_ts"] = dw.s_ts;
  d["omega_1"] = dw.omega_1;
  d["omega_2"] = dw.omega_2;
  d["omega_ts"] = dw.omega_ts;
  d["s"] = vector_array(dw.s);
  d["V"] = vector_array(dw.v);
  d["dVds"] = vector_array(dw.slope);
  d["climbing_image"] = dw.climbing_image;
  d["max_band_force"] = dw.max_band_force;
  d["iterations"] = dw.iterations;
  d["force_evaluations"] = dw.force_evaluations;
  d["images"] = p.images.empty() ? nb::none() : nb::cast(image_rows_of(p.images, n, dw.first_is_lower));
  return d;
}

nb::dict neb(const tlsx::Model& model, const Positions& a_positions, const Species& a_species, const Vector& a_box,
             const Positions& b_positions, const Species& b_species, const Vector& b_box,
             const std::string& name_a, const std::string& name_b,
             int images, const std::string& method, double spring, double ftol, long max_iterations, bool climb,
             double min_ftol, int max_bands, bool keep_images, const std::string& backend, int threads) {
  const tlsx::Configuration a = configuration_of(model, a_positions, a_species, a_box, name_a);
  const tlsx::Configuration b = configuration_of(model, b_positions, b_species, b_box, name_b);
  tlsx::NebStageOptions o;
  if (method != "string" && method != "neb") throw tlsx::Error("neb: method must be string or neb, got '" + method + "'");
  o.method = method == "string" ? tlsx::PathMethod::string : tlsx::PathMethod::neb;
  o.images = images;
  o.spring = spring;
  o.force_tolerance = ftol;
  o.max_iterations = max_iterations;
  o.climb = climb;
  o.minimize_tolerance = min_ftol;
  o.max_bands = max_bands;
  tlsx::check_pair(a, b, name_a, name_b);
  const std::unique_ptr<tlsx::Backend> be = backend_of(backend, threads);
  tlsx::PairEnds ends;
  tlsx::PairPath path;
  {
    nb::gil_scoped_release release;
    ends = tlsx::pair_ends(a, b, name_a, name_b, model, o, *be);  // ends that are not minima are quenched
    path = tlsx::connect_pair(ends, model, o, *be, keep_images);
  }
  const tlsx::ConnectResult& r = path.result;
  const std::size_t n = static_cast<std::size_t>(a.n());
  nb::list minima, energies, dws, failures;
  for (const tlsx::Minimum& m : r.minima) {
    minima.append(rows_of(m.x));
    energies.append(m.energy);
  }
  for (const tlsx::ElementaryPath& p : r.double_wells) dws.append(double_well_dict(p, n));
  for (const tlsx::PathFailure& f : r.failures) {
    nb::dict d;
    d["first"] = f.first;
    d["second"] = f.second;
    d["status"] = f.not_converged ? "not_converged" : "failed";
    d["reason"] = f.reason;
    failures.append(d);
  }
  nb::list quenched_ends;  // as `tlsx neb --pair --json`'s "ends"
  for (const tlsx::EndQuench& q : ends.quench) {
    nb::dict e;
    e["max_force"] = q.max_force;
    e["quenched"] = q.quenched;
    if (q.quenched) {
      e["energy_change"] = q.energy_change;
      e["largest_displacement"] = q.largest_displacement;
      e["force_evaluations"] = q.force_evaluations;
    }
    quenched_ends.append(e);
  }
  nb::dict d;
  d["status"] = path.status;
  d["ends"] = quenched_ends;
  d["minima"] = minima;
  d["minima_energy"] = energies;
  d["intermediate_minima"] = r.intermediate_minima();
  d["double_wells"] = dws;
  d["failures"] = failures;
  d["bands"] = r.bands;
  d["force_evaluations"] = r.force_evaluations;
  d["seconds"] = path.seconds;
  return d;
}

const char* splitting_status_name(tlsx::quantum::SplittingStatus s) {
  using S = tlsx::quantum::SplittingStatus;
  return s == S::ok ? "ok" : s == S::unresolved ? "unresolved" : s == S::no_levels ? "no_levels" : "profile_error";
}

nb::dict splitting_dict(const tlsx::quantum::SplittingResult& r) {
  nb::dict d;
  d["mass"] = r.mass;
  d["status"] = splitting_status_name(r.status);
  d["E"] = r.E;
  d["E_error"] = r.E_error;
  d["resolved"] = r.resolved;
  d["unresolved_reason"] = tlsx::quantum::unresolved_reason(r);
  d["levels"] = vector_array(std::vector<double>(r.levels, r.levels + tlsx::quantum::kLevels));
  d["Delta"] = r.Delta;
  d["Delta0"] = r.Delta0;
  d["Gamma"] = r.Gamma;
  d["E_wkb"] = r.E_wkb;
  d["V_a"] = r.V_a;
  d["dV"] = r.dV;
  d["V_b"] = r.V_b;
  d["T_Q"] = r.T_Q;
  d["is_tls"] = r.is_tls;
  d["omega_1"] = r.omega_1;
  d["omega_2"] = r.omega_2;
  d["omega_top"] = r.omega_top;
  d["d"] = r.d;
  d["s_top"] = r.s_top;
  d["V_min"] = r.V_min;
  d["s_origin"] = r.s_origin;
  d["reversed"] = r.reversed;
  d["grid_points"] = r.grid_points;
  d["grid_spacing"] = r.grid_spacing;
  d["grids"] = r.grids;
  d["s_lo"] = r.s_lo;
  d["s_hi"] = r.s_hi;
  return d;
}

nb::list splitting(const Vector& s, const Vector& v, const std::optional<Vector>& dvds,
                   const std::vector<double>& masses, double tol, const std::string& name) {
  if (!(tol > 0.0 && tol < 1.0)) throw tlsx::Error("splitting: tol must lie in (0, 1)");
  if (masses.empty()) throw tlsx::Error("splitting: mass: give at least one m~");
  for (const double m : masses)
    if (!(m > 0.0 && std::isfinite(m)))
      throw tlsx::Error("splitting: mass: every m~ must be a positive number, got " + tlsx::JsonObject::number(m));
  tlsx::quantum::Profile profile;
  profile.s.assign(s.data(), s.data() + s.shape(0));
  profile.V.assign(v.data(), v.data() + v.shape(0));
  if (dvds) profile.dVds.assign(dvds->data(), dvds->data() + dvds->shape(0));
  profile.name = name;
  tlsx::quantum::SplittingOptions options;
  options.grid.tol_E = tol;
  std::vector<tlsx::quantum::SplittingResult> results;
  {
    nb::gil_scoped_release release;
    results = tlsx::quantum::splittings(profile, masses, options);
  }
  nb::list out;
  for (const auto& r : results) out.append(splitting_dict(r));
  return out;
}

nb::dict read_profile(const std::string& path) {
  const tlsx::quantum::Profile p = tlsx::quantum::read_profile_csv(path);
  nb::dict d;
  d["s"] = vector_array(p.s);
  d["V"] = vector_array(p.V);
  d["dVds"] = p.dVds.empty() ? nb::none() : nb::cast(vector_array(p.dVds));
  return d;
}

nb::dict read_configuration(const std::string& path, const tlsx::Model& model) {
  tlsx::Configuration c = tlsx::read_configuration(path, model);
  tlsx::validate_configuration(c, model, path);
  return configuration_dict(c);
}

void write_configuration(const std::string& path, const tlsx::Model& model, const Positions& positions,
                         const Species& species, const Vector& box, const std::optional<Positions>& velocities,
                         long step, double time) {
  const tlsx::Configuration c = configuration_of(model, positions, species, box, path, velocities, step, time);
  tlsx::write_configuration(path, c, model);
}

Array square(const std::vector<double>& v, std::size_t n) { return owned_array(std::vector<double>(v), {n, n}); }

}  // namespace

NB_MODULE(_tlsx, m) {
  m.doc() = "tlsx engine (C++): the functions behind the tlsx package; use `import tlsx`";
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const tlsx::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  nb::class_<tlsx::Model>(m, "Model")
      .def("__init__", [](tlsx::Model* self, const std::string& name_or_path) {
        new (self) tlsx::Model(tlsx::resolve_model(name_or_path));
      }, "name_or_path"_a = "ka2")
      .def_static("from_toml", &tlsx::model_from_toml_text, "text"_a, "source"_a = "<string>")
      .def_ro("name", &tlsx::Model::name)
      .def_ro("source", &tlsx::Model::source)
      .def_ro("cutoff_ratio", &tlsx::Model::cutoff_ratio)
      .def_ro("density", &tlsx::Model::density)
      .def_prop_ro("n_species", &tlsx::Model::n_species)
      .def_prop_ro("species", [](const tlsx::Model& mo) {
        std::vector<std::string> v;
        for (const auto& s : mo.species) v.push_back(s.name);
        return v;
      })
      .def_prop_ro("elements", [](const tlsx::Model& mo) {
        std::vector<std::string> v;
        for (const auto& s : mo.species) v.push_back(s.element);
        return v;
      })
      .def_prop_ro("fractions", [](const tlsx::Model& mo) {
        std::vector<double> v;
        for (const auto& s : mo.species) v.push_back(s.fraction);
        return v;
      })
      .def_prop_ro("masses", [](const tlsx::Model& mo) {
        std::vector<double> v;
        for (const auto& s : mo.species) v.push_back(s.mass);
        return v;
      })
      .def_prop_ro("epsilon", [](const tlsx::Model& mo) { return nb::cast(square(mo.epsilon, mo.species.size())); })
      .def_prop_ro("sigma", [](const tlsx::Model& mo) { return nb::cast(square(mo.sigma, mo.species.size())); })
      .def_prop_ro("max_cutoff", [](const tlsx::Model& mo) { return mo.pair_table().max_cutoff; })
      .def("species_index", &tlsx::Model::species_index, "name_or_type"_a)
      .def("composition", &tlsx::Model::composition, "n"_a)
      .def("box_length", &tlsx::Model::box_length, "n"_a)
      .def("to_toml", [](const tlsx::Model& mo) { return tlsx::model_to_toml(mo); })
      .def("__repr__", [](const tlsx::Model& mo) { return "tlsx.Model('" + mo.name + "', source='" + mo.source + "')"; });

  m.def("_energy", &energy);
  m.def("_minimize", &minimize);
  m.def("_md", &md);
  m.def("_neb", &neb);
  m.def("_splitting", &splitting);
  m.def("_read_profile", &read_profile);
  m.def("_read_configuration", &read_configuration);
  m.def("_write_configuration", &write_configuration);
  m.def("version", [] { return std::string(TLSX_VERSION); });
  m.def("describe_backends", &tlsx::describe_backends);
}
