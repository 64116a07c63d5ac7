// A run split into glass shards through the CLI (tests/data/shard_run.toml: 4 + 2 glasses, 3 shards):
// `tlsx run --shard K/N` for each K and `tlsx run --merge-shards` give the library and Table I of the
// unsharded `tlsx run`, bit for bit; every kind of bad shard set is refused with a one-line error
// naming the shard and nothing already computed is lost; a shard killed without a word (SIGKILL) is
// reported lost by `tlsx status` and resumed from its checkpoints to the same library.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "library_equality.hpp"
#include "pipeline_fixtures.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/pipeline/library.hpp"

namespace {

using namespace tlsx;

const std::string kPreset = std::string(TLSX_SOURCE_DIR) + "/tests/data/shard_run.toml";

struct Ran {
  int code = -1;
  std::string err, out;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void sh(const std::string& command) { ASSERT_EQ(std::system(command.c_str()), 0) << command; }

Ran tlsx_run(const std::string& args) {
  const std::string out = tlsx::testing::temp_path("shard_out.txt"), err = tlsx::testing::temp_path("shard_err.txt");
  const int status = std::system((std::string(TLSX_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
  Ran r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// The last line of stderr: the error.
std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const std::size_t nl = t.find_last_of('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// The unsharded run and a complete sharded run of the preset, computed once (ctest runs every test
// in a process of its own, so the checks that need them are one test, below).
struct ShardedRun {
  static std::string full_, sharded_;

  static void compute() {
    full_ = tlsx::testing::temp_path("full");
    sharded_ = tlsx::testing::temp_path("sharded");
    std::system(("rm -rf " + full_ + " " + sharded_).c_str());
    const Ran f = tlsx_run("run --config " + kPreset + " --output " + full_ + " --threads 1");
    ASSERT_EQ(f.code, 0) << f.err;
    for (int k = 0; k < 3; ++k) {
      const Ran s = tlsx_run("run --config " + kPreset + " --output " + sharded_ + " --shard " + std::to_string(k) +
                             "/3 --threads 1");
      ASSERT_EQ(s.code, 0) << s.err;
    }
    const Ran m = tlsx_run("run --merge-shards " + sharded_);
    ASSERT_EQ(m.code, 0) << m.err;
  }

  // A copy of the sharded run, without its merged library and report, to spoil.
  static std::string copy(const std::string& name) {
    const std::string dir = tlsx::testing::temp_path(name);
    std::system(("rm -rf " + dir + " && cp -a " + sharded_ + " " + dir + " && rm -rf " + dir + "/library.h5 " + dir +
                 "/report " + dir + "/run.toml")
                    .c_str());
    return dir;
  }

  // Merging `dir` fails with a one-line error that names `shard` and says `what`; it writes no library
  // and the shards keep every file they had.
  static void expect_refused(const std::string& dir, const std::string& shard, const std::string& what) {
    const std::string before = listing(dir);
    const Ran r = tlsx_run("run --merge-shards " + dir);
    EXPECT_NE(r.code, 0);
    const std::string line = last_line(r.err);
    EXPECT_EQ(line.rfind("tlsx: error: ", 0), 0u) << r.err;
    EXPECT_NE(line.find(shard + " ("), std::string::npos) << line;
    EXPECT_NE(line.find(what), std::string::npos) << line;
    EXPECT_FALSE(exists(dir + "/library.h5"));
    EXPECT_EQ(listing(dir), before) << "the refused merge changed the shards";
  }

  static std::string listing(const std::string& dir) {
    const std::string out = tlsx::testing::temp_path("listing.txt");
    std::system(("cd " + dir + " && find shards -type f | sort | xargs md5sum > " + out).c_str());
    return slurp(out);
  }
};
std::string ShardedRun::full_, ShardedRun::sharded_;
using R = ShardedRun;

void merged_shards_equal_the_unsharded_library_and_table_bit_for_bit() {
  const Library full = read_library(R::full_ + "/library.h5");
  const Library merged = read_library(R::sharded_ + "/library.h5");
  ASSERT_EQ(full.glasses.size(), 6u);
  EXPECT_GE(full.double_wells.size(), 1u) << "the preset must give double wells to compare";
  EXPECT_GE(full.inherent_structures.size(), 12u);
  tlsx::testing::expect_same_library(merged, full);
  EXPECT_EQ(merged.config_run, full.config_run);
  EXPECT_EQ(slurp(R::sharded_ + "/report/table1.csv"), slurp(R::full_ + "/report/table1.csv"));
  EXPECT_EQ(slurp(R::sharded_ + "/run.toml"), slurp(kPreset));
  // Each shard ran only its own glasses: shard 1 holds glasses 1 (T_f = 0.7) and 5 (T_f = 0.8).
  const Library one = read_library(R::sharded_ + "/shards/1/Tf0.7/library.h5");
  EXPECT_EQ(one.glasses.id, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(read_library(R::sharded_ + "/shards/1/Tf0.8/library.h5").glasses.id, (std::vector<std::int64_t>{5}));
  EXPECT_FALSE(exists(R::sharded_ + "/shards/2/Tf0.8")) << "shard 2 has no glass of the second column";
}

void status_says_every_shard_is_done_and_merged() {
  const Ran r = tlsx_run("status " + R::sharded_ + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"shards\":3,\"done\":3,\"merged\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("3 shards, 3 done; merged"), std::string::npos) << r.err;
}

void a_missing_shard_is_refused() {
  const std::string dir = R::copy("missing");
  sh("rm -rf " + dir + "/shards/2");
  R::expect_refused(dir, "shard 2", "missing");
}

void a_shard_of_another_preset_is_refused() {
  const std::string dir = R::copy("preset");
  sh("echo '# edited' >> " + dir + "/shards/1/run.toml");
  R::expect_refused(dir, "shard 1", "another preset");
}

void a_shard_of_another_program_version_is_refused() {
  const std::string dir = R::copy("version");
  sh("sed -i 's/^program_version = .*/program_version = \"0.0.1\"/' " + dir + "/shards/1/shard.toml");
  R::expect_refused(dir, "shard 1", "run by tlsx 0.0.1");
}

void a_shard_of_another_shard_count_is_refused() {
  const std::string dir = R::copy("count");
  sh("sed -i 's/^count = .*/count = 4/' " + dir + "/shards/2/shard.toml");
  R::expect_refused(dir, "shard 2", "of 4 shards");
  // Starting a shard of another count in the same folder is refused too.
  const Ran r = tlsx_run("run --config " + kPreset + " --output " + R::copy("count2") + " --shard 3/4");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(last_line(r.err).find("run in 3 shards"), std::string::npos) << r.err;
}

void a_shard_of_another_model_is_refused() {
  const std::string dir = R::copy("model");
  Library lib = read_library(dir + "/shards/1/Tf0.7/library.h5");
  Model other = model_from_toml_text(lib.model_toml, "model");
  other.name += " (edited)";
  lib.model_toml = model_to_toml(other);
  write_library(dir + "/shards/1/Tf0.7/library.h5", lib);
  R::expect_refused(dir, "shard 1", "another model");
}

void a_glass_in_two_shards_is_refused() {
  const std::string dir = R::copy("duplicate");
  sh("cp " + dir + "/shards/0/Tf0.7/library.h5 " + dir + "/shards/1/Tf0.7/library.h5");
  R::expect_refused(dir, "shard 1", "is also in shard 0");
}

void a_glass_missing_from_its_shard_is_refused() {
  const std::string dir = R::copy("lost_glass");
  Library lib = read_library(dir + "/shards/2/Tf0.7/library.h5");  // glasses 2 and ... of T_f = 0.7
  Library empty;
  empty.stage = lib.stage;
  empty.model_toml = lib.model_toml;
  empty.n = lib.n;
  empty.box = lib.box;
  empty.masses = lib.masses;
  empty.T_Q = lib.T_Q;
  empty.exploration.sequence_offset = {0};
  write_library(dir + "/shards/2/Tf0.7/library.h5", empty);
  R::expect_refused(dir, "shard 2", "glass 2 at T_f = 0.7 is missing");
}

void a_half_written_shard_is_refused_then_resumed_without_losing_work() {
  const std::string dir = R::copy("half");
  sh("rm " + dir + "/shards/1/Tf0.8/library.h5 " + dir + "/shards/1/Tf0.8/neb.h5");
  R::expect_refused(dir, "shard 1", "not finished");
  // Without --resume the shard is not started over.
  const Ran again = tlsx_run("run --config " + kPreset + " --output " + dir + " --shard 1/3 --threads 1");
  EXPECT_NE(again.code, 0);
  EXPECT_NE(last_line(again.err).find(dir + "/shards/1"), std::string::npos) << again.err;
  EXPECT_NE(last_line(again.err).find("--resume"), std::string::npos) << again.err;
  // With it, only the missing stages run and the merge gives the unsharded library.
  const Ran resumed = tlsx_run("run --config " + kPreset + " --output " + dir + " --shard 1/3 --resume --threads 1");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("explore T_f = 0.8: done before"), std::string::npos) << resumed.err;
  ASSERT_EQ(tlsx_run("run --merge-shards " + dir).code, 0);
  tlsx::testing::expect_same_library(read_library(dir + "/library.h5"), read_library(R::full_ + "/library.h5"));
}

void a_shard_killed_without_a_word_is_lost_then_resumes_to_the_same_library() {
  const std::string dir = R::copy("killed");
  sh("rm -rf " + dir + "/shards/1");
  const std::string pidfile = tlsx::testing::temp_path("killed.pid"), log = tlsx::testing::temp_path("killed.log");
  // Its own session, so that the kill reaches tlsx run and the stage it runs.
  sh("setsid " + std::string(TLSX_BINARY) + " run --config " + kPreset + " --output " + dir +
     " --shard 1/3 --threads 1 >" + log + " 2>&1 & echo $! > " + pidfile);
  const long pid = std::atol(slurp(pidfile).c_str());
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(4);
  while (!exists(dir + "/shards/1/Tf0.7/explore.h5.ckpt") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(static_cast<pid_t>(-pid), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(exists(dir + "/shards/1/Tf0.7/explore.h5.ckpt")) << slurp(log);
  ASSERT_FALSE(exists(dir + "/shards/1/Tf0.7/explore.h5")) << "the kill came too late to test a resume";

  const Ran status = tlsx_run("status " + dir);
  EXPECT_NE(status.err.find("shard 1    lost"), std::string::npos) << status.err;
  EXPECT_NE(status.err.find("at explore T_f = 0.7 (checkpoint"), std::string::npos) << status.err;
  R::expect_refused(dir, "shard 1", "not finished");

  const Ran resumed = tlsx_run("run --config " + kPreset + " --output " + dir + " --shard 1/3 --resume --threads 1");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("explore: resuming"), std::string::npos) << resumed.err;
  ASSERT_EQ(tlsx_run("run --merge-shards " + dir).code, 0);
  tlsx::testing::expect_same_library(read_library(dir + "/library.h5"), read_library(R::full_ + "/library.h5"));
}

TEST(ShardedRun, EqualsTheUnshardedRunRefusesBadShardSetsAndResumesKilledShards) {
  R::compute();
  if (::testing::Test::HasFatalFailure()) return;
  {
    SCOPED_TRACE("merged_shards_equal_the_unsharded_library_and_table_bit_for_bit");
    merged_shards_equal_the_unsharded_library_and_table_bit_for_bit();
  }
  {
    SCOPED_TRACE("status_says_every_shard_is_done_and_merged");
    status_says_every_shard_is_done_and_merged();
  }
  {
    SCOPED_TRACE("a_missing_shard_is_refused");
    a_missing_shard_is_refused();
  }
  {
    SCOPED_TRACE("a_shard_of_another_preset_is_refused");
    a_shard_of_another_preset_is_refused();
  }
  {
    SCOPED_TRACE("a_shard_of_another_program_version_is_refused");
    a_shard_of_another_program_version_is_refused();
  }
  {
    SCOPED_TRACE("a_shard_of_another_shard_count_is_refused");
    a_shard_of_another_shard_count_is_refused();
  }
  {
    SCOPED_TRACE("a_shard_of_another_model_is_refused");
    a_shard_of_another_model_is_refused();
  }
  {
    SCOPED_TRACE("a_glass_in_two_shards_is_refused");
    a_glass_in_two_shards_is_refused();
  }
  {
    SCOPED_TRACE("a_glass_missing_from_its_shard_is_refused");
    a_glass_missing_from_its_shard_is_refused();
  }
  {
    SCOPED_TRACE("a_half_written_shard_is_refused_then_resumed_without_losing_work");
    a_half_written_shard_is_refused_then_resumed_without_losing_work();
  }
  {
    SCOPED_TRACE("a_shard_killed_without_a_word_is_lost_then_resumes_to_the_same_library");
    a_shard_killed_without_a_word_is_lost_then_resumes_to_the_same_library();
  }
  // Kept when something failed, to look at.
  if (!::testing::Test::HasFailure())
    for (const char* name : {"full", "sharded", "missing", "preset", "version", "count", "count2", "model", "duplicate",
                             "lost_glass", "half", "killed", "killed.log", "killed.pid", "listing.txt", "shard_out.txt",
                             "shard_err.txt"})
      std::system(("rm -rf " + tlsx::testing::temp_path(name)).c_str());
}

TEST(ShardedRunInput, BadShardFlagsAreOneLineErrors) {
  const std::string dir = tlsx::testing::temp_path("bad_flags");
  for (const char* shard : {"3/3", "0/0", "x/3", "0/7"}) {
    const Ran r = tlsx_run("run --config " + kPreset + " --output " + dir + " --shard " + shard);
    EXPECT_NE(r.code, 0) << shard;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  }
  EXPECT_NE(tlsx_run("run --config " + kPreset + " --output " + dir + " --shard 0/7").err.find("at most 4 shards"),
            std::string::npos);
  EXPECT_FALSE(exists(dir)) << "a refused shard leaves nothing behind";
  const Ran none = tlsx_run("run --merge-shards " + dir);
  EXPECT_NE(none.code, 0);
  EXPECT_NE(none.err.find("no shards"), std::string::npos) << none.err;
}

}  // namespace

namespace {

TEST(SlurmInput, BadSubmissionsAreOneLineErrorsAndSubmitNothing) {
  const std::string dir = tlsx::testing::temp_path("slurm_bad");
  const std::string base = "slurm " + kPreset + " --output " + dir + " --dry-run ";
  const struct {
    const char* args;
    const char* says;
  } cases[] = {{"--shards 0", "at least 1"},
               {"--shards 7", "at most 4 shards"},
               {"--shards 3 --time 2", "at least 3 minutes"},
               {"--shards 3 --time 1:2:3:4", "--time 1:2:3:4: expected a Slurm time limit"},
               {"--shards 3 --merge-time x", "--merge-time x"}};
  for (const auto& c : cases) {
    const Ran r = tlsx_run(base + c.args);
    EXPECT_NE(r.code, 0) << c.args;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << ": " << r.err;
  }
  // Without a cluster to talk to (an empty slurm.conf: squeue fails at once), nothing is written or submitted.
  const std::string conf = tlsx::testing::temp_path("empty_slurm.conf");
  std::ofstream(conf).close();
  const int status = std::system(("SLURM_CONF=" + conf + " " + std::string(TLSX_BINARY) + " slurm " + kPreset +
                                  " --output " + dir + " --shards 3 2>/dev/null")
                                     .c_str());
  EXPECT_NE(status, 0);
  EXPECT_FALSE(exists(dir));
  const Ran dry = tlsx_run(base + "--shards 3");
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_NE(dry.out.find("#SBATCH --array=0-2"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("--merge-shards"), std::string::npos) << dry.out;
  EXPECT_FALSE(exists(dir)) << "--dry-run wrote nothing";
}

}  // namespace
