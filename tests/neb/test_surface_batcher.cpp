// The SurfaceBatcher gathers the requests of concurrently running searches into single backend
// calls: each search must get bit for bit what a surface of its own gets, the rounds must really be
// shared (fewer backend calls than requests), and errors must reach the search that caused them.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "../common/test_systems.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/neb/atomistic_surface.hpp"
#include "tlsx/neb/surface_batcher.hpp"

namespace {

using tlsx::testing::lattice_batch;

constexpr int kN = 64;
constexpr int kJobs = 3;

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Job k (k = 0, 1, 2) owns a glass of its own (different species and positions) and asks for
// k + 1 evaluations of k + 1 configurations each, then one minimisation.
struct Job {
  std::vector<int> species;
  std::vector<double> configurations;  // (kJobs) configurations of 3 kN
};

struct Outcome {
  std::vector<std::vector<double>> energies, forces;
  std::vector<double> minimum;
  tlsx::RelaxOutcome relax;
};

std::vector<Job> make_jobs(const tlsx::Model& model) {
  std::vector<Job> jobs;
  for (int k = 0; k < kJobs; ++k) {
    tlsx::ReplicaBatch b = lattice_batch(model, kN, kJobs, 100u + static_cast<unsigned>(k));
    Job j;
    j.species.assign(b.species(0), b.species(0) + kN);
    j.configurations.assign(b.pos(0), b.pos(0) + static_cast<std::size_t>(kJobs) * 3 * kN);
    jobs.push_back(std::move(j));
  }
  return jobs;
}

Outcome run_job(tlsx::AtomisticSurface& surface, const Job& job, int k) {
  Outcome out;
  const int m = 3 * kN;
  for (int call = 0; call <= k; ++call) {
    const int count = k + 1;
    std::vector<double> e(count), f(static_cast<std::size_t>(count) * m);
    surface.evaluate(job.configurations.data(), count, e.data(), f.data());
    out.energies.push_back(e);
    out.forces.push_back(f);
  }
  out.minimum.assign(job.configurations.begin(), job.configurations.begin() + m);
  out.relax = surface.minimize(out.minimum, 1e-8);
  return out;
}

// Three glasses of kN particles in one box, and the backend that serves them.
class SurfaceBatcher : public ::testing::Test {
 protected:
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const tlsx::Box box = lattice_batch(model, kN, 1, 1u).box();
  std::vector<Job> jobs = make_jobs(model);
  tlsx::CpuBackend cpu{2};
};

TEST_F(SurfaceBatcher, ConcurrentSearchesGetWhatTheyGetAloneInSharedCalls) {

  std::vector<Outcome> alone;
  for (int k = 0; k < kJobs; ++k) {
    tlsx::AtomisticSurface surface(cpu, table, box, jobs[k].species);
    alone.push_back(run_job(surface, jobs[k], k));
  }

  tlsx::SurfaceBatcher batcher(cpu, table, box, tlsx::testing::kTestSkin);
  std::vector<Outcome> together(kJobs);
  batcher.run(kJobs, [&](int k) {
    tlsx::AtomisticSurface surface(batcher, jobs[k].species);
    together[k] = run_job(surface, jobs[k], k);
  });

  for (int k = 0; k < kJobs; ++k) {
    ASSERT_EQ(together[k].energies.size(), alone[k].energies.size());
    for (std::size_t c = 0; c < alone[k].energies.size(); ++c) {
      EXPECT_TRUE(same_bits(together[k].energies[c], alone[k].energies[c])) << "job " << k << " call " << c;
      EXPECT_TRUE(same_bits(together[k].forces[c], alone[k].forces[c])) << "job " << k << " call " << c;
    }
    EXPECT_TRUE(alone[k].relax.converged) << alone[k].relax.reason;
    EXPECT_TRUE(same_bits(together[k].minimum, alone[k].minimum)) << "job " << k;
    EXPECT_EQ(together[k].relax.energy, alone[k].relax.energy);
    EXPECT_EQ(together[k].relax.iterations, alone[k].relax.iterations);
  }
  // Requests in lockstep: round r serves every job still running. Job k makes k + 1 force requests
  // and then one minimisation, so the rounds are {F0,F1,F2}, {M0,F1,F2}, {M1,F2}, {M2}: 4 rounds,
  // 1 + 4 + 9 = 14 force replicas, 3 minimisations, in 6 backend calls (instead of 9).
  const tlsx::SurfaceBatcherStats s = batcher.stats();
  EXPECT_EQ(s.rounds, 4);
  EXPECT_EQ(s.force_replicas, 14);
  EXPECT_EQ(s.minimize_replicas, 3);
  EXPECT_EQ(s.backend_calls, 6);
}

TEST_F(SurfaceBatcher, AFailingSearchEndsAloneAndItsErrorIsRethrown) {
  tlsx::SurfaceBatcher batcher(cpu, table, box, tlsx::testing::kTestSkin);
  std::atomic<int> finished{0};
  try {
    batcher.run(kJobs, [&](int k) {
      tlsx::AtomisticSurface surface(batcher, jobs[k].species);
      if (k == 1) throw std::runtime_error("search 1 gave up");
      run_job(surface, jobs[k], k);  // the others must not wait for search 1 forever
      ++finished;
    });
    ADD_FAILURE() << "the error of search 1 was not rethrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "search 1 gave up");
  }
  EXPECT_EQ(finished.load(), kJobs - 1);
  // Outside run() a request is served at once.
  std::vector<double> e(1), f(3 * kN);
  tlsx::AtomisticSurface surface(batcher, jobs[0].species);
  surface.evaluate(jobs[0].configurations.data(), 1, e.data(), f.data());
  EXPECT_TRUE(std::isfinite(e[0]));
}

TEST_F(SurfaceBatcher, ABackendErrorReachesEverySearchOfTheRound) {
  tlsx::SurfaceBatcher batcher(cpu, table, box, tlsx::testing::kTestSkin);
  // Searches with different particle counts cannot share a batch: the round fails for both.
  jobs[1].species.resize(kN / 2);
  std::atomic<int> errors{0};
  EXPECT_NO_THROW(batcher.run(2, [&](int k) {
    tlsx::AtomisticSurface surface(batcher, jobs[k].species);
    std::vector<double> e(1), f(3 * kN);
    try {
      surface.evaluate(jobs[k].configurations.data(), 1, e.data(), f.data());
    } catch (const tlsx::Error& err) {
      EXPECT_NE(std::string(err.what()).find("particle counts"), std::string::npos) << err.what();
      ++errors;
    }
  }));
  EXPECT_EQ(errors.load(), 2);
}

// A stream of many short searches: at most `window` run at once (and that many do), each gets what
// it gets alone, results come in job order, and the threads of ended jobs are released as the stream
// goes (a stage may stream thousands of pairs).
TEST_F(SurfaceBatcher, StreamRunsAWindowOfJobsAndReleasesTheirThreads) {
  constexpr int kCount = 120, kWindow = 4;
  std::vector<double> alone(kJobs);
  for (int g = 0; g < kJobs; ++g) {
    tlsx::AtomisticSurface surface(cpu, table, box, jobs[g].species);
    double f[3 * kN];
    surface.evaluate(jobs[g].configurations.data(), 1, &alone[g], f);
  }
  tlsx::SurfaceBatcher batcher(cpu, table, box, tlsx::testing::kTestSkin);
  std::atomic<int> running{0}, most{0};
  std::vector<double> energy(kCount, 0.0);
  batcher.start_jobs(kCount, kWindow, [&](int k) {
    const int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    const Job& job = jobs[k % kJobs];
    tlsx::AtomisticSurface surface(batcher, job.species);
    double f[3 * kN];
    for (int call = 0; call < 1 + k % 3; ++call) surface.evaluate(job.configurations.data(), 1, &energy[k], f);
    --running;
  });
  // An ended thread that is never joined keeps its stack mapped (8 MiB of address space each).
  const auto mapped_kib = [] {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("VmSize:", 0) == 0) return std::stol(line.substr(7));
    return 0L;
  };
  long start_kib = 0, most_kib = 0;
  for (int k = 0; k < kCount; ++k) {
    batcher.serve_until_ended(k);
    EXPECT_EQ(energy[k], alone[k % kJobs]) << "job " << k;
    EXPECT_GE(batcher.jobs_ended(), k + 1);
    if (k == kWindow) start_kib = mapped_kib();
    most_kib = std::max(most_kib, mapped_kib());
  }
  EXPECT_EQ(most.load(), kWindow);
  // 110 more jobs would have mapped ~880 MiB of stacks had their threads been kept.
  EXPECT_LT(most_kib - start_kib, 200L * 1024) << "threads of ended jobs are not released";
  batcher.cancel();
}

}  // namespace
