package io.s3dlio.cli;

import io.s3dlio.store.ObjectEntry;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Human-readable rendering shared by the commands. */
final class Format {
  private Format() {
  }

  static String row(ObjectEntry e) {
    if (e.isPrefix()) {
      return String.format(Locale.ROOT, "%12s  %-20s  %s", "DIR", "", e.uri());
    }
    return String.format(Locale.ROOT, "%12d  %-20s  %s", e.size(),
        DateTimeFormatter.ISO_INSTANT.format(e.lastModified().truncatedTo(ChronoUnit.SECONDS)), e.uri());
  }

  static String bytes(double b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (b >= 1024 && i < units.length - 1) {
      b /= 1024;
      i++;
    }
    return i == 0 ? String.format(Locale.ROOT, "%.0f %s", b, units[i]) : String.format(Locale.ROOT, "%.1f %s", b, units[i]);
  }

  static String duration(long seconds) {
    if (seconds < 0) {
      return "--:--";
    }
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
