package io.s3dlio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.metrics.OpSnapshot;
import io.s3dlio.store.metrics.StoreOp;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The bench's plot files and synthetic data, checked by independent readers (ImageIO, an XML parser, zstd). */
class TestLatencyPlotAndDataGen {

  private static OpSnapshot op(StoreOp op, long meanMicros, int n, long seed) {
    Histogram h = new Histogram(3);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      h.recordValue((long) (meanMicros * (0.5 + r.nextDouble()) + (i % 97 == 0 ? 20 * meanMicros : 0)));
    }
    return new OpSnapshot(ObjectUri.Scheme.S3, op, n, 0, 0, h, new Histogram(3));
  }

  private static final List<OpSnapshot> OPS = List.of(op(StoreOp.GET, 2000, 5000, 1), op(StoreOp.PUT, 8000, 3000, 2),
      op(StoreOp.LIST, 500, 200, 3), new OpSnapshot(ObjectUri.Scheme.S3, StoreOp.STAT, 0, 0, 4, new Histogram(3),
          new Histogram(3)));

  @Test
  void pngHasEveryOperationsColor() throws Exception {
    Path file = Files.createTempDirectory("plot").resolve("lat.png");
    LatencyPlot plot = new LatencyPlot("test", OPS);
    plot.write(file);
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).as("a PNG ImageIO can decode").isNotNull();
    assertThat(img.getWidth()).isEqualTo(LatencyPlot.WIDTH);
    assertThat(img.getHeight()).isEqualTo(LatencyPlot.HEIGHT);
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        colors.add(img.getRGB(x, y) & 0xffffff);
      }
    }
    // three operations happened (STAT only failed): three series, each in its own color
    assertThat(plot.series()).extracting(LatencyPlot.Series::name).containsExactly("GET", "PUT", "LIST");
    for (int i = 0; i < 3; i++) {
      assertThat(colors).as("color of series " + i).contains(LatencyPlot.PALETTE[i].getRGB() & 0xffffff);
    }
    assertThat(colors).doesNotContain(LatencyPlot.PALETTE[3].getRGB() & 0xffffff);
  }

  @Test
  void htmlHasOneSvgSeriesPerOperation() throws Exception {
    Path file = Files.createTempDirectory("plot").resolve("lat.html");
    new LatencyPlot("test <&>", OPS).write(file);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(file.toFile());
    NodeList lines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
    assertThat(lines.getLength()).isEqualTo(3);
    Set<String> ops = new HashSet<>();
    for (int i = 0; i < lines.getLength(); i++) {
      Element e = (Element) lines.item(i);
      assertThat(e.getAttribute("class")).isEqualTo("series");
      ops.add(e.getAttribute("data-op"));
      String[] points = e.getAttribute("points").trim().split(" ");
      assertThat(points.length).isGreaterThan(5);
      double lastX = -1;
      for (String p : points) {
        double x = Double.parseDouble(p.split(",")[0]);
        assertThat(x).as("x grows with the percentile").isGreaterThanOrEqualTo(lastX);
        lastX = x;
      }
    }
    assertThat(ops).containsExactlyInAnyOrder("GET", "PUT", "LIST");
    assertThat(doc.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "tr").getLength()).isEqualTo(1 + 4);
  }

  @Test
  void unknownPlotExtensionIsRefused() {
    assertThatThrownBy(() -> new LatencyPlot("t", OPS).write(Path.of("x.jpg")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.jpg").hasMessageContaining(".png or .html");
  }

  /** The achieved compression ratio (zstd) and dedup factor come out as asked. */
  @ParameterizedTest
  @CsvSource({"1, 1", "1, 2", "1, 4", "2, 1", "4, 1", "3, 3"})
  void generatedDataHasTheAskedDedupAndCompressionRatio(double dedup, double compress) {
    int size = 4 << 20;
    DataGen gen = new DataGen(size, dedup, compress);
    byte[] data = gen.object(7);
    assertThat(data).hasSize(size);
    // dedup: distinct 64 KiB blocks, counted exactly
    Set<String> blocks = new HashSet<>();
    for (int off = 0; off < size; off += DataGen.BLOCK) {
      blocks.add(java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(data, off, off + DataGen.BLOCK)));
    }
    int n = size / DataGen.BLOCK;
    assertThat(blocks).hasSize((int) Math.ceil(n / dedup)); // whole blocks: 64 / ceil(64 / 3) = 2.9 for 3
    double achievedDedup = (double) n / blocks.size();
    assertThat(achievedDedup).isBetween(dedup * 0.95, dedup);
    // compression of one distinct block by zstd (level 3)
    byte[] block = java.util.Arrays.copyOf(data, DataGen.BLOCK);
    double ratio = (double) block.length / Zstd.compress(block, 3).length;
    assertThat(ratio).as("zstd ratio of a block").isBetween(compress * 0.95, compress * 1.05);
    // the whole object: zstd with a window that spans the repeats sees both factors (within 10%)
    try (ZstdCompressCtx z = new ZstdCompressCtx()) {
      double whole = (double) size / z.setLevel(3).setLong(23).compress(data).length;
      assertThat(whole).as("zstd ratio of the object").isBetween(achievedDedup * compress * 0.9,
          achievedDedup * compress * 1.1);
    }
    // streaming generation gives the same bytes in any chunks; other seeds give other data
    byte[] chunked = new byte[size];
    for (int off = 0; off < size; off += 100_003) {
      gen.fill(7, off, chunked, off, Math.min(100_003, size - off));
    }
    assertThat(chunked).isEqualTo(data);
    assertThat(gen.object(8)).isNotEqualTo(data);
  }
}
