package io.s3dlio.cli;

import io.s3dlio.store.metrics.OpSnapshot;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Draws the latency percentile spectrum of each operation (HdrHistogram's percentile
 * distribution): x is the percentile on the usual {@code 1/(1-p)} log scale (0, 90, 99, 99.9 ...),
 * y the latency in milliseconds, one line per operation. As a PNG (java.awt, headless) or as a
 * self-contained HTML page with an inline SVG (one {@code <polyline class="series" data-op=...>}
 * per operation) and a table of the percentiles.
 */
final class LatencyPlot {
  static final int WIDTH = 1000;
  static final int HEIGHT = 600;
  /** Series colors, in order of the operations; none is black, grey or white (the axes, grid, page). */
  static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
      new Color(0xbcbd22)};
  private static final int LEFT = 80;
  private static final int RIGHT = 190;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final double MAX_NINES = 6;
  private static final String[] X_LABELS = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};

  /** One operation's line: x in "nines" (log10(1/(1-p))), y in milliseconds. */
  record Series(String name, Color color, double[] x, double[] y) {
  }

  private final String title;
  private final List<Series> series = new ArrayList<>();
  private final List<OpSnapshot> ops;
  private final double maxX;
  private final double maxY;

  LatencyPlot(String title, List<OpSnapshot> snapshots) {
    this.title = title;
    this.ops = snapshots.stream().filter(s -> s.count() + s.errors() > 0).toList();
    double mx = 2;
    double my = 0.001;
    for (OpSnapshot s : ops) {
      if (s.count() == 0) {
        continue; // only failures: no latencies to draw (the table lists them)
      }
      List<double[]> pts = new ArrayList<>();
      for (HistogramIterationValue v : s.latencyMicros().percentiles(5)) {
        double p = Math.min(v.getPercentileLevelIteratedTo() / 100.0, 1 - Math.pow(10, -MAX_NINES));
        double nines = -Math.log10(1 - p);
        double ms = s.latencyMicros().highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
        pts.add(new double[] {nines, ms});
        mx = Math.max(mx, nines);
        my = Math.max(my, ms);
      }
      double[] x = pts.stream().mapToDouble(a -> a[0]).toArray();
      double[] y = pts.stream().mapToDouble(a -> a[1]).toArray();
      series.add(new Series(s.op().logName(), PALETTE[series.size() % PALETTE.length], x, y));
    }
    this.maxX = Math.min(MAX_NINES, Math.ceil(mx));
    this.maxY = my * 1.1;
  }

  List<Series> series() {
    return series;
  }

  /** Writes {@code file}: PNG or HTML by its extension. */
  void write(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      writePng(file);
    } else if (name.endsWith(".html") || name.endsWith(".htm")) {
      Files.writeString(file, html(), StandardCharsets.UTF_8);
    } else {
      throw new IllegalArgumentException("Cannot plot to " + file + ": the file name must end in .png or .html");
    }
  }

  private double px(double x) {
    return LEFT + x / maxX * (WIDTH - LEFT - RIGHT);
  }

  private double py(double y) {
    return HEIGHT - BOTTOM - y / maxY * (HEIGHT - TOP - BOTTOM);
  }

  private static String ms(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 1 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }

  private void writePng(Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int i = 0; i <= maxX; i++) {
        int x = (int) px(i);
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(x, TOP, x, HEIGHT - BOTTOM);
        g.setColor(Color.BLACK);
        g.drawString(X_LABELS[i], x - 15, HEIGHT - BOTTOM + 18);
      }
      for (int i = 0; i <= 5; i++) {
        double v = maxY * i / 5;
        int y = (int) py(v);
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(LEFT, y, WIDTH - RIGHT, y);
        g.setColor(Color.BLACK);
        g.drawString(ms(v), 10, y + 4);
      }
      g.setColor(Color.BLACK);
      g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
      g.drawString("percentile", WIDTH / 2 - 60, HEIGHT - 15);
      g.drawString("latency (ms)", 10, TOP - 10);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, LEFT, 25);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setStroke(new BasicStroke(2f));
      int ly = TOP + 10;
      for (Series s : series) {
        g.setColor(s.color());
        for (int i = 1; i < s.x().length; i++) {
          g.drawLine((int) px(s.x()[i - 1]), (int) py(s.y()[i - 1]), (int) px(s.x()[i]), (int) py(s.y()[i]));
        }
        g.fillRect(WIDTH - RIGHT + 15, ly, 20, 10);
        g.setColor(Color.BLACK);
        g.drawString(s.name(), WIDTH - RIGHT + 42, ly + 10);
        ly += 20;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("Cannot write " + file + ": no PNG writer");
    }
  }

  private String html() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>")
        .append("<title>").append(esc(title)).append("</title></head>\n<body style=\"font-family:sans-serif\">\n")
        .append("<h2>").append(esc(title)).append("</h2>\n")
        .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (int i = 0; i <= maxX; i++) {
      double x = px(i);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
          + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP, x, HEIGHT - BOTTOM, x,
          HEIGHT - BOTTOM + 18, X_LABELS[i]));
    }
    for (int i = 0; i <= 5; i++) {
      double v = maxY * i / 5;
      double y = py(v);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4,
          ms(v)));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        + "stroke=\"black\"/>%n", LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">percentile</text><text x=\"10\" y=\"%d\">"
        + "latency (ms)</text>%n", WIDTH / 2 - 60, HEIGHT - 15, TOP - 10));
    int ly = TOP + 10;
    for (Series s : series) {
      String color = String.format("#%06x", s.color().getRGB() & 0xffffff);
      sb.append("<polyline class=\"series\" data-op=\"").append(esc(s.name())).append("\" fill=\"none\" stroke=\"")
          .append(color).append("\" stroke-width=\"2\" points=\"");
      for (int i = 0; i < s.x().length; i++) {
        sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(s.x()[i]), py(s.y()[i])));
      }
      sb.append("\"/>\n");
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"10\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 15, ly, color, WIDTH - RIGHT + 42, ly + 10,
          esc(s.name())));
      ly += 20;
    }
    sb.append("</svg>\n<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\">\n<tr><th>op</th>"
        + "<th>count</th><th>errors</th>");
    for (double p : OpSnapshot.PERCENTILES) {
      sb.append("<th>").append(OpSnapshot.label(p)).append(" ms</th>");
    }
    sb.append("<th>max ms</th></tr>\n");
    for (OpSnapshot s : ops) {
      sb.append("<tr><td>").append(s.op().logName()).append("</td><td>").append(s.count()).append("</td><td>")
          .append(s.errors()).append("</td>");
      for (double p : OpSnapshot.PERCENTILES) {
        sb.append("<td>").append(ms(s.percentileMicros(p) / 1000.0)).append("</td>");
      }
      sb.append("<td>").append(ms(s.maxMicros() / 1000.0)).append("</td></tr>\n");
    }
    return sb.append("</table>\n</body></html>\n").toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
