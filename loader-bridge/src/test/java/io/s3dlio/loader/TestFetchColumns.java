package io.s3dlio.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batches made from fetch columns (rows put by the workers, runs copied by the consumer) equal
 * the {@link Collator}'s batches of the same samples, for fixed-shape, ragged and bytes fields,
 * dense and per-row fixed-shape columns, runs across fetches, and batches that mix rows with
 * samples that do not fit the schema.
 */
class TestFetchColumns {
  private static final Map<String, FieldSpec> SCHEMA = schema();

  private static Map<String, FieldSpec> schema() {
    Map<String, FieldSpec> m = new LinkedHashMap<>();
    m.put("x", FieldSpec.tensor("x", DType.FLOAT32, 2, 3));
    m.put("r", FieldSpec.ragged("r", DType.INT32));
    m.put("b", FieldSpec.bytes("b"));
    return m;
  }

  /** A sample that fits the schema, its fields in the order b, x, r (not the schema's). */
  private static Sample sample(Random rnd, long index) {
    float[] x = new float[6];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextFloat();
    }
    int[] r = new int[rnd.nextInt(4)];
    for (int i = 0; i < r.length; i++) {
      r[i] = rnd.nextInt();
    }
    byte[] b = new byte[rnd.nextInt(9)];
    rnd.nextBytes(b);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", b);
    m.put("x", Tensor.of(x, 2, 3));
    m.put("r", Tensor.of(r, r.length));
    return Sample.of(index, m);
  }

  @Test
  void batchesOfRowsEqualTheCollatorsBatchesOfTheSameSamples() {
    Random rnd = new Random(3);
    Collator collator = new Collator(SCHEMA);
    for (int trial = 0; trial < 100; trial++) {
      FetchColumns.Layout layout = FetchColumns.Layout.of(SCHEMA);
      long maxDense = rnd.nextBoolean() ? FetchColumns.MAX_DENSE : 5;
      // two fetches, filled in a random row order (as parts finish), then cut into batches
      int[] rows = {1 + rnd.nextInt(40), 1 + rnd.nextInt(40)};
      List<Sample> all = new ArrayList<>();
      List<FetchColumns> fetches = new ArrayList<>();
      for (int n : rows) {
        FetchColumns c = new FetchColumns(layout, n, maxDense);
        Sample[] s = new Sample[n];
        for (int i = 0; i < n; i++) {
          s[i] = sample(rnd, all.size() + i);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          order.add(i);
        }
        java.util.Collections.shuffle(order, rnd);
        for (int i : order) {
          assertThat(c.put(i, s[i])).isTrue();
        }
        all.addAll(Arrays.asList(s));
        fetches.add(c);
      }
      int batch = 1 + rnd.nextInt(30);
      int from = 0;
      while (from < all.size()) {
        int to = Math.min(all.size(), from + batch);
        FetchColumns.Gather g = new FetchColumns.Gather(collator);
        // a sample that is not in columns, somewhere in some batches
        int odd = rnd.nextInt(4) == 0 ? from + rnd.nextInt(to - from) : -1;
        for (int p = from; p < to; p++) {
          int f = p < rows[0] ? 0 : 1;
          int row = f == 0 ? p : p - rows[0];
          if (p == odd) {
            g.sample(all.get(p));
          } else {
            g.rows(fetches.get(f), row, row + 1);
          }
        }
        assertThat(g.rows()).isEqualTo(to - from);
        assertSameBatch(g.batch(5), collator.collate(5, all.subList(from, to)));
        from = to;
      }
    }
  }

  @Test
  void samplesThatDoNotFitTheSchemaOrTheFirstSamplesOrderAreNotPut() {
    Random rnd = new Random(4);
    FetchColumns c = new FetchColumns(FetchColumns.Layout.of(SCHEMA), 4);
    assertThat(c.put(0, sample(rnd, 0))).isTrue();
    Sample s = sample(rnd, 1);
    // another order of the same fields
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("x", s.tensor("x"));
    reordered.put("b", s.bytes("b"));
    reordered.put("r", s.tensor("r"));
    assertThat(c.put(1, Sample.of(1, reordered))).isFalse();
    assertThat(c.put(1, s.with("x", Tensor.of(new float[6], 3, 2)))).as("another shape").isFalse();
    assertThat(c.put(1, s.with("x", Tensor.of(new double[6], 2, 3)))).as("another dtype").isFalse();
    assertThat(c.put(1, s.with("r", new byte[1]))).as("bytes for numbers").isFalse();
    assertThat(c.put(1, s.with("b", Tensor.of(new int[1], 1)))).as("numbers for bytes").isFalse();
    assertThat(c.put(1, s.with("extra", new byte[1]))).as("a field more").isFalse();
    assertThat(c.put(1, s.without("r"))).as("a field less").isFalse();
    assertThat(c.put(1, s)).isTrue();
    // schemas that do not say enough for columns
    assertThat(FetchColumns.Layout.of(Map.of())).isNull();
    assertThat(FetchColumns.Layout.of(Map.of("t", new FieldSpec("t", FieldSpec.Kind.TENSOR, DType.INT8, null))))
        .isNull();
    assertThat(FetchColumns.Layout.of(Map.of("t", new FieldSpec("t", FieldSpec.Kind.RAGGED, null, null)))).isNull();
  }

  static void assertSameBatch(Batch got, Batch want) {
    assertThat(got.epoch()).isEqualTo(want.epoch());
    assertThat(got.indices()).containsExactly(want.indices());
    assertThat(got.byteSize()).isEqualTo(want.byteSize());
    assertThat(new ArrayList<>(got.fields())).containsExactlyElementsOf(want.fields());
    for (String f : want.fields()) {
      Object g = got.column(f);
      Object w = want.column(f);
      assertThat(g.getClass()).isEqualTo(w.getClass());
      if (w instanceof byte[][] wb) {
        byte[][] gb = (byte[][]) g;
        assertThat(gb.length).isEqualTo(wb.length);
        for (int i = 0; i < wb.length; i++) {
          assertThat(gb[i]).isSameAs(wb[i]);
        }
      } else if (w instanceof Tensor wt) {
        assertSameTensor((Tensor) g, wt);
      } else {
        Ragged gr = (Ragged) g;
        Ragged wr = (Ragged) w;
        assertSameTensor(gr.values(), wr.values());
        assertThat(gr.offsets()).containsExactly(wr.offsets());
        assertThat(gr.shapes()).isDeepEqualTo(wr.shapes());
      }
    }
  }

  private static void assertSameTensor(Tensor g, Tensor w) {
    assertThat(g.dtype()).isEqualTo(w.dtype());
    assertThat(g.shape()).containsExactly(w.shape());
    assertThat(java.util.Objects.deepEquals(new Object[] {g.array()}, new Object[] {w.array()})).isTrue();
  }
}
