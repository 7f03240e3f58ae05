/// \file
/// The bounded batching writer (see batch_writer.h).
#include "history/batch_writer.h"

#include <exception>

namespace postseal::history {

BatchWriter::BatchWriter(Opener open, Warn warn, size_t capacity, size_t batch)
    : open_(std::move(open)),
      warn_(std::move(warn)),
      capacity_(capacity),
      batch_(batch == 0 ? 1 : batch),
      thread_([this] { run(); }) {}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool BatchWriter::push(Row row) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(row));
  }
  wake_.notify_one();
  return true;
}

void BatchWriter::flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

uint64_t BatchWriter::written() const {
  std::lock_guard lock(mu_);
  return written_;
}

uint64_t BatchWriter::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

uint64_t BatchWriter::failed() const {
  std::lock_guard lock(mu_);
  return failed_;
}

void BatchWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stop_, and everything was written
    std::vector<Row> rows;
    while (!queue_.empty() && rows.size() < batch_) {
      rows.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    busy_ = true;
    lock.unlock();
    write(rows);
    lock.lock();
    // The drop count is reported here, off the mail path, once per change.
    uint64_t newly_dropped = dropped_ - dropped_reported_;
    dropped_reported_ = dropped_;
    if (newly_dropped > 0) {
      lock.unlock();
      warn_("history: queue full (" + std::to_string(capacity_) + " rows), " +
            std::to_string(newly_dropped) + " rows dropped");
      lock.lock();
    }
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

void BatchWriter::write(const std::vector<Row>& batch) {
  try {
    if (!store_) store_ = open_();
    store_->insert(batch);
    std::lock_guard lock(mu_);
    written_ += batch.size();
  } catch (const std::exception& e) {
    // The connection may be broken: open a fresh one for the next batch. These rows
    // are given up rather than kept, so that a dead store cannot fill memory.
    store_.reset();
    {
      std::lock_guard lock(mu_);
      failed_ += batch.size();
    }
    warn_(std::string(e.what()) + "; " + std::to_string(batch.size()) + " rows not written");
  }
}

}  // namespace postseal::history
