// Graceful interruption by SIGINT / SIGTERM.
//
// install_interrupt_handlers() (the CLI calls it once, before any work) makes the first SIGINT or
// SIGTERM only set a flag: long work polls it at safe points (between scored batches, between
// tensor chunks), commits what it has, cleans up and throws interrupted_error(), which the CLI maps
// to exit 128 + the signal (130 for SIGINT, 143 for SIGTERM). A second signal restores the default
// action and re-raises it: the process ends at once.
//
// Without installed handlers the flag never rises (libraries embedded in a training loop keep the
// host program's own signal handling).
#pragma once

#include <string>

#include "common/error.h"

namespace mpt {

void install_interrupt_handlers();
// The first signal received since install (SIGINT, SIGTERM), or 0.
int interrupt_signal();
// Throws interrupted_error(what) when a signal arrived.
void throw_if_interrupted(const std::string& what);
// "interrupted by SIGINT (<what>)", an Error of kind Interrupted.
Error interrupted_error(const std::string& what);
// Exit status for an interrupted process: 128 + signal (130 when no signal is recorded).
int interrupted_exit_code();
// For tests: behave as if `signal` had arrived (0 clears).
void simulate_interrupt(int signal);

}  // namespace mpt
