#include "tlsx/neb/band.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

double dot(const double* a, const double* b, int n) {
  double s = 0.0;
  for (int k = 0; k < n; ++k) s += a[k] * b[k];
  return s;
}

// s_k, V_k and dV/ds_k = -F_k . tau_k of images stored row by row.
PathProfile make_profile(int images, int dim, const std::vector<double>& s, const std::vector<double>& energy,
                         const std::vector<double>& force, const std::vector<double>& tangent) {
  std::vector<double> slope(images);
  for (int k = 0; k < images; ++k) slope[k] = -dot(&force[std::size_t(k) * dim], &tangent[std::size_t(k) * dim], dim);
  return PathProfile(s, energy, slope);
}

// The band's state: all images (end points included), their energies, forces, the segments
// R_k+1 - R_k (minimum image) and tangents. The optimiser's vector holds the moving images 1..m-2.
class Band {
 public:
  Band(PathSurface& surface, const double* a, const double* b, const NebParams& p)
      : surface_(surface), p_(p), m_(p.images), dim_(surface.dimension()) {
    const std::size_t rows = static_cast<std::size_t>(m_) * dim_;
    x_.assign(rows, 0.0);
    force_.assign(rows, 0.0);
    tangent_.assign(rows, 0.0);
    energy_.assign(m_, 0.0);
    seg_.assign(static_cast<std::size_t>(m_ - 1) * dim_, 0.0);
    len_.assign(m_ - 1, 0.0);
    s_.assign(m_, 0.0);
    // Straight line from A to the image of B nearest A, particle by particle.
    std::vector<double> d(dim_);
    surface_.displacement(a, b, d.data());
    if (std::sqrt(dot(d.data(), d.data(), dim_)) == 0.0)
      throw Error("minimum energy path: the two end points are the same configuration");
    for (int k = 0; k < m_; ++k) {
      const double t = static_cast<double>(k) / (m_ - 1);
      for (int c = 0; c < dim_; ++c) x_[std::size_t(k) * dim_ + c] = a[c] + t * d[c];
    }
    // End points: evaluated once, they never move.
    std::vector<double> ends(2 * dim_), e(2), f(2 * dim_);
    std::copy_n(row(x_, 0), dim_, ends.begin());
    std::copy_n(row(x_, m_ - 1), dim_, ends.begin() + dim_);
    surface_.evaluate(ends.data(), 2, e.data(), f.data());
    energy_[0] = e[0];
    energy_[m_ - 1] = e[1];
    std::copy_n(f.begin(), dim_, row(force_, 0));
    std::copy_n(f.begin() + dim_, dim_, row(force_, m_ - 1));
    evaluations_ = 2;
  }

  std::vector<double> moving() const {
    return std::vector<double>(x_.begin() + dim_, x_.begin() + std::size_t(m_ - 1) * dim_);
  }

  // Evaluates the moving images at y and writes the band force into out; returns its largest
  // component (NaN when an energy or force is not finite).
  double band_force(const std::vector<double>& y, std::vector<double>& out, int climbing) {
    std::copy(y.begin(), y.end(), x_.begin() + dim_);
    surface_.evaluate(row(x_, 1), m_ - 2, energy_.data() + 1, row(force_, 1));
    evaluations_ += m_ - 2;
    update_geometry();
    double largest = 0.0;
    for (int k = 1; k < m_ - 1; ++k) {
      const double* f = row(force_, k);
      const double* tau = row(tangent_, k);
      double* o = out.data() + std::size_t(k - 1) * dim_;
      const double f_par = dot(f, tau, dim_);
      double along = -f_par;  // coefficient of tau added to f
      if (k == climbing) {
        along = -2.0 * f_par;
      } else if (p_.method == PathMethod::neb) {
        along += p_.spring * (len_[k] - len_[k - 1]);
      }
      if (!std::isfinite(energy_[k])) largest = NAN;
      for (int c = 0; c < dim_; ++c) {
        o[c] = f[c] + along * tau[c];
        if (std::isfinite(o[c])) {
          largest = std::max(largest, std::fabs(o[c]));
        } else {
          largest = NAN;
        }
      }
    }
    return largest;
  }

  // String method: moves the moving images y to equal arc length along the chords of the band,
  // separately on both sides of the climbing image when there is one.
  void redistribute(std::vector<double>& y, int climbing) {
    std::copy(y.begin(), y.end(), x_.begin() + dim_);
    update_segments();
    std::vector<double> moved(x_);
    if (climbing > 0) {
      redistribute_range(0, climbing, moved);
      redistribute_range(climbing, m_ - 1, moved);
    } else {
      redistribute_range(0, m_ - 1, moved);
    }
    std::copy(moved.begin() + dim_, moved.begin() + std::size_t(m_ - 1) * dim_, y.begin());
  }

  // Removes from v (a vector over the moving images) its component along each image's tangent,
  // except at the climbing image: the space the string method's band force acts in. The L-BFGS
  // pairs are projected so that the redistribution (a motion along the path) does not enter the
  // curvature the memory holds.
  void project_perpendicular(std::vector<double>& v, int climbing) const {
    for (int k = 1; k < m_ - 1; ++k) {
      if (k == climbing) continue;
      const double* tau = row(tangent_, k);
      double* o = v.data() + std::size_t(k - 1) * dim_;
      const double along = dot(o, tau, dim_);
      for (int c = 0; c < dim_; ++c) o[c] -= along * tau[c];
    }
  }

  // Highest moving-image energy above the lower end point (the barrier as the band sees it now).
  double barrier_so_far() const {
    const double top = *std::max_element(energy_.begin() + 1, energy_.end() - 1);
    return top - std::min(energy_.front(), energy_.back());
  }

  int images() const { return m_; }

  int highest_moving_image() const {
    return static_cast<int>(std::max_element(energy_.begin() + 1, energy_.end() - 1) - energy_.begin());
  }
  PathProfile profile() const { return make_profile(m_, dim_, s_, energy_, force_, tangent_); }

  void store(BandResult& r) const {
    r.images = m_;
    r.dimension = dim_;
    r.x = x_;
    r.force = force_;
    r.tangent = tangent_;
    r.energy = energy_;
    r.arc_length = s_;
    r.force_evaluations = evaluations_;
    for (int e = 0; e < 2; ++e) {
      const double* f = row(force_, e == 0 ? 0 : m_ - 1);
      double largest = 0.0;
      for (int c = 0; c < dim_; ++c) largest = std::max(largest, std::fabs(f[c]));
      r.endpoint_max_force[e] = largest;
    }
  }

 private:
  double* row(std::vector<double>& v, int k) { return v.data() + std::size_t(k) * dim_; }
  const double* row(const std::vector<double>& v, int k) const { return v.data() + std::size_t(k) * dim_; }

  void update_segments() {
    for (int k = 0; k + 1 < m_; ++k) {
      double* d = row(seg_, k);
      surface_.displacement(row(x_, k), row(x_, k + 1), d);
      len_[k] = std::sqrt(dot(d, d, dim_));
      s_[k + 1] = s_[k] + len_[k];
    }
  }

  // Improved tangent (Henkelman & Jonsson 2000, Eqs. 8-11): the segment towards the higher
  // neighbour; at an extremum of the energy a mix of both weighted by the energy differences.
  void update_geometry() {
    update_segments();
    for (int k = 0; k < m_; ++k) {
      double* tau = row(tangent_, k);
      if (k == 0 || k == m_ - 1) {
        const double* d = row(seg_, k == 0 ? 0 : m_ - 2);
        const double l = len_[k == 0 ? 0 : m_ - 2];
        for (int c = 0; c < dim_; ++c) tau[c] = d[c] / l;
        continue;
      }
      const double* plus = row(seg_, k);
      const double* minus = row(seg_, k - 1);
      const double vp = energy_[k + 1], v0 = energy_[k], vm = energy_[k - 1];
      double wp, wm;
      if (vp > v0 && v0 > vm) {
        wp = 1.0, wm = 0.0;
      } else if (vp < v0 && v0 < vm) {
        wp = 0.0, wm = 1.0;
      } else {
        const double dmax = std::max(std::fabs(vp - v0), std::fabs(vm - v0));
        const double dmin = std::min(std::fabs(vp - v0), std::fabs(vm - v0));
        if (vp > vm) {
          wp = dmax, wm = dmin;
        } else {
          wp = dmin, wm = dmax;
        }
        if (wp == 0.0 && wm == 0.0) wp = wm = 1.0;  // flat: the bisecting chord
      }
      for (int c = 0; c < dim_; ++c) tau[c] = wp * plus[c] + wm * minus[c];
      const double norm = std::sqrt(dot(tau, tau, dim_));
      for (int c = 0; c < dim_; ++c) tau[c] /= norm;
    }
  }

  // Images i0 < j < i1 placed at equal arc length between images i0 and i1 (which stay).
  void redistribute_range(int i0, int i1, std::vector<double>& moved) const {
    int p = i0;
    for (int j = i0 + 1; j < i1; ++j) {
      const double target = s_[i0] + (s_[i1] - s_[i0]) * (j - i0) / (i1 - i0);
      while (p + 1 < i1 && s_[p + 1] <= target) ++p;
      const double t = (target - s_[p]) / len_[p];
      const double* from = row(x_, p);
      const double* d = row(seg_, p);
      double* to = moved.data() + std::size_t(j) * dim_;
      for (int c = 0; c < dim_; ++c) to[c] = from[c] + t * d[c];
    }
  }

  PathSurface& surface_;
  const NebParams& p_;
  int m_, dim_;
  std::vector<double> x_, force_, tangent_, energy_, seg_, len_, s_;
  long evaluations_ = 0;
};

void check_params(const PathSurface& surface, const NebParams& p) {
  if (p.images < 3) throw Error("neb: images must be at least 3 (two end points and one moving image), got " +
                                std::to_string(p.images));
  if (surface.dimension() <= 0) throw Error("neb: the surface has no degrees of freedom");
  if (p.method == PathMethod::neb && !(p.spring > 0.0))
    throw Error("neb: spring constant must be positive, got " + std::to_string(p.spring));
  if (!(p.force_tolerance > 0.0))
    throw Error("neb: force tolerance must be positive, got " + std::to_string(p.force_tolerance));
  if (p.max_iterations < 1) throw Error("neb: max_iterations must be at least 1");
  if (!(p.fire.dt_start > 0.0) || !(p.fire.dt_max >= p.fire.dt_start) || !(p.fire.max_step > 0.0))
    throw Error("neb: FIRE needs 0 < dt_start <= dt_max and max_step > 0");
  if (p.lbfgs.memory < 1 || !(p.lbfgs.max_step > 0.0) || !(p.lbfgs.initial_inverse_curvature > 0.0) ||
      !(p.lbfgs.min_inverse_curvature > 0.0) || !(p.lbfgs.max_inverse_curvature >= p.lbfgs.min_inverse_curvature) || p.lbfgs.max_undone_in_a_row < 1)
    throw Error("neb: L-BFGS needs memory >= 1, max_step > 0 and 0 < min <= max inverse curvature");
}

std::string not_converged_reason(const char* phase, const FireOutcome& fo, long limit, double tolerance) {
  std::ostringstream why;
  if (!std::isfinite(fo.measure)) {
    why << phase << ": non-finite energy or force on the band";
  } else {
    why << phase << ": iteration limit " << limit << " reached with max band force " << fo.measure << " > "
        << tolerance;
  }
  return why.str();
}

}  // namespace

BandResult find_minimum_energy_path(PathSurface& surface, const double* a, const double* b, const NebParams& p,
                                    const BandObserver& observer) {
  check_params(surface, p);
  Band band(surface, a, b, p);
  BandResult result;
  std::vector<double> y = band.moving();
  int climbing = -1;
  BandProgress progress;
  const auto force = [&](const std::vector<double>& at, std::vector<double>& out) {
    progress.max_band_force = band.band_force(at, out, climbing);
    progress.barrier = band.barrier_so_far();
    if (observer) observer(progress);
    ++progress.band_evaluations;
    return progress.max_band_force;
  };
  const auto after_step = [&](std::vector<double>& at) {
    if (p.method == PathMethod::string) band.redistribute(at, climbing);
  };
  const auto project = [&](std::vector<double>& v) {
    if (p.method == PathMethod::string) band.project_perpendicular(v, climbing);
  };
  // With BandOptimizer::lbfgs: L-BFGS on the plain band, and FIRE from where it stopped should it
  // stall; the climbing phase with FIRE. Measured on the KA2 pairs (docs/neb.md, "Band optimiser"):
  // L-BFGS on the climbing force stalls where the improved tangent at the climbing image switches
  // discontinuously, or climbs to another saddle; FIRE's damped dynamics carries it to the saddle
  // the FIRE band finds.
  const auto descend = [&](double tolerance, long limit) {
    if (p.optimizer == BandOptimizer::fire || climbing >= 0)
      return fire_descend(y, force, after_step, p.fire, tolerance, limit);
    FireOutcome out = lbfgs_descend(y, force, after_step, project, p.lbfgs, tolerance, limit);
    if (!out.stalled || out.iterations >= limit) return out;
    const FireOutcome rest = fire_descend(y, force, after_step, p.fire, tolerance, limit - out.iterations);
    out.converged = rest.converged;
    out.iterations += rest.iterations;
    out.force_evaluations += rest.force_evaluations;
    out.measure = rest.measure;
    ++result.lbfgs_stalls;
    return out;
  };
  if (p.method == PathMethod::string) band.redistribute(y, climbing);  // no-op on a straight line

  // Phase 1: the plain band, to the climbing threshold (or to the end when not climbing).
  const double tol1 = p.climb ? std::max(p.climb_start_tolerance, p.force_tolerance) : p.force_tolerance;
  const FireOutcome first = descend(tol1, p.max_iterations);
  result.iterations = first.iterations;
  result.phase_force_evaluations[0] = first.force_evaluations * (band.images() - 2);
  result.max_band_force = first.measure;
  if (!first.converged) {
    band.store(result);
    result.reason = not_converged_reason("band", first, p.max_iterations, tol1);
    return result;
  }
  if (p.stop_at_intermediate_minimum && !analyse_profile(band.profile(), p.intermediate_depth).intermediate_minima.empty()) {
    band.store(result);
    result.status = BandStatus::converged;
    result.stopped_at_intermediate_minimum = true;
    return result;
  }

  // Phase 2: the highest image climbs to the saddle.
  if (p.climb) {
    climbing = band.highest_moving_image();
    progress.phase = 2;
    const long left = std::max(1L, p.max_iterations - first.iterations);
    const FireOutcome second = descend(p.force_tolerance, left);
    result.iterations += second.iterations;
    result.phase_force_evaluations[1] = second.force_evaluations * (band.images() - 2);
    result.max_band_force = second.measure;
    result.climbing_image = climbing;
    if (!second.converged) {
      band.store(result);
      result.reason = not_converged_reason("climbing image", second, p.max_iterations, p.force_tolerance);
      return result;
    }
  }
  band.store(result);
  result.status = BandStatus::converged;
  return result;
}

PathProfile band_profile(const BandResult& band) {
  return make_profile(band.images, band.dimension, band.arc_length, band.energy, band.force, band.tangent);
}

}  // namespace tlsx
