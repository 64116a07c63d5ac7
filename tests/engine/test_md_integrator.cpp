// Velocity Verlet and its thermostats against the physics they must reproduce: energy
// conservation with O(dt^2) errors (NVE), the target temperature (Berendsen), and the canonical
// kinetic-energy distribution (Nose-Hoover chain), on small KA2 liquids.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "../common/test_systems.hpp"
#include "test_md_support.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md.hpp"

namespace {

using tlsx::testing::block_average;
using tlsx::testing::detrended_std;
using tlsx::testing::lattice_batch;
using tlsx::testing::linear_slope;

// A KA2 liquid of n particles melted from the jittered lattice with Berendsen at T = 1.
struct Liquid {
  tlsx::Model model = tlsx::ka2_model();
  tlsx::PairTable table = model.pair_table();
  tlsx::ReplicaBatch batch;
  std::vector<tlsx::MdReplicaState> states{1};
  tlsx::CpuBackend cpu{1};

  explicit Liquid(int n, unsigned seed = 21u) : batch(lattice_batch(model, n, 1, seed)) {
    tlsx::maxwell_boltzmann_velocities(batch, 0, 1.0, 1.0, seed, 0);
    tlsx::MdParams melt;
    melt.dt = 0.005;
    melt.temperature = 1.0;
    melt.thermostat = tlsx::Thermostat::berendsen;
    melt.tau_t = 0.5;
    cpu.run_md(batch, states, table, melt, 1000);
    states[0].reset_statistics();
  }
  double dof() const { return tlsx::degrees_of_freedom(batch.n()); }
  // Runs `samples` times `stride` steps and returns f(state) after each stride.
  template <class F>
  std::vector<double> series(const tlsx::MdParams& p, int samples, int stride, F&& f) {
    std::vector<double> out;
    for (int k = 0; k < samples; ++k) {
      cpu.run_md(batch, states, table, p, stride);
      out.push_back(f(states[0]));
    }
    return out;
  }
};

// Velocity Verlet is time reversible and symplectic: the energy of the trajectory stays within
// O(dt^2) of a shadow Hamiltonian, so E(t) fluctuates with an amplitude proportional to dt^2 and
// does not drift (the smoothed potential has V, V', V'' continuous at the cutoff, Eqs. 4-5).
// Halving dt must divide the fluctuation by 4; a wrong half-kick (e.g. a full kick once per step,
// i.e. symplectic Euler, or an unbalanced split) makes the error O(dt) and the ratio 2.
TEST(MdIntegrator, VelocityVerletConservesEnergyWithSecondOrderError) {
  Liquid liquid(343);
  const tlsx::ReplicaBatch start = liquid.batch;
  const tlsx::MdReplicaState start_state = liquid.states[0];
  const int n = liquid.batch.n();
  double fluct[2], drift[2];
  const double dts[2] = {0.005, 0.0025};
  for (int run = 0; run < 2; ++run) {
    liquid.batch = start;
    liquid.states[0] = start_state;
    tlsx::MdParams nve;
    nve.dt = dts[run];
    const int stride = run == 0 ? 5 : 10;  // sample every 0.025 time units for 10 time units
    const auto e = liquid.series(nve, 400, stride, [&](const tlsx::MdReplicaState& s) {
      return (s.potential_energy + s.kinetic_energy) / n;
    });
    fluct[run] = detrended_std(e);
    drift[run] = linear_slope(e) * e.size();  // change of E/N over the run
    std::printf("dt %.4f: E/N %.6f, fluctuation %.3e, drift over 10 tau %.3e\n", dts[run], e.front(), fluct[run],
                drift[run]);
  }
  // Bounds: at T ~ 1, rho = 1.35 and dt = 0.005 velocity Verlet gives sigma(E)/N = 4.3e-4 here; a
  // first-order integrator is an order of magnitude worse. No drift beyond the fluctuation level.
  EXPECT_LT(fluct[0], 1.0e-3);
  EXPECT_LT(std::fabs(drift[0]), 2.0 * fluct[0]);
  EXPECT_LT(std::fabs(drift[1]), 2.0 * fluct[1]);
  const double ratio = fluct[0] / fluct[1];
  EXPECT_GT(ratio, 3.2);
  EXPECT_LT(ratio, 4.8);
}

double mean_temperature(const tlsx::MdReplicaState& s, double dof) {
  return 2.0 * s.kinetic_sum / static_cast<double>(s.kinetic_samples) / dof;
}

TEST(MdIntegrator, BerendsenReachesTargetTemperature) {
  for (double target : {0.4, 1.0}) {
    Liquid liquid(343);  // starts at T = 1 and must move to the target
    tlsx::MdParams p;
    p.dt = 0.005;
    p.temperature = target;
    p.thermostat = tlsx::Thermostat::berendsen;
    p.tau_t = 0.5;
    liquid.cpu.run_md(liquid.batch, liquid.states, liquid.table, p, 1000);  // 20 tau_t
    liquid.states[0].reset_statistics();
    liquid.cpu.run_md(liquid.batch, liquid.states, liquid.table, p, 2000);
    const double t = mean_temperature(liquid.states[0], liquid.dof());
    std::printf("Berendsen target %.2f: mean T %.5f\n", target, t);
    EXPECT_NEAR(t, target, 0.01 * target);
  }
}

// Canonical kinetic energy: K = sum of f/2 squares of Gaussians, so <K> = f T/2 and
// Var(K) = (f/2) T^2. Nose-Hoover must reproduce both; Berendsen keeps <T> but suppresses
// Var(K) (it rescales towards T0 every step), so the same check must reject it.
struct KineticStatistics {
  double mean_t, mean_t_error, variance_ratio, variance_ratio_error;
};

KineticStatistics kinetic_statistics(tlsx::Thermostat thermostat, double target, int samples) {
  Liquid liquid(216, 33u);
  tlsx::MdParams p;
  p.dt = 0.005;
  p.temperature = target;
  p.thermostat = thermostat;
  p.tau_t = 0.5;
  liquid.cpu.run_md(liquid.batch, liquid.states, liquid.table, p, 2000);
  const auto k = liquid.series(p, samples, 5, [](const tlsx::MdReplicaState& s) { return s.kinetic_energy; });
  const double f = liquid.dof();
  const int blocks = 25;
  const auto mean = block_average(k, blocks);
  std::vector<double> dev2(k.size());
  for (std::size_t i = 0; i < k.size(); ++i) dev2[i] = (k[i] - mean.mean) * (k[i] - mean.mean);
  const auto var = block_average(dev2, blocks);
  const double expected = 0.5 * f * target * target;
  return {2.0 * mean.mean / f, 2.0 * mean.error / f, var.mean / expected, var.error / expected};
}

TEST(MdIntegrator, NoseHooverChainSamplesCanonicalKineticEnergy) {
  const double target = 0.8;
  const KineticStatistics nh = kinetic_statistics(tlsx::Thermostat::nose_hoover, target, 4000);
  std::printf("Nose-Hoover: T %.5f +- %.5f, Var(K)/(f T^2/2) %.4f +- %.4f\n", nh.mean_t, nh.mean_t_error,
              nh.variance_ratio, nh.variance_ratio_error);
  EXPECT_NEAR(nh.mean_t, target, 4.0 * nh.mean_t_error + 1e-3);
  EXPECT_NEAR(nh.variance_ratio, 1.0, 4.0 * nh.variance_ratio_error);

  const KineticStatistics be = kinetic_statistics(tlsx::Thermostat::berendsen, target, 4000);
  std::printf("Berendsen:   T %.5f +- %.5f, Var(K)/(f T^2/2) %.4f +- %.4f\n", be.mean_t, be.mean_t_error,
              be.variance_ratio, be.variance_ratio_error);
  EXPECT_NEAR(be.mean_t, target, 0.01 * target);
  EXPECT_LT(be.variance_ratio, 1.0 - 4.0 * be.variance_ratio_error);
}

// The Nose-Hoover chain equations conserve H = K + U + chain energy (thermostats.hpp); the
// Trotter splitting keeps it within O(dt^2) like NVE's energy, also while the chain is cooling the
// liquid from T = 1 to 0.6. A wrong chain force, mass or splitting makes H drift or its error O(dt).
TEST(MdIntegrator, NoseHooverChainConservesExtendedEnergyWithSecondOrderError) {
  Liquid liquid(343);
  const tlsx::ReplicaBatch start = liquid.batch;
  const tlsx::MdReplicaState start_state = liquid.states[0];
  const int n = liquid.batch.n();
  const double f = liquid.dof();
  double fluct[2], drift[2];
  const double dts[2] = {0.005, 0.0025};
  for (int run = 0; run < 2; ++run) {
    liquid.batch = start;
    liquid.states[0] = start_state;
    tlsx::MdParams p;
    p.dt = dts[run];
    p.temperature = 0.6;
    p.thermostat = tlsx::Thermostat::nose_hoover;
    p.tau_t = 0.25;
    const auto h = liquid.series(p, 400, run == 0 ? 5 : 10, [&](const tlsx::MdReplicaState& s) {
      return (s.kinetic_energy + s.potential_energy +
              tlsx::nose_hoover_energy(s.nhc_position, s.nhc_velocity, f, p.temperature, p.tau_t)) /
             n;
    });
    fluct[run] = detrended_std(h);
    drift[run] = linear_slope(h) * h.size();
    const double t_end = 2.0 * liquid.states[0].kinetic_energy / f;
    std::printf("NH dt %.4f: T at the end %.3f, H/N %.6f, fluctuation %.3e, drift %.3e\n", dts[run], t_end,
                h.front(), fluct[run], drift[run]);
    EXPECT_LT(t_end, 0.75);  // the thermostat did cool the liquid
    EXPECT_LT(std::fabs(drift[run]), 3.0 * fluct[run]);
  }
  EXPECT_LT(fluct[0], 1.0e-3);
  const double ratio = fluct[0] / fluct[1];
  EXPECT_GT(ratio, 3.2);
  EXPECT_LT(ratio, 4.8);
}

}  // namespace
