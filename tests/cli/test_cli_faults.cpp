// Faults and bad input (issue 13, docs/reliability.md): readable numeric option errors, a preset
// checked whole before any stage starts, a blown-up MD run, an absurd --threads, one process per
// output, and a full disk — each a one-line error and a non-zero exit, never a crash, and nothing
// unreadable left at a final path.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_support.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/model/model.hpp"

namespace {

using tlsx::testing::ProgramRun;
using tlsx::testing::run_tlsx;
using tlsx::testing::scratch_path;
using tlsx::testing::slurp;

const std::string kSource = TLSX_SOURCE_DIR;
const std::string kGlassData = kSource + "/tests/data/lammps_ka2_small.data";
const std::string kTinyPreset = kSource + "/tests/data/tiny_run.toml";

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// The first line of the error output that names the error ("tlsx: error: ..." or CLI11's "--x: ...").
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The tiny preset with line `from` replaced by `to` (the first occurrence), written to `path`.
void write_preset(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = slurp(kTinyPreset);
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

int line_of(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  std::string line;
  for (int k = 1; std::getline(in, line); ++k)
    if (line.find(needle) != std::string::npos) return k;
  return 0;
}

TEST(CliFaults, NumericOptionsOutOfRangeGetReadableMessages) {
  const std::string out = scratch_path("faults", "g.h5");
  ProgramRun r = run_tlsx("prepare -o " + out + " --temperature 0.8 --glasses 0");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(first_line(r.err), "--glasses: must be at least 1");
  r = run_tlsx("prepare -o " + out + " --temperature 0.8 --n many");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(first_line(r.err), "--n: expected a positive integer, got \"many\"");
  r = run_tlsx("md " + kGlassData + " -o " + out + ".data --steps 10 --temperature 1 --dt 0");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(first_line(r.err), "--dt: must be positive, got 0");
  r = run_tlsx("md " + kGlassData + " -o " + out + ".data --steps -3 --temperature nan");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.err.find("1797693"), std::string::npos) << r.err;  // no 309-digit range anywhere
  r = run_tlsx("explore " + out + " -o " + out + "x --tau-cg 1.5 --n-cg 3");
  EXPECT_EQ(first_line(r.err), "--tau-cg: expected a positive integer, got \"1.5\"");
  EXPECT_FALSE(exists(out));
}

TEST(CliFaults, PresetUnknownKeyNamesFileLineSectionAndTheNearestKey) {
  const std::string preset = scratch_path("faults", "unknown.toml"), dir = scratch_path("faults", "unknown-run");
  write_preset(preset, "n = 256", "nn = 3");
  const ProgramRun r = run_tlsx("run --config " + preset + " --output " + dir);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(first_line(r.err), "tlsx: error: " + preset + ":" + std::to_string(line_of(preset, "nn = 3")) +
                                   ": [prepare] unknown key 'nn' (did you mean 'n'?)");
  EXPECT_FALSE(exists(dir)) << "nothing may start before the whole preset is checked";
  std::remove(preset.c_str());
}

TEST(CliFaults, PresetWrongTypeNamesTheExpectedKind) {
  const std::string preset = scratch_path("faults", "wrongtype.toml"), dir = scratch_path("faults", "wrongtype-run");
  write_preset(preset, "n = 256", "n = \"many\"");
  const ProgramRun r = run_tlsx("run --config " + preset + " --output " + dir);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(first_line(r.err), "tlsx: error: " + preset + ":" + std::to_string(line_of(preset, "n = \"many\"")) +
                                   ": [prepare] n: expected a positive integer, got \"many\"");
  EXPECT_FALSE(exists(dir));
  std::remove(preset.c_str());
}

TEST(CliFaults, PresetTypoInALaterStageIsRefusedBeforeTheFirstStage) {
  const std::string preset = scratch_path("faults", "late.toml"), dir = scratch_path("faults", "late-run");
  write_preset(preset, "images = 12", "imgaes = 12");
  const ProgramRun r = run_tlsx("run --config " + preset + " --output " + dir);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(first_line(r.err), "tlsx: error: " + preset + ":" + std::to_string(line_of(preset, "imgaes")) +
                                   ": [neb] unknown key 'imgaes' (did you mean 'images'?)");
  EXPECT_FALSE(exists(dir)) << "prepare ran before the [neb] typo was found";
  // A flag given a value, and an option given true, are refused the same way.
  write_preset(preset, "bootstrap = 50", "bootstrap = true");
  EXPECT_NE(run_tlsx("run --config " + preset + " --output " + dir).err.find("[analyze] bootstrap: expected a value"),
            std::string::npos);
  // An option tlsx run sets itself from [[column]] (the fictive temperature) is refused, not doubled.
  write_preset(preset, "n = 256", "n = 256\ntemperature = 0.5");
  EXPECT_NE(run_tlsx("run --config " + preset + " --output " + dir).err.find(
                ":" + std::to_string(line_of(preset, "temperature = 0.5")) + ": [prepare] temperature: set by tlsx run itself"),
            std::string::npos);
  EXPECT_FALSE(exists(dir));
  std::remove(preset.c_str());
}

TEST(CliFaults, BlownUpMdRunFailsNamingTheStepAndKeepsTheLastGoodState) {
  const std::string out = scratch_path("faults", "blown.data");
  const ProgramRun r = run_tlsx("md " + kGlassData + " -o " + out + " --dt 0.5 --temperature 1 --steps 2000 --json");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("blew up at step 1 of 2000"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "no success JSON for a failed run";
  // The output holds the last good state: here the start, positions unchanged.
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::Configuration in = tlsx::read_configuration(kGlassData, model);
  const tlsx::Configuration kept = tlsx::read_configuration(out, model);
  ASSERT_EQ(kept.pos.size(), in.pos.size());
  for (std::size_t k = 0; k < in.pos.size(); ++k) ASSERT_NEAR(kept.pos[k], in.pos[k], 1e-12) << k;
  std::remove(out.c_str());
}

TEST(CliFaults, AbsurdThreadCountIsBoundedToTheMachine) {
  const std::string out = scratch_path("faults", "threads.data");
  const ProgramRun r = run_tlsx("md " + kGlassData + " -o " + out + " --temperature 1 --steps 10 --threads 100000");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("--threads 100000 is more than the"), std::string::npos) << r.err;
  std::remove(out.c_str());
}

// ---- one process per output ----

pid_t start_tlsx(const std::string& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl("/bin/sh", "sh", "-c", (std::string("exec ") + TLSX_BINARY + " " + args).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

bool wait_for_file(const std::string& path, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (exists(path) && !slurp(path).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(CliFaults, SecondProcessOnTheSameOutputIsRefusedNamingTheFirstsPid) {
  const std::string out = scratch_path("faults", "locked.h5"), log = scratch_path("faults", "locked.log");
  const std::string args = "prepare -o " + out + " --temperature 0.8 --glasses 2 --n 256 --melt-steps 200000 --steps 10 "
                           "--backend cpu --threads 1 --checkpoint-every 0";
  const pid_t first = start_tlsx(args, log);
  ASSERT_TRUE(wait_for_file(out + ".lock", 60)) << slurp(log);
  ProgramRun second = run_tlsx(args);
  EXPECT_NE(second.code, 0);
  EXPECT_NE(second.err.find("prepare: " + out + " is in use by process " + std::to_string(first)), std::string::npos)
      << second.err;
  // --resume is refused the same way (it would race for the checkpoint).
  second = run_tlsx(args + " --resume");
  EXPECT_NE(second.err.find("in use by process " + std::to_string(first)), std::string::npos) << second.err;
  // A crash releases the lock: SIGKILL the first, and the next one is let in.
  ::kill(first, SIGKILL);
  int status = 0;
  ::waitpid(first, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  const ProgramRun third = run_tlsx(args + " --stop-after 1");
  EXPECT_EQ(third.code, 0) << third.err;
  EXPECT_FALSE(exists(out + ".lock")) << "a clean exit removes its lock file";
  std::remove((out + ".ckpt").c_str());
  std::remove(log.c_str());
}

TEST(CliFaults, SecondRunOnTheSameDirectoryIsRefused) {
  const std::string dir = scratch_path("faults", "run-dir"), log = scratch_path("faults", "run-dir.log");
  std::system(("rm -rf " + dir).c_str());
  const pid_t first = start_tlsx("run --config " + kTinyPreset + " --output " + dir + " --threads 1", log);
  ASSERT_TRUE(wait_for_file(dir + "/run.lock", 60)) << slurp(log);
  const ProgramRun second = run_tlsx("run --config " + kTinyPreset + " --output " + dir + " --resume --threads 1");
  EXPECT_NE(second.code, 0);
  EXPECT_NE(second.err.find("run: " + dir + " is in use by process " + std::to_string(first)), std::string::npos)
      << second.err;
  // Once the first stage runs (the run's signal handling is in place), SIGTERM stops the run cleanly.
  for (int k = 0; k < 3000 && slurp(log).find("run: [1/6]") == std::string::npos; ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(first, SIGTERM);
  int status = 0;
  ::waitpid(first, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  std::system(("rm -rf " + dir).c_str());
  std::remove(log.c_str());
}

// ---- a full disk ----

// Runs `script` with /bin/sh in a child whose `dir` is a fresh tmpfs of `kib` KiB, mounted in a
// mount namespace of its own (so nothing outlives the child): as root directly, else in a user
// namespace. Where neither is allowed, `dir` stays on the real disk and "@LIMIT@" in the script (put it
// before the tlsx command) becomes a file-size limit of `limit_bytes` (prlimit --fsize, SIGXFSZ
// ignored: the write fails with EFBIG instead of ENOSPC). Returns which fault was simulated.
std::string run_on_small_disk(const std::string& dir, int kib, std::size_t limit_bytes, std::string script) {
  int pipe_fd[2];
  if (::pipe(pipe_fd) != 0) return "none";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fd[0]);
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    bool mounted = false;
    if (::unshare(CLONE_NEWNS) == 0 || ::unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0) {
      if (uid != 0) {  // in a new user namespace: map ourselves to root
        std::ofstream("/proc/self/setgroups") << "deny";
        std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
        std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
      }
      const std::string size = "size=" + std::to_string(kib) + "k";
      mounted = ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
                ::mount("tmpfs", dir.c_str(), "tmpfs", 0, size.c_str()) == 0;
    }
    const std::size_t at = script.find("@LIMIT@");
    script.replace(at, 7, mounted ? "" : "trap '' XFSZ && prlimit --fsize=" + std::to_string(limit_bytes) + " ");
    const char tag = mounted ? 't' : 'r';
    if (::write(pipe_fd[1], &tag, 1) != 1) ::_exit(126);
    ::close(pipe_fd[1]);
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fd[1]);
  char tag = '?';
  if (::read(pipe_fd[0], &tag, 1) != 1) tag = '?';
  ::close(pipe_fd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return tag == 't' ? "tmpfs" : "RLIMIT_FSIZE";
}

TEST(CliFaults, FullDiskFailsCleanlyLeavingThePreviousOutputAndCheckpointIntact) {
  const std::string work = scratch_path("faults", "disk"), disk = work + "/disk";
  std::system(("rm -rf " + work + " && mkdir -p " + disk).c_str());
  const std::string tlsx = TLSX_BINARY;
  const std::string common = " --temperature 0.8 --n 256 --melt-steps 100 --backend cpu --threads 1 --checkpoint-every 0";
  // Made on the real disk: a previous output (1 glass, 29 KB) and a checkpoint of a 2-glass run (47 KB).
  ASSERT_EQ(run_tlsx("prepare -o " + work + "/previous.h5 --glasses 1 --steps 100" + common).code, 0);
  ASSERT_EQ(run_tlsx("prepare -o " + work + "/two.h5 --glasses 2 --steps 200 --stop-after 1" + common).code, 0);
  ASSERT_TRUE(exists(work + "/two.h5.ckpt"));

  // 1. A new output (4 glasses, 77 KB) over the previous one on a 64 KiB disk.
  const std::string script1 = "cp " + work + "/previous.h5 " + disk + "/full.h5 && cd " + disk + " && @LIMIT@" + tlsx +
                              " prepare -o full.h5 --glasses 4 --steps 200" + common + " 2> " + work + "/err1; echo $? > " +
                              work + "/rc1; ls -a " + disk + " > " + work + "/ls1; cmp " + work + "/previous.h5 " + disk +
                              "/full.h5 && echo same > " + work + "/cmp1";
  const std::string how = run_on_small_disk(disk, 64, 64 * 1024, script1);
  std::printf("full disk simulated with %s\n", how.c_str());
  const std::string expected = how == "tmpfs" ? "no space left on device" : "file too large";
  const std::string err1 = slurp(work + "/err1");
  EXPECT_NE(std::atoi(slurp(work + "/rc1").c_str()), 0) << err1;
  EXPECT_NE(std::atoi(slurp(work + "/rc1").c_str()), 139) << "a crash";
  EXPECT_NE(err1.find("tlsx: error: full.h5: " + expected), std::string::npos) << err1;
  EXPECT_EQ(slurp(work + "/ls1"), ".\n..\nfull.h5\n") << "temporary or lock files left behind";
  EXPECT_EQ(slurp(work + "/cmp1"), "same\n") << "the previous output was damaged";

  // 2. Resuming the 2-glass run from its checkpoint on a 64 KiB disk: the output does not fit
  // beside the checkpoint; the checkpoint must survive as it was.
  const std::string script2 = "rm -f " + disk + "/* ; cp " + work + "/two.h5.ckpt " + disk + "/two.h5.ckpt && cd " + disk + " && @LIMIT@" + tlsx +
                              " prepare -o two.h5 --glasses 2 --steps 200 --resume" + common + " 2> " + work +
                              "/err2; echo $? > " + work + "/rc2; ls -a " + disk + " > " + work + "/ls2; cmp " + work +
                              "/two.h5.ckpt " + disk + "/two.h5.ckpt && echo same > " + work + "/cmp2";
  EXPECT_EQ(run_on_small_disk(disk, 64, 40 * 1024, script2), how);
  const std::string err2 = slurp(work + "/err2");
  EXPECT_NE(std::atoi(slurp(work + "/rc2").c_str()), 0) << err2;
  EXPECT_NE(err2.find("tlsx: error: two.h5: " + expected), std::string::npos) << err2;
  EXPECT_EQ(slurp(work + "/ls2"), ".\n..\ntwo.h5.ckpt\n");
  EXPECT_EQ(slurp(work + "/cmp2"), "same\n") << "the checkpoint was damaged";
  std::system(("rm -rf " + work).c_str());
}

}  // namespace
