package io.s3dlio.testing;

import io.s3dlio.testing.FaultPlan.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The outcome of every operation of a fault run: completed with correct bytes, failed with a
 * clear error (an IOException whose message names what it failed on), returned wrong data, or
 * failed unclearly (anything else). A fault run passes when the last two are zero. Used by the
 * fault runs of every module; {@link #table} writes the figures of {@code docs/reliability.md}.
 */
public final class FaultTally {
  private final Map<String, int[]> byOp = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  private static final int CORRECT = 0;
  private static final int FAILED_CLEARLY = 1;
  private static final int WRONG = 2;
  private static final int UNCLEAR = 3;

  /**
   * Runs {@code op}: {@code true} means it completed and its result was checked correct,
   * {@code false} that it returned wrong data. An {@link java.io.IOException} whose message contains
   * every one of {@code mustName} is a clear failure; any other exception is an unclear one.
   */
  public synchronized boolean run(String op, Callable<Boolean> body, String... mustName) {
    try {
      boolean ok = body.call();
      if (ok) {
        add(op, CORRECT);
      } else {
        add(op, WRONG);
        problems.add(op + ": WRONG DATA (" + String.join(", ", mustName) + ")");
      }
      return ok;
    } catch (Exception e) {
      failed(op, e, mustName);
      return false;
    }
  }

  /** Records a failure of {@code op}: clear if it is an IOException naming every one of {@code mustName}. */
  public synchronized void failed(String op, Throwable e, String... mustName) {
    Throwable t = e instanceof java.io.UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    String msg = String.valueOf(t.getMessage());
    boolean clear = t instanceof java.io.IOException;
    for (String n : mustName) {
      clear &= msg.contains(n);
    }
    if (clear) {
      add(op, FAILED_CLEARLY);
      failures.add(op + ": " + t.getClass().getSimpleName() + ": " + msg);
    } else {
      add(op, UNCLEAR);
      problems.add(op + ": UNCLEAR " + t.getClass().getName() + ": " + msg);
    }
  }

  public synchronized void correct(String op) {
    add(op, CORRECT);
  }

  public synchronized void wrong(String op, String detail) {
    add(op, WRONG);
    problems.add(op + ": WRONG DATA " + detail);
  }

  private void add(String op, int outcome) {
    byOp.computeIfAbsent(op, k -> new int[4])[outcome]++;
  }

  private int total(int outcome) {
    return byOp.values().stream().mapToInt(a -> a[outcome]).sum();
  }

  public synchronized int correct() {
    return total(CORRECT);
  }

  public synchronized int failedClearly() {
    return total(FAILED_CLEARLY);
  }

  public synchronized int wrongData() {
    return total(WRONG);
  }

  public synchronized int unclear() {
    return total(UNCLEAR);
  }

  /** Wrong data and unclear failures, one line each (empty when the run passed). */
  public synchronized List<String> problems() {
    return new ArrayList<>(problems);
  }

  /** The clear failures, one line each (their messages, to read). */
  public synchronized List<String> failures() {
    return new ArrayList<>(failures);
  }

  /**
   * Prints {@link #table} and writes it, with the clear failures' messages, to
   * {@code target/reliability/<fileName>} of the module; returns the table.
   */
  public synchronized String report(String title, String fileName, FaultProxy... proxies) throws java.io.IOException {
    String table = table(title, proxies);
    java.nio.file.Path out = java.nio.file.Path.of("target", "reliability", fileName);
    java.nio.file.Files.createDirectories(out.getParent());
    java.nio.file.Files.writeString(out, table + "\nfailures:\n" + String.join("\n", failures) + "\n");
    System.out.println(table);
    return table;
  }

  /** A Markdown report: faults injected by kind, then operations by outcome. */
  public synchronized String table(String title, FaultProxy... proxies) {
    StringBuilder sb = new StringBuilder("### ").append(title).append("\n\n");
    sb.append("| fault | injected | into (request kind: count) |\n|---|---|---|\n");
    int all = 0;
    for (Fault f : Fault.values()) {
      int n = 0;
      Map<FaultPlan.RequestKind, Integer> into = new TreeMap<>();
      for (FaultProxy p : proxies) {
        n += p.injected(f);
        p.injected().get(f).forEach((k, c) -> into.merge(k, c, Integer::sum));
      }
      all += n;
      sb.append("| ").append(f.name().toLowerCase(Locale.ROOT)).append(" | ").append(n).append(" | ")
          .append(into.toString().replaceAll("[{}]", "").replace("=", ": ")).append(" |\n");
    }
    sb.append("| **all** | **").append(all).append("** | |\n\n");
    sb.append("| operation | completed, correct bytes | failed with a clear error | wrong data | unclear failure |\n")
        .append("|---|---|---|---|---|\n");
    byOp.forEach((op, a) -> sb.append("| ").append(op).append(" | ").append(a[CORRECT]).append(" | ")
        .append(a[FAILED_CLEARLY]).append(" | ").append(a[WRONG]).append(" | ").append(a[UNCLEAR]).append(" |\n"));
    sb.append("| **all** | **").append(correct()).append("** | **").append(failedClearly()).append("** | **")
        .append(wrongData()).append("** | **").append(unclear()).append("** |\n");
    return sb.toString();
  }
}
