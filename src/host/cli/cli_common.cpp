#include "cli_common.hpp"

#include "tlsx/backend/backend.hpp"

namespace tlsx::cli {

std::vector<AddCommand>& commands() {
  static std::vector<AddCommand> list;
  return list;
}

std::string version_string() {
  return std::string("tlsx ") + TLSX_VERSION + " (" + describe_backends() + ")";
}

}  // namespace tlsx::cli

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "tlsx/core/error.hpp"

namespace tlsx::cli {

Configuration load_configuration(const std::string& path, const Model& model) {
  Configuration c = read_configuration(path, model);
  validate_configuration(c, model, path);
  return c;
}

void print_json(const std::string& json) {
  std::fprintf(stdout, "%s\n", json.c_str());
  std::fflush(stdout);
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

CLI::Validator integer_check(bool positive, long long max) {
  const std::string kind = positive ? "a positive integer" : "a non-negative integer";
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        errno = 0;
        char* end = nullptr;
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || end == text.c_str() || *end != '\0') return "expected " + kind + ", got " + in_quotes(text);
        if (errno == ERANGE || v > max) return "must be at most " + std::to_string(max) + ", got " + text;
        const long long least = positive ? 1 : 0;
        if (v < least) return "must be at least " + std::to_string(least);
        return std::string();
      },
      positive ? "POSITIVE" : "NONNEGATIVE");
}

CLI::Validator real_check(bool positive) {
  const std::string kind = positive ? "a positive number" : "a non-negative number";
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end == text.c_str() || *end != '\0') return "expected " + kind + ", got " + in_quotes(text);
        if (!std::isfinite(v)) return "expected " + kind + ", got " + text;
        if (positive && !(v > 0)) return "must be positive, got " + text;
        if (!positive && v < 0) return "must be at least 0, got " + text;
        return std::string();
      },
      positive ? "POSITIVE" : "NONNEGATIVE");
}

void add_backend_options(CLI::App* sub, std::string& backend, int& threads) {
  sub->add_option("--backend", backend, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}))->capture_default_str();
  sub->add_option("--threads", threads, "CPU threads (default: all)")->check(tlsx::cli::non_negative(threads));
}

StageRunControl CheckpointCli::control() const {
  StageRunControl control;
  control.checkpoint_path = path;
  control.checkpoint_every = every;
  control.max_hours = max_hours;
  control.stop_after = stop_after;
  return control;
}

void add_checkpoint_options(CLI::App* sub, CheckpointCli& c, const std::string& steps) {
  sub->add_option("--checkpoint", c.path, "Checkpoint file (default: OUTPUT.ckpt)");
  sub->add_option("--checkpoint-every", c.every, "Seconds between checkpoints (0: only at stops and SIGUSR1)")
      ->check(tlsx::cli::non_negative(c.every))->capture_default_str();
  sub->add_option("--max-hours", c.max_hours, "Stop cleanly with a checkpoint after this wall time")
      ->check(tlsx::cli::non_negative(c.max_hours));
  sub->add_option("--stop-after", c.stop_after, "Stop cleanly with a checkpoint after this many " + steps + " in this call")
      ->check(tlsx::cli::non_negative(c.stop_after));
  sub->add_flag("--resume", c.resume, "Continue from the checkpoint");
  sub->add_flag("--keep-checkpoint", c.keep, "Keep the checkpoint after the output is written");
}

void check_resume(CheckpointCli& c, const std::string& stage, const std::string& output) {
  c.lock = std::make_shared<OutputLock>(lock_path_for(output), stage, output);
  if (c.path.empty()) c.path = output + ".ckpt";
  if (c.resume && !file_exists(c.path))
    throw Error(stage + ": --resume: no checkpoint " + c.path + " (name it with --checkpoint)");
  if (!c.resume && file_exists(c.path))
    throw Error(stage + ": checkpoint " + c.path + " exists: continue it with --resume, or remove it to start afresh");
}

void finish_checkpoint(const CheckpointCli& c) {
  if (!c.keep && file_exists(c.path)) std::remove(c.path.c_str());
}

void report_stop(const std::string& stage, const StageRunResult& r, long long done, long long total,
                 const std::string& unit, const CheckpointCli& c) {
  std::fprintf(stderr, "%s: stopped (%s) after %lld of %lld %s; checkpoint %s; continue with the same options and --resume\n",
               stage.c_str(), r.stop_reason.c_str(), done, total, unit.c_str(), c.path.c_str());
}

JsonObject stage_run_json(const StageRunResult& r, const std::string& output, const CheckpointCli& c) {
  JsonObject j;
  j.add("output", r.complete ? output : std::string())
      .add("complete", r.complete)
      .add("stop_reason", r.stop_reason)
      .add("checkpoint", c.path);
  return j;
}

}  // namespace tlsx::cli
