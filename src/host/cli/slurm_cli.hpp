#pragma once
// What `tlsx slurm` and `tlsx status` ask of the machine: the path of this program, the Slurm
// queue (squeue), submitting and cancelling jobs (sbatch, scancel).
#include <string>

#include "tlsx/pipeline/shard_status.hpp"

namespace tlsx::cli {

// The running tlsx program, absolute (/proc/self/exe).
std::string program_path();

// `path` made absolute against the working directory (no file system look-up).
std::string absolute(const std::string& path);

// squeue's view of every job and array task; known = false when squeue is missing or fails.
SlurmQueue read_slurm_queue();

// Runs `command` through the shell; its stdout (trailing newline removed) and exit status.
struct CommandResult {
  int status = -1;
  std::string out;
};
CommandResult run_command(const std::string& command);

}  // namespace tlsx::cli
