/// \file
/// The bounded batching writer: rows reach the store in batches; a full queue drops
/// new rows without blocking, counts them and says so in one warning line; a store that
/// fails loses its batch (counted, logged) and is opened again for the next one.
#include "history/batch_writer.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "util/errors.h"

using namespace postseal;
using history::BatchWriter;
using history::Row;

namespace {

// What the fake stores saw, shared with the test; a gate holds insert() until opened.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  bool gate_open = true;
  bool inserting = false;
  bool fail = false;
  int opened = 0;
  std::vector<int64_t> times;
  std::vector<size_t> batch_sizes;
  std::vector<std::string> warnings;
};

class FakeStore : public history::Store {
 public:
  explicit FakeStore(Shared& s) : s_(s) {}
  void insert(const std::vector<Row>& rows) override {
    std::unique_lock lock(s_.mu);
    s_.inserting = true;
    s_.cv.notify_all();
    s_.cv.wait(lock, [&] { return s_.gate_open; });
    s_.inserting = false;
    if (s_.fail) throw TempFailure("history: sqlite h.db: database is locked");
    s_.batch_sizes.push_back(rows.size());
    for (const auto& r : rows) s_.times.push_back(r.time);
  }
  std::vector<Row> rows(int64_t, int64_t, const std::string&) override { return {}; }
  int schema_version() override { return history::kSchemaVersion; }

 private:
  Shared& s_;
};

Row at(int64_t t) {
  Row r;
  r.time = t;
  return r;
}

BatchWriter::Opener opener(Shared& s) {
  return [&s] {
    std::lock_guard lock(s.mu);
    ++s.opened;
    return std::make_unique<FakeStore>(s);
  };
}

BatchWriter::Warn warner(Shared& s) {
  return [&s](const std::string& w) {
    std::lock_guard lock(s.mu);
    s.warnings.push_back(w);
  };
}

}  // namespace

class BatchWriterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BatchWriterTest);
  CPPUNIT_TEST(rows_are_written_in_order_in_batches);
  CPPUNIT_TEST(full_queue_drops_counts_and_logs);
  CPPUNIT_TEST(failing_store_loses_batch_and_reopens);
  CPPUNIT_TEST(destructor_writes_what_is_queued);
  CPPUNIT_TEST_SUITE_END();

 public:
  void rows_are_written_in_order_in_batches() {
    Shared s;
    {
      std::lock_guard lock(s.mu);
      s.gate_open = false;
    }
    BatchWriter w(opener(s), warner(s), 100, 3);
    for (int i = 0; i < 7; ++i) CPPUNIT_ASSERT(w.push(at(i)));
    open_gate(s);
    w.flush();
    CPPUNIT_ASSERT_EQUAL(uint64_t{7}, w.written());
    CPPUNIT_ASSERT((s.times == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
    for (size_t n : s.batch_sizes) CPPUNIT_ASSERT(n <= 3);
    CPPUNIT_ASSERT_EQUAL(1, s.opened);
  }

  void full_queue_drops_counts_and_logs() {
    Shared s;
    {
      std::lock_guard lock(s.mu);
      s.gate_open = false;
    }
    BatchWriter w(opener(s), warner(s), 3, 10);
    CPPUNIT_ASSERT(w.push(at(0)));
    wait_inserting(s);  // row 0 is in flight, the store is stuck
    CPPUNIT_ASSERT(w.push(at(1)));
    CPPUNIT_ASSERT(w.push(at(2)));
    CPPUNIT_ASSERT(w.push(at(3)));
    CPPUNIT_ASSERT(!w.push(at(4)));  // cap 3 reached: dropped, without blocking
    CPPUNIT_ASSERT(!w.push(at(5)));
    CPPUNIT_ASSERT_EQUAL(uint64_t{2}, w.dropped());
    open_gate(s);
    w.flush();
    CPPUNIT_ASSERT_EQUAL(uint64_t{4}, w.written());
    CPPUNIT_ASSERT((s.times == std::vector<int64_t>{0, 1, 2, 3}));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, s.warnings.size());
    CPPUNIT_ASSERT_EQUAL(std::string("history: queue full (3 rows), 2 rows dropped"),
                         s.warnings[0]);
  }

  void failing_store_loses_batch_and_reopens() {
    Shared s;
    s.fail = true;
    BatchWriter w(opener(s), warner(s), 10, 10);
    w.push(at(1));
    w.flush();
    CPPUNIT_ASSERT_EQUAL(uint64_t{1}, w.failed());
    CPPUNIT_ASSERT_EQUAL(
        std::string("history: sqlite h.db: database is locked; 1 rows not written"),
        s.warnings.at(0));
    {
      std::lock_guard lock(s.mu);
      s.fail = false;
    }
    w.push(at(2));
    w.flush();
    CPPUNIT_ASSERT_EQUAL(uint64_t{1}, w.written());
    CPPUNIT_ASSERT_EQUAL(2, s.opened);  // a fresh store after the failure
  }

  void destructor_writes_what_is_queued() {
    Shared s;
    {
      BatchWriter w(opener(s), warner(s), 10, 2);
      for (int i = 0; i < 5; ++i) w.push(at(i));
    }
    CPPUNIT_ASSERT_EQUAL(size_t{5}, s.times.size());
  }

 private:
  static void open_gate(Shared& s) {
    std::lock_guard lock(s.mu);
    s.gate_open = true;
    s.cv.notify_all();
  }
  static void wait_inserting(Shared& s) {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, [&] { return s.inserting; });
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BatchWriterTest);
