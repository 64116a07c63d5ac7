#include "tlsx/neb/surface_batcher.hpp"

#include <algorithm>
#include <exception>
#include <thread>

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
  int job = -1;                   // the job that asked (-1: not a job's thread)
  std::exception_ptr error;
  bool done = false;
};

namespace {

// The job this thread runs (-1 on a thread that is not a job's).
thread_local int current_job = -1;

}  // namespace

SurfaceBatcher::SurfaceBatcher(Backend& backend, const PairTable& table, const Box& box, double skin)
    : backend_(backend), table_(table), box_(box), skin_(skin) {}

SurfaceBatcherStats SurfaceBatcher::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

ReplicaBatch& SurfaceBatcher::batch_of(int count, int n) {
  if (batch_.size() != count || batch_.n() != n) batch_ = ReplicaBatch(n, count, box_, table_.max_cutoff + skin_, skin_);
  return batch_;
}

void SurfaceBatcher::start_jobs(int count, int window, std::function<void(int)> job) {
  if (count < 0 || window < 1) throw Error("SurfaceBatcher::start_jobs: count >= 0 and window >= 1 needed");
  std::lock_guard<std::mutex> lock(mutex_);
  if (job_count_ > 0) throw Error("SurfaceBatcher::start_jobs: jobs already started (cancel() first)");
  job_ = std::move(job);
  job_count_ = count;
  window_ = window;
  next_start_ = 0;
  live_ = 0;
  cancelled_ = false;
  ended_.assign(static_cast<std::size_t>(count), 0);
  errors_.assign(static_cast<std::size_t>(count), nullptr);
  threads_.clear();
  threads_.resize(static_cast<std::size_t>(count));
  to_join_.clear();
}

void SurfaceBatcher::start_ready_jobs() {
  while (!cancelled_ && next_start_ < job_count_ && live_ < window_) {
    const int k = next_start_++;
    ++live_;
    threads_[static_cast<std::size_t>(k)] = std::thread([this, k] {
      current_job = k;
      std::exception_ptr error;
      try {
        job_(k);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      errors_[static_cast<std::size_t>(k)] = error;
      ended_[static_cast<std::size_t>(k)] = 1;
      to_join_.push_back(k);
      --live_;
      work_.notify_all();
    });
  }
}

void SurfaceBatcher::serve_until_ended(int k) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (k < 0 || k >= job_count_) throw Error("SurfaceBatcher::serve_until_ended: no job " + std::to_string(k));
  // This thread serves every round: the backend is always called from the thread that drives the
  // jobs (an OpenMP backend then keeps one thread pool instead of starting one per calling thread).
  for (;;) {
    start_ready_jobs();
    if (ended_[static_cast<std::size_t>(k)]) break;
    work_.wait(lock, [this, k] {
      return ended_[static_cast<std::size_t>(k)] || (live_ > 0 && static_cast<int>(pending_.size()) == live_) ||
             (!cancelled_ && next_start_ < job_count_ && live_ < window_);
    });
    if (live_ > 0 && static_cast<int>(pending_.size()) == live_) serve(pending_);
    join_ended(lock);
  }
  if (const std::exception_ptr e = errors_[static_cast<std::size_t>(k)]) std::rethrow_exception(e);
}

// Joins the threads of the jobs that have ended (a stream may run thousands of jobs: their threads
// are released as they end, not at the end of the stream). Unlocks while joining.
void SurfaceBatcher::join_ended(std::unique_lock<std::mutex>& lock) {
  if (to_join_.empty()) return;
  std::vector<std::thread> ended;
  for (const int k : to_join_) ended.push_back(std::move(threads_[static_cast<std::size_t>(k)]));
  to_join_.clear();
  lock.unlock();
  for (std::thread& t : ended) t.join();
  lock.lock();
}

void SurfaceBatcher::cancel() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    served_.notify_all();  // waiting jobs see cancelled_ and throw Cancelled
    threads.swap(threads_);
  }
  for (std::thread& t : threads)
    if (t.joinable()) t.join();
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.clear();
  to_join_.clear();
  job_count_ = 0;
  live_ = 0;
  job_ = nullptr;
}

SurfaceBatcher::~SurfaceBatcher() { cancel(); }

int SurfaceBatcher::jobs_ended() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(std::count(ended_.begin(), ended_.end(), char{1}));
}

void SurfaceBatcher::run(int jobs, const std::function<void(int)>& job) {
  if (jobs <= 0) return;
  start_jobs(jobs, jobs, job);  // all at once
  std::exception_ptr first;
  for (int k = 0; k < jobs; ++k) {
    try {
      serve_until_ended(k);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  cancel();  // every job has ended: joins the threads and resets
  if (first) std::rethrow_exception(first);
}

void SurfaceBatcher::submit_and_wait(Request& request, std::unique_lock<std::mutex>& lock) {
  if (current_job < 0) {
    // Not a job thread: served at once, alone.
    std::vector<Request*> alone{&request};
    serve(alone);
  } else {
    if (cancelled_) throw Cancelled();
    pending_.push_back(&request);
    work_.notify_all();
    served_.wait(lock, [this, &request] { return request.done || cancelled_; });
    if (!request.done) {
      pending_.erase(std::remove(pending_.begin(), pending_.end(), &request), pending_.end());
      throw Cancelled();
    }
  }
  if (request.error) std::rethrow_exception(request.error);
}

void SurfaceBatcher::serve(std::vector<Request*>& requests) {
  // In job order, not arrival order: a band's images then keep their slots from round to round
  // (and their neighbour lists with them) while the set of running jobs stays the same.
  std::stable_sort(requests.begin(), requests.end(), [](const Request* a, const Request* b) { return a->job < b->job; });
  std::vector<Request*> forces, minimize;
  for (Request* r : requests) (r->kind == Request::Kind::forces ? forces : minimize).push_back(r);
  requests.clear();
  ++stats_.rounds;
  // A backend failure belongs to every request of the round: each job rethrows it.
  const auto serve_kind = [&](const std::vector<Request*>& group, void (SurfaceBatcher::*how)(const std::vector<Request*>&)) {
    if (group.empty()) return;
    try {
      (this->*how)(group);
    } catch (...) {
      for (Request* r : group) r->error = std::current_exception();
    }
  };
  serve_kind(forces, &SurfaceBatcher::serve_forces);
  serve_kind(minimize, &SurfaceBatcher::serve_minimize);
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
      if (!taken[k] && *requests[k]->params == *requests[first]->params) {
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
