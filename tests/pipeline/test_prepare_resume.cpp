// Checkpoint/resume of the glass preparation (issue 3, "Long runs"): a run stopped at chunk
// boundaries (in the melt, at the switch to T_f, in the swap MC/MD run) and resumed, on another
// thread count, ends bitwise where the uninterrupted run ends (positions, velocities, species, swap
// statistics, every sampled time series); a checkpoint of other options is refused naming the file;
// and the same through the program (`tlsx prepare --stop-after`, `--resume`).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../cli/cli_test_support.hpp"
#include "pipeline_fixtures.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/prepare.hpp"

namespace {

using tlsx::CpuBackend;
using tlsx::Error;
using tlsx::GlassSet;
using tlsx::Preparation;
using tlsx::PrepareOptions;
using tlsx::StageRunControl;
using tlsx::StageRunResult;

// Two melt chunks (1000 + 200 steps), then swap MC/MD blocks of 70 steps (the last one 20 steps):
// 300 / 70 -> 5 blocks, 6 samples with t = 0.
PrepareOptions small_options() {
  PrepareOptions o;
  o.n = 256;
  o.glasses = 2;
  o.first_glass = 3;
  o.fictive_temperature = 0.8;
  o.seed = 17;
  o.melt_steps = Preparation::kMeltChunk + 200;
  o.steps = 300;
  o.sample_every = 70;
  return o;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

template <class T>
void expect_same_bits(const std::vector<T>& a, const std::vector<T>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(T)), 0) << what << " differ";
}

void expect_same_glasses(const GlassSet& a, const GlassSet& b) {
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.config, b.config);
  EXPECT_EQ(a.ids, b.ids);
  expect_same_bits(a.positions, b.positions, "positions");
  expect_same_bits(a.velocities, b.velocities, "velocities");
  EXPECT_EQ(a.species, b.species);
  expect_same_bits(a.energy, b.energy, "final energies");
  expect_same_bits(a.swap_acceptance, b.swap_acceptance, "swap acceptances");
  expect_same_bits(a.series_time, b.series_time, "sample times");
  expect_same_bits(a.series_energy, b.series_energy, "energy series");
  expect_same_bits(a.series_temperature, b.series_temperature, "temperature series");
  expect_same_bits(a.series_fs, b.series_fs, "F_s series");
}

const GlassSet& reference_run() {
  static const GlassSet g = [] {
    CpuBackend cpu(1);
    return tlsx::prepare_glasses(small_options(), tlsx::ka2_model(), cpu);
  }();
  return g;
}

StageRunControl quiet_control(const std::string& checkpoint, std::int64_t stop_after) {
  StageRunControl c;
  c.checkpoint_path = checkpoint;
  c.checkpoint_every = 0;
  c.stop_after = stop_after;
  c.progress = false;
  return c;
}

TEST(PrepareResume, StoppedAndResumedRunEqualsUninterruptedRun) {
  const PrepareOptions o = small_options();
  const tlsx::Model model = tlsx::ka2_model();
  const std::string ckpt = tlsx::testing::temp_path("prepare_resume.ckpt");
  std::remove(ckpt.c_str());
  {
    Preparation first(o, model);
    CpuBackend cpu(2);
    const StageRunResult r = tlsx::run_preparation(first, cpu, quiet_control(ckpt, 1));
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.stop_reason, "--stop-after 1");
    EXPECT_EQ(r.checkpoints_written, 1);
    EXPECT_TRUE(first.melting());
    EXPECT_EQ(first.steps_done(), Preparation::kMeltChunk);
  }  // the first process is gone: only the checkpoint remains
  {
    // Second call: the rest of the melt with the switch to T_f, then one swap block.
    Preparation second = Preparation::resume(ckpt, o, model);
    EXPECT_EQ(second.steps_done(), Preparation::kMeltChunk);
    CpuBackend cpu(1);
    EXPECT_FALSE(tlsx::run_preparation(second, cpu, quiet_control(ckpt, 2)).complete);
    EXPECT_FALSE(second.melting());
    EXPECT_EQ(second.steps_done(), o.melt_steps + o.sample_every);
  }
  {
    Preparation third = Preparation::resume(ckpt, o, model);
    CpuBackend cpu(2);
    EXPECT_FALSE(tlsx::run_preparation(third, cpu, quiet_control(ckpt, 3)).complete);
    EXPECT_EQ(third.steps_done(), o.melt_steps + 4 * o.sample_every);
  }
  Preparation last = Preparation::resume(ckpt, o, model);
  CpuBackend cpu(2);
  EXPECT_TRUE(tlsx::run_preparation(last, cpu, quiet_control(ckpt, 0)).complete);
  const GlassSet resumed = last.glass_set();
  const GlassSet& whole = reference_run();
  ASSERT_EQ(whole.series_time.size(), 6u);  // t = 0 and five blocks
  EXPECT_DOUBLE_EQ(whole.series_time.back(), o.steps * o.dt);
  // The comparison is not trivial: the swaps changed species and the glasses moved.
  EXPECT_GT(whole.swap_acceptance[0], 0.0);
  EXPECT_LT(whole.series_fs.back(), 0.9);
  expect_same_glasses(resumed, whole);
  std::remove(ckpt.c_str());
}

TEST(PrepareResume, SignalsCheckpointAndStopAtAChunkBoundary) {
  PrepareOptions o = small_options();
  o.melt_steps = 100;  // one melt chunk, then swap blocks of 70 steps
  const tlsx::Model model = tlsx::ka2_model();
  const std::string ckpt = tlsx::testing::temp_path("prepare_signal.ckpt");
  std::remove(ckpt.c_str());
  tlsx::StopSignals::clear();
  Preparation p(o, model);
  StageRunControl control = quiet_control(ckpt, 0);
  int chunks = 0;
  control.on_step = [&chunks] {
    ++chunks;
    if (chunks == 1) std::raise(SIGUSR1);  // checkpoint and go on
    if (chunks == 3) std::raise(SIGTERM);  // checkpoint and stop
  };
  CpuBackend cpu(2);
  const StageRunResult r = tlsx::run_preparation(p, cpu, control);
  tlsx::StopSignals::clear();
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.stop_reason, "SIGTERM");
  EXPECT_EQ(r.checkpoints_written, 2);
  EXPECT_EQ(p.steps_done(), o.melt_steps + 2 * o.sample_every);
  const Preparation resumed = Preparation::resume(ckpt, o, model);
  EXPECT_EQ(resumed.steps_done(), p.steps_done());
  expect_same_glasses(resumed.glass_set(), p.glass_set());
  std::remove(ckpt.c_str());
}

void expect_refused(const std::string& ckpt, const PrepareOptions& o, const tlsx::Model& model, const char* what) {
  try {
    Preparation::resume(ckpt, o, model);
    ADD_FAILURE() << "a checkpoint with another " << what << " was accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(ckpt), std::string::npos) << m;
    EXPECT_NE(m.find("different configuration"), std::string::npos) << m;
  }
}

TEST(PrepareResume, CheckpointOfOtherOptionsIsRefused) {
  PrepareOptions o = small_options();
  o.melt_steps = 50;
  o.steps = 100;
  const tlsx::Model model = tlsx::ka2_model();
  const std::string ckpt = tlsx::testing::temp_path("prepare_mismatch.ckpt");
  Preparation p(o, model);
  CpuBackend cpu(2);
  p.advance(cpu);
  p.save_checkpoint(ckpt);

  PrepareOptions other = o;
  other.fictive_temperature = 0.7;
  expect_refused(ckpt, other, model, "T_f");
  other = o;
  other.seed = o.seed + 1;
  expect_refused(ckpt, other, model, "seed");
  other = o;
  other.steps = 200;
  expect_refused(ckpt, other, model, "step count");
  tlsx::Model deeper_ab = model;
  deeper_ab.epsilon[1] *= 1.01;  // epsilon_AB
  deeper_ab.epsilon[deeper_ab.n_species()] *= 1.01;  // epsilon_BA
  expect_refused(ckpt, o, deeper_ab, "model");
  EXPECT_NO_THROW(Preparation::resume(ckpt, o, model));

  // A file that is no preparation checkpoint: a glass set.
  const std::string glasses = tlsx::testing::temp_path("prepare_not_a_checkpoint.h5");
  tlsx::write_glass_set(glasses, p.glass_set());
  try {
    Preparation::resume(glasses, o, model);
    ADD_FAILURE() << "a glass file was accepted as a checkpoint";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(glasses), std::string::npos) << e.what();
  }
  std::remove(glasses.c_str());
  std::remove(ckpt.c_str());
}

// ---- the program ----

using tlsx::testing::ProgramRun;
using tlsx::testing::run_tlsx;

TEST(PrepareCli, StopAfterThenResumeWritesTheSameGlasses) {
  const std::string common =
      " --backend cpu --n 256 --glasses 2 --melt-steps 1100 --steps 200 --sample-every 60 --seed 5";
  const std::string whole = tlsx::testing::temp_path("prepare_cli_whole.h5"),
                    split = tlsx::testing::temp_path("prepare_cli_split.h5"), ckpt = split + ".ckpt";
  for (const std::string& f : {whole, split, ckpt, whole + ".ckpt"}) std::remove(f.c_str());

  const ProgramRun one = run_tlsx("prepare -o " + whole + " --temperature 0.8 --threads 1" + common);
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_FALSE(file_exists(whole + ".ckpt"));  // removed once the output is written

  const ProgramRun stopped = run_tlsx("prepare -o " + split + " --temperature 0.8 --threads 1" + common + " --stop-after 2");
  ASSERT_EQ(stopped.code, 0) << stopped.err;
  EXPECT_FALSE(file_exists(split));
  ASSERT_TRUE(file_exists(ckpt));
  EXPECT_NE(stopped.err.find("--resume"), std::string::npos) << stopped.err;

  const ProgramRun afresh = run_tlsx("prepare -o " + split + " --temperature 0.8" + common);
  EXPECT_NE(afresh.code, 0);
  EXPECT_NE(afresh.err.find(ckpt + " exists"), std::string::npos) << afresh.err;

  const ProgramRun other = run_tlsx("prepare -o " + split + " --temperature 0.7" + common + " --resume");
  EXPECT_NE(other.code, 0);
  EXPECT_NE(other.err.find(ckpt), std::string::npos) << other.err;
  EXPECT_NE(other.err.find("different configuration"), std::string::npos) << other.err;

  // The second call on two threads: neither the thread count nor the split changes the result.
  const ProgramRun resumed =
      run_tlsx("prepare -o " + split + " --temperature 0.8" + common + " --threads 2 --resume --stop-after 2");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_FALSE(file_exists(split));
  const ProgramRun finished = run_tlsx("prepare -o " + split + " --temperature 0.8 --threads 1" + common + " --resume");
  ASSERT_EQ(finished.code, 0) << finished.err;
  ASSERT_TRUE(file_exists(split));
  EXPECT_FALSE(file_exists(ckpt));
  expect_same_glasses(tlsx::read_glass_set(split), tlsx::read_glass_set(whole));
  std::remove(whole.c_str());
  std::remove(split.c_str());
}

}  // namespace
