#include "tlsx/neb/surface_batcher.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <tuple>

#include "tlsx/core/error.hpp"

namespace tlsx {

// One pending request of one job. The serving thread fills the outputs (or `error`) and sets done.
struct SurfaceBatcher::Request {
  enum class Kind { forces, minimize } kind = Kind::forces;
  const std::vector<int>* species = nullptr;
  const double* x = nullptr;      // forces: count configurations
  int count = 0;
  double* energy = nullptr;       // forces: count energies
  double* force = nullptr;        // forces: count * 3n forces
  double* x_inout = nullptr;      // minimize: one configuration, relaxed in place
  const MinimizeParams* params = nullptr;
  MinimizeResult result;          // minimize
  int job = 0;                    // the run() job that asked (0 outside run())
  std::exception_ptr error;
  bool done = false;
};

namespace {

// The job of run() this thread is running (0 on any other thread).
thread_local int current_job = 0;

// Minimisations with equal parameters share a Backend::minimize call.
bool same_params(const MinimizeParams& a, const MinimizeParams& b) {
  const auto fields = [](const MinimizeParams& p) {
    return std::tie(p.algorithm, p.force_tolerance, p.max_iterations, p.fire_dt_start, p.fire_dt_max, p.fire_dt_min,
                    p.fire_n_delay, p.fire_f_inc, p.fire_f_dec, p.fire_alpha_start, p.fire_f_alpha, p.fire_max_step,
                    p.cg_max_step, p.cg_curvature);
  };
  return fields(a) == fields(b);
}

}  // namespace

SurfaceBatcher::SurfaceBatcher(Backend& backend, const PairTable& table, const Box& box, double skin)
    : backend_(backend), table_(table), box_(box), skin_(skin) {}

SurfaceBatcherStats SurfaceBatcher::stats() const {
  std::lock_guard<std::mutex> lock(const_cast<std::mutex&>(mutex_));
  return stats_;
}

ReplicaBatch& SurfaceBatcher::batch_of(int count, int n) {
  if (batch_.size() != count || batch_.n() != n) batch_ = ReplicaBatch(n, count, box_, table_.max_cutoff + skin_, skin_);
  return batch_;
}

void SurfaceBatcher::run(int jobs, const std::function<void(int)>& job) {
  if (jobs <= 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (live_ != 0) throw Error("SurfaceBatcher::run: already running");
    live_ = jobs;  // all registered before any starts, so that no round is served short
  }
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(jobs));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(jobs));
  for (int k = 0; k < jobs; ++k) {
    threads.emplace_back([this, k, &job, &errors] {
      current_job = k;
      try {
        job(k);
      } catch (...) {
        errors[static_cast<std::size_t>(k)] = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      --live_;
      work_.notify_one();
    });
  }
  // This thread serves every round: the backend is always called from the thread that called run()
  // (an OpenMP backend then keeps one thread pool instead of starting one per calling thread).
  {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      work_.wait(lock, [this] { return live_ == 0 || static_cast<int>(pending_.size()) == live_; });
      if (live_ == 0) break;
      serve_pending();
    }
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

void SurfaceBatcher::submit_and_wait(Request& request, std::unique_lock<std::mutex>& lock) {
  pending_.push_back(&request);
  if (live_ == 0) {
    serve_pending();  // outside run(): served at once by the caller
  } else {
    work_.notify_one();
    served_.wait(lock, [&request] { return request.done; });
  }
  if (request.error) std::rethrow_exception(request.error);
}

void SurfaceBatcher::serve_pending() {
  // In job order, not arrival order: a band's images then keep their slots from round to round
  // (and their neighbour lists with them) while the set of running jobs stays the same.
  std::stable_sort(pending_.begin(), pending_.end(), [](const Request* a, const Request* b) { return a->job < b->job; });
  std::vector<Request*> forces, minimize;
  for (Request* r : pending_) (r->kind == Request::Kind::forces ? forces : minimize).push_back(r);
  pending_.clear();
  ++stats_.rounds;
  // A backend failure belongs to every request of the round: each job rethrows it.
  const auto serve = [&](const std::vector<Request*>& requests, void (SurfaceBatcher::*how)(const std::vector<Request*>&)) {
    if (requests.empty()) return;
    try {
      (this->*how)(requests);
    } catch (...) {
      for (Request* r : requests) r->error = std::current_exception();
    }
  };
  serve(forces, &SurfaceBatcher::serve_forces);
  serve(minimize, &SurfaceBatcher::serve_minimize);
  for (Request* r : forces) r->done = true;
  for (Request* r : minimize) r->done = true;
  served_.notify_all();
}

void SurfaceBatcher::serve_forces(const std::vector<Request*>& requests) {
  const int n = static_cast<int>(requests.front()->species->size());
  int total = 0;
  for (const Request* r : requests) {
    if (static_cast<int>(r->species->size()) != n) throw Error("SurfaceBatcher: searches with different particle counts");
    total += r->count;
  }
  if (total == 0) return;
  ReplicaBatch& batch = batch_of(total, n);
  const std::size_t m = 3 * static_cast<std::size_t>(n);
  int slot = 0;
  for (const Request* r : requests)
    for (int c = 0; c < r->count; ++c, ++slot) {
      std::copy_n(r->x + c * m, m, batch.pos(slot));
      // A slot keeps its neighbour list from round to round (images move little per FIRE step);
      // a slot that now holds another glass must rebuild, whatever the positions.
      if (!std::equal(r->species->begin(), r->species->end(), batch.species(slot))) {
        std::copy(r->species->begin(), r->species->end(), batch.species(slot));
        batch.invalidate_neighbor_list(slot);
      }
    }
  const std::vector<ForceResult> results = backend_.forces_reusing_lists(batch, table_);
  ++stats_.backend_calls;
  stats_.force_replicas += total;
  slot = 0;
  for (const Request* r : requests)
    for (int c = 0; c < r->count; ++c, ++slot) {
      r->energy[c] = results[static_cast<std::size_t>(slot)].energy;
      std::copy_n(batch.force(slot), m, r->force + c * m);
    }
}

void SurfaceBatcher::serve_minimize(const std::vector<Request*>& requests) {
  std::vector<bool> taken(requests.size(), false);
  for (std::size_t first = 0; first < requests.size(); ++first) {
    if (taken[first]) continue;
    std::vector<Request*> group;
    for (std::size_t k = first; k < requests.size(); ++k)
      if (!taken[k] && same_params(*requests[k]->params, *requests[first]->params)) {
        taken[k] = true;
        group.push_back(requests[k]);
      }
    const int n = static_cast<int>(group.front()->species->size());
    const std::size_t m = 3 * static_cast<std::size_t>(n);
    // Minimisation moves the batch's positions: a batch of its own, not the reused force batch.
    ReplicaBatch batch(n, static_cast<int>(group.size()), box_, table_.max_cutoff + skin_, skin_);
    for (std::size_t k = 0; k < group.size(); ++k) {
      if (static_cast<int>(group[k]->species->size()) != n)
        throw Error("SurfaceBatcher: searches with different particle counts");
      std::copy_n(group[k]->x_inout, m, batch.pos(static_cast<int>(k)));
      std::copy(group[k]->species->begin(), group[k]->species->end(), batch.species(static_cast<int>(k)));
    }
    const std::vector<MinimizeResult> results = backend_.minimize(batch, table_, *group.front()->params);
    ++stats_.backend_calls;
    stats_.minimize_replicas += static_cast<long>(group.size());
    for (std::size_t k = 0; k < group.size(); ++k) {
      std::copy_n(batch.pos(static_cast<int>(k)), m, group[k]->x_inout);
      group[k]->result = results[k];
    }
  }
}

void SurfaceBatcher::evaluate(const std::vector<int>& species, const double* x, int count, double* energy,
                              double* force) {
  Request request;
  request.job = current_job;
  request.kind = Request::Kind::forces;
  request.species = &species;
  request.x = x;
  request.count = count;
  request.energy = energy;
  request.force = force;
  std::unique_lock<std::mutex> lock(mutex_);
  submit_and_wait(request, lock);
}

MinimizeResult SurfaceBatcher::minimize(const std::vector<int>& species, double* x, const MinimizeParams& params) {
  Request request;
  request.job = current_job;
  request.kind = Request::Kind::minimize;
  request.species = &species;
  request.x_inout = x;
  request.params = &params;
  std::unique_lock<std::mutex> lock(mutex_);
  submit_and_wait(request, lock);
  return request.result;
}

}  // namespace tlsx
