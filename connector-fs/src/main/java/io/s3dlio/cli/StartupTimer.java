package io.s3dlio.cli;

/**
 * Marks of a CLI run's phases, printed on stderr as milliseconds since {@code main} started when
 * the environment variable {@code S3DLIO_TIMING} is set (docs/performance.md, "s3dlio get"): for
 * profiling the start-up; costs nothing otherwise. The JVM's own start before {@code main} is
 * printed with the last mark.
 */
final class StartupTimer {
  private static final boolean ON = System.getenv("S3DLIO_TIMING") != null;
  private static final long T0 = System.nanoTime();

  private StartupTimer() {
  }

  static void mark(String phase) {
    if (ON) {
      System.err.println("s3dlio timing: " + phase + " " + (System.nanoTime() - T0) / 1_000_000 + " ms");
    }
  }

  /** The last mark, with the JVM's uptime (which includes its start before main). */
  static void end(String phase) {
    if (ON) {
      mark(phase + " (JVM uptime " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
    }
  }
}
