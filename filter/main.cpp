/// \file
/// postseal-filter(8): DKIM-signs outbound mail as a Postfix content filter run by
/// pipe(8). A thin main: everything happens in run_pipe_filter(), which exits 0 only
/// after sendmail took the message back and 75 for every other outcome.
///
/// SYNOPSIS
///   postseal-filter [--config FILE] [options] -f SENDER -- RECIPIENT...
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "filter/pipe_filter.h"
#include "util/openssl_init.h"

int main(int argc, char** argv) {
  postseal::OpensslLibrary openssl;
  try {
    return postseal::filter::run_pipe_filter(std::vector<std::string>(argv + 1, argv + argc));
  } catch (...) {
    // run_pipe_filter never throws; if it somehow did, defer rather than bounce.
    std::cerr << "4.3.0 postseal-filter: internal error\n";
    return 75;
  }
}
