#include "tlsx/pipeline/checkpoint.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "tlsx/core/error.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/io/hdf5_file.hpp"

namespace tlsx {

std::uint64_t fnv1a64(const void* data, std::size_t bytes, std::uint64_t h) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (std::size_t k = 0; k < bytes; ++k) {
    h ^= p[k];
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex64(std::uint64_t h) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

volatile std::sig_atomic_t g_stop = 0;        // 0, or the signal that asked to stop
volatile std::sig_atomic_t g_checkpoint = 0;  // SIGUSR1 seen
volatile std::sig_atomic_t g_installed = 0;

struct sigaction g_old_term, g_old_int, g_old_usr1;

extern "C" void on_stop_signal(int sig) {
  g_stop = sig;
  // A second Ctrl-C should end the program at once.
  if (sig == SIGINT) std::signal(SIGINT, SIG_DFL);
}

extern "C" void on_checkpoint_signal(int) { g_checkpoint = 1; }

void install(int sig, void (*handler)(int), struct sigaction* old) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(sig, &sa, old);
}

}  // namespace

StopSignals::StopSignals() {
  if (g_installed) throw Error("StopSignals: handlers are already installed");
  g_installed = 1;
  install(SIGTERM, on_stop_signal, &g_old_term);
  install(SIGINT, on_stop_signal, &g_old_int);
  install(SIGUSR1, on_checkpoint_signal, &g_old_usr1);
}

StopSignals::~StopSignals() {
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGUSR1, &g_old_usr1, nullptr);
  g_installed = 0;
}

bool StopSignals::stop_requested() { return g_stop != 0; }

bool StopSignals::take_checkpoint_request() {
  if (!g_checkpoint) return false;
  g_checkpoint = 0;
  return true;
}

void StopSignals::clear() {
  g_stop = 0;
  g_checkpoint = 0;
}

CheckpointClock::CheckpointClock(double every_seconds, double max_hours)
    : every_(every_seconds), max_seconds_(max_hours > 0 ? max_hours * 3600.0 : 0.0) {
  start_ = last_ = std::chrono::steady_clock::now();
}

CheckpointClock::Action CheckpointClock::poll() {
  const auto now = std::chrono::steady_clock::now();
  if (StopSignals::stop_requested()) {
    stop_reason_ = g_stop == SIGINT ? "SIGINT" : "SIGTERM";
    return Action::checkpoint_and_stop;
  }
  if (max_seconds_ > 0 && std::chrono::duration<double>(now - start_).count() >= max_seconds_) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "--max-hours %g", max_seconds_ / 3600.0);
    stop_reason_ = buf;
    return Action::checkpoint_and_stop;
  }
  if (StopSignals::take_checkpoint_request()) return Action::checkpoint;
  if (every_ > 0 && std::chrono::duration<double>(now - last_).count() >= every_) return Action::checkpoint;
  return Action::none;
}

void CheckpointClock::written() { last_ = std::chrono::steady_clock::now(); }

void write_checkpoint_header(h5::File& f, const std::string& kind, std::uint64_t config_hash,
                             const std::string& config_text) {
  f.set_attribute("checkpoint_kind", kind);
  f.set_attribute("config_hash", hex64(config_hash));
  f.set_attribute("config", config_text);
  f.set_attribute("program_version", TLSX_VERSION);
}

void check_checkpoint_header(const h5::File& f, const std::string& path, const std::string& kind,
                             std::uint64_t config_hash) {
  if (!f.has_attribute("checkpoint_kind") || f.attribute<std::string>("checkpoint_kind") != kind)
    throw input_error(path, 0, "not a checkpoint of tlsx " + kind);
  const std::string stored = f.attribute<std::string>("config_hash");
  if (stored != hex64(config_hash))
    throw input_error(path, 0,
                      "checkpoint was written by a different configuration (hash " + stored + ", this run " +
                          hex64(config_hash) + "); its configuration was: " + f.attribute<std::string>("config") +
                          " -- rerun with the same options and input, or start afresh without --resume");
  const std::string version = f.attribute<std::string>("program_version");
  if (version != TLSX_VERSION)
    throw input_error(path, 0, "checkpoint was written by tlsx " + version + ", this is " + TLSX_VERSION);
}

StageRunResult run_checkpointed(const StageSteps& stage, Progress& progress, const StageRunControl& control) {
  StageRunResult result;
  StopSignals signals;
  CheckpointClock clock(control.checkpoint_every, control.max_hours);
  std::int64_t this_call = 0;
  while (!stage.finished()) {
    stage.step();
    ++this_call;
    if (control.on_step) control.on_step();
    if (control.progress) stage.report(progress);
    if (stage.finished()) break;
    CheckpointClock::Action action = clock.poll();
    std::string reason = clock.stop_reason();
    if (control.stop_after > 0 && this_call >= control.stop_after) {
      action = CheckpointClock::Action::checkpoint_and_stop;
      reason = "--stop-after " + std::to_string(control.stop_after);
    }
    if (action == CheckpointClock::Action::none) continue;
    if (!control.checkpoint_path.empty()) {
      stage.save_checkpoint(control.checkpoint_path);
      clock.written();
      ++result.checkpoints_written;
    }
    if (action == CheckpointClock::Action::checkpoint_and_stop) {
      result.stop_reason = reason;
      // End a progress line redrawn in place on a terminal.
      if (control.progress && !Progress::quiet && isatty(STDERR_FILENO)) std::fputc('\n', stderr);
      return result;
    }
  }
  if (control.progress) progress.finish();
  result.complete = true;
  return result;
}

}  // namespace tlsx
