#pragma once
// Host-side validation of MdParams: md_run (a device-compatible template) cannot report bad input,
// so every caller that takes parameters from a user (CLI, pipeline stages) checks them first.
#include <cmath>
#include <string>

#include "tlsx/core/error.hpp"
#include "tlsx/engine/md_params.hpp"

namespace tlsx {

// Throws tlsx::Error naming the offending field ("md.dt must be > 0, got -1").
inline void check_md_params(const MdParams& p, const std::string& where = "md") {
  auto fail = [&](const std::string& field, const std::string& rule, double value) {
    throw Error(where + "." + field + " must be " + rule + ", got " + std::to_string(value));
  };
  if (!(p.dt > 0.0) || !std::isfinite(p.dt)) fail("dt", "> 0", p.dt);
  if (!(p.mass > 0.0) || !std::isfinite(p.mass)) fail("mass", "> 0", p.mass);
  const bool needs_temperature = p.thermostat != Thermostat::none || (p.swap_every > 0 && p.swap_attempts > 0);
  if (needs_temperature && (!(p.temperature > 0.0) || !std::isfinite(p.temperature)))
    fail("temperature", "> 0", p.temperature);
  // Berendsen's lambda^2 = 1 + dt/tau (T0/T - 1) stays positive for every T only when tau > dt.
  if (p.thermostat != Thermostat::none && (!(p.tau_t > p.dt) || !std::isfinite(p.tau_t)))
    fail("tau_t", "> dt (" + std::to_string(p.dt) + ")", p.tau_t);
  if (p.swap_every < 0) fail("swap_every", ">= 0", p.swap_every);
  // swap_mc.hpp numbers the random draws of attempt a as (a << 6) | round in 32 bits.
  if (p.swap_attempts < 0 || p.swap_attempts >= (1 << 26)) fail("swap_attempts", "in [0, 2^26)", p.swap_attempts);
}

}  // namespace tlsx
