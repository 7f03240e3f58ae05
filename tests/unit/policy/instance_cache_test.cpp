/// \file
/// The per-message decision cache: lookups, envelope keys, expiry and the size bound.
#include "policy/instance_cache.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal;
using namespace postseal::policy;

namespace {

/// A clock the test moves by hand.
class StepClock final : public Clock {
 public:
  int64_t now() const override { return t; }
  int64_t t = 1000;
};

Decision decision(const std::string& text) {
  Decision d;
  d.action = Action::kPrepend;
  d.text = text;
  return d;
}

}  // namespace

class InstanceCacheTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InstanceCacheTest);
  CPPUNIT_TEST(testFindsWhatWasInserted);
  CPPUNIT_TEST(testOtherEnvelopeUnderTheSameInstanceIsAMiss);
  CPPUNIT_TEST(testEntriesExpire);
  CPPUNIT_TEST(testOldestEntryGoesWhenFull);
  CPPUNIT_TEST(testInsertReplacesTheEntry);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testFindsWhatWasInserted() {
    StepClock clock;
    InstanceCache c(10, 60, clock);
    CPPUNIT_ASSERT(!c.find("i1", "k").has_value());
    c.insert("i1", "k", decision("PREPEND X: 1"));
    auto d = c.find("i1", "k");
    CPPUNIT_ASSERT(d.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("PREPEND X: 1"), d->text);
    CPPUNIT_ASSERT(!c.find("i2", "k").has_value());
  }

  void testOtherEnvelopeUnderTheSameInstanceIsAMiss() {
    StepClock clock;
    InstanceCache c(10, 60, clock);
    c.insert("i1", "k1", decision("a"));
    CPPUNIT_ASSERT(!c.find("i1", "k2").has_value());
  }

  void testEntriesExpire() {
    StepClock clock;
    InstanceCache c(10, 60, clock);
    c.insert("i1", "k", decision("a"));
    clock.t += 59;
    CPPUNIT_ASSERT(c.find("i1", "k").has_value());
    clock.t += 1;
    CPPUNIT_ASSERT(!c.find("i1", "k").has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.size());
  }

  void testOldestEntryGoesWhenFull() {
    StepClock clock;
    InstanceCache c(3, 60, clock);
    for (int i = 0; i < 5; ++i) c.insert("i" + std::to_string(i), "k", decision("d"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), c.size());
    CPPUNIT_ASSERT(!c.find("i0", "k").has_value());
    CPPUNIT_ASSERT(!c.find("i1", "k").has_value());
    CPPUNIT_ASSERT(c.find("i2", "k").has_value());
    CPPUNIT_ASSERT(c.find("i4", "k").has_value());
  }

  void testInsertReplacesTheEntry() {
    StepClock clock;
    InstanceCache c(3, 60, clock);
    c.insert("i1", "k", decision("a"));
    c.insert("i1", "k2", decision("b"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.size());
    CPPUNIT_ASSERT_EQUAL(std::string("b"), c.find("i1", "k2")->text);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InstanceCacheTest);
