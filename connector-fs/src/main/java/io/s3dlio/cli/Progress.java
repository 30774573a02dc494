package io.s3dlio.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a copy: a bar redrawn in place (bytes, rate, ETA) when stderr is a terminal, plain
 * lines every few seconds otherwise (logs, CI).
 */
abstract class Progress {
  abstract void add(long bytes);

  abstract void fileDone();

  abstract void finish();

  static Progress none() {
    return new Progress() {
      @Override
      void add(long bytes) {
      }

      @Override
      void fileDone() {
      }

      @Override
      void finish() {
      }
    };
  }

  static Progress create(PrintStream err, int files, long totalBytes) {
    return create(err, files, totalBytes, "files", "copying", "copied");
  }

  /**
   * Progress of {@code units} things ({@code unitName}) of {@code totalBytes} in all;
   * {@code units < 0}: open-ended (no ETA). Plain lines start with {@code doing} or {@code done}.
   */
  static Progress create(PrintStream err, long units, long totalBytes, String unitName, String doing, String done) {
    return new Reporting(err, units, totalBytes, unitName, doing, done, System.console() != null);
  }

  private static final class Reporting extends Progress {
    private final PrintStream err;
    private final long files;
    private final long total;
    private final String unit;
    private final String doing;
    private final String doneWord;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private volatile long lastPrint;

    Reporting(PrintStream err, long files, long total, String unit, String doing, String doneWord, boolean terminal) {
      this.err = err;
      this.files = files;
      this.total = total;
      this.unit = unit;
      this.doing = doing;
      this.doneWord = doneWord;
      this.terminal = terminal;
    }

    @Override
    void add(long n) {
      bytes.addAndGet(n);
      maybePrint(false);
    }

    @Override
    void fileDone() {
      done.incrementAndGet();
      maybePrint(false);
    }

    private synchronized void maybePrint(boolean last) {
      long now = System.nanoTime();
      long every = terminal ? 200_000_000L : 5_000_000_000L;
      if (!last && now - lastPrint < every) {
        return;
      }
      lastPrint = now;
      double secs = Math.max(1e-3, (now - start) / 1e9);
      long b = bytes.get();
      double rate = b / secs;
      long eta = rate > 0 ? (long) ((total - b) / rate) : -1;
      String stats = files < 0
          ? String.format(Locale.ROOT, "%s  %s/s  %s  (%d %s)", Format.bytes(b), Format.bytes(rate),
              Format.duration((long) secs), done.get(), unit)
          : String.format(Locale.ROOT, "%s / %s  %s/s  ETA %s  (%d/%d %s)", Format.bytes(b), Format.bytes(total),
              Format.bytes(rate), Format.duration(last ? 0 : eta), done.get(), files, unit);
      if (terminal) {
        int width = 30;
        int fill = files < 0 ? (int) (secs * 4 % (width + 1)) : files == 0 ? width
            : total == 0 ? (int) (width * done.get() / files) : (int) Math.min(width, width * b / total);
        err.print("\r[" + "#".repeat(fill) + " ".repeat(width - fill) + "] " + stats + "   ");
        if (last) {
          err.println();
        }
      } else {
        err.println((last ? doneWord : doing) + " " + stats);
      }
      err.flush();
    }

    @Override
    void finish() {
      maybePrint(true);
    }
  }
}
