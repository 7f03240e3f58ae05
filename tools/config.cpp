/// \file
/// postseal config --defaults: writes a postseal.conf that lists every option of the
/// option table commented out with its default and description (the file the packages
/// install as /etc/postseal/postseal.conf; the build writes dist/postseal.conf with it).
#include <iostream>

#include <boost/program_options.hpp>

#include "config/options.h"
#include "tools/commands.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::tools {

int run_config(const std::vector<std::string>& args) {
  po::options_description desc("postseal config options");
  desc.add_options()("help,h", "show this help")(
      "defaults", "write postseal.conf with every option commented out at its default");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << "usage: postseal config --defaults\n" << desc;
    return 0;
  }
  if (!vm.count("defaults"))
    throw UsageError("expected --defaults (see postseal config --help)");
  std::cout << config::commented_defaults();
  std::cout.flush();
  if (!std::cout) throw TempFailure("cannot write to standard output");
  return 0;
}

}  // namespace postseal::tools
