/// \file
/// A bounded, batching history writer for long-running programs (the coming SMTP
/// daemon): push() hands a row over without blocking and without I/O; one thread
/// writes the queued rows in batches, one transaction per batch. The queue has a cap:
/// when the store is slow or down and the queue is full, new rows are dropped and
/// counted, and the count goes into a warning line, so a broken store never delays or
/// loses mail, and says so. push(), the counters and flush() are thread-safe.
#ifndef POSTSEAL_HISTORY_BATCH_WRITER_H
#define POSTSEAL_HISTORY_BATCH_WRITER_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "history/store.h"

namespace postseal::history {

class BatchWriter {
 public:
  /// Opens the store on the writer thread (again after a failure). May throw.
  using Opener = std::function<std::unique_ptr<Store>()>;
  /// Receives warning lines ("history: ..."); called on the writer thread.
  using Warn = std::function<void(const std::string&)>;

  /// Starts the writer thread. `capacity` rows at most wait in the queue; at most
  /// `batch` rows go into one transaction.
  BatchWriter(Opener open, Warn warn, size_t capacity = 10000, size_t batch = 200);
  /// Writes what is still queued (one attempt), then stops the thread.
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  /// Queues a row. Never blocks on the store, never throws: returns false when the
  /// queue is full and the row was dropped (counted in dropped()).
  bool push(Row row);

  /// Waits until every row queued so far was written or given up. For shutdown and
  /// tests; never call it on the mail path.
  void flush();

  uint64_t written() const;
  uint64_t dropped() const;  ///< rows refused because the queue was full
  uint64_t failed() const;   ///< rows lost because the store could not take them

 private:
  void run();
  void write(const std::vector<Row>& batch);

  Opener open_;
  Warn warn_;
  size_t capacity_;
  size_t batch_;
  std::unique_ptr<Store> store_;  // writer thread only

  mutable std::mutex mu_;
  std::condition_variable wake_;  // rows queued, or stop
  std::condition_variable idle_;  // queue drained and nothing in flight
  std::deque<Row> queue_;
  bool busy_ = false;
  bool stop_ = false;
  uint64_t written_ = 0, dropped_ = 0, failed_ = 0;
  uint64_t dropped_reported_ = 0;
  std::thread thread_;
};

}  // namespace postseal::history

#endif  // POSTSEAL_HISTORY_BATCH_WRITER_H
