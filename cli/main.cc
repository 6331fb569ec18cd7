#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) {
  return mailhoard::cli::RunMailhoard(argc, argv, std::cout, std::cerr);
}
