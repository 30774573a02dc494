package io.s3dlio.loader.dataset;

import com.google.protobuf.ByteString;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test data: TFRecord files with DALI indexes, Examples, golden files, and Python-made files. */
public final class Fixtures {
  private Fixtures() {
  }

  /** The golden folder (system property s3dlio.golden.dir, set by the parent pom). */
  public static Path golden(String relative) {
    return Path.of(System.getProperty("s3dlio.golden.dir")).resolve(relative);
  }

  /** Example {@code id} of the synthetic data: id, emb = [id, id + .5, -id, 1], blob = id repeated. */
  public static byte[] example(long id, int blobBytes) {
    byte[] blob = new byte[blobBytes];
    java.util.Arrays.fill(blob, (byte) id);
    return Example.newBuilder().setFeatures(Features.newBuilder()
        .putFeature("id", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(id)).build())
        .putFeature("emb", Feature.newBuilder().setFloatList(FloatList.newBuilder()
            .addValue(id).addValue(id + 0.5f).addValue(-id).addValue(1f)).build())
        .putFeature("blob", Feature.newBuilder().setBytesList(BytesList.newBuilder()
            .addValue(ByteString.copyFrom(blob))).build())
        .putFeature("name", Feature.newBuilder().setBytesList(BytesList.newBuilder()
            .addValue(ByteString.copyFrom("n" + id, StandardCharsets.UTF_8))).build())
        .build()).build().toByteArray();
  }

  /** A TFRecord file of {@code payloads}. */
  public static byte[] tfrecord(List<byte[]> payloads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TfRecordWriter w = new TfRecordWriter(out, Compression.NONE)) {
      for (byte[] p : payloads) {
        w.write(p);
      }
    }
    return out.toByteArray();
  }

  /** Synthetic Examples {@code [first, first + n)}. */
  public static List<byte[]> examples(long first, int n, int blobBytes) {
    List<byte[]> out = new ArrayList<>();
    for (long i = first; i < first + n; i++) {
      out.add(example(i, blobBytes));
    }
    return out;
  }

  /** Writes {@code data} as {@code uri} and its DALI index beside it ({@code uri.idx}). */
  public static void putIndexed(StoreRegistry stores, ObjectUri uri, byte[] data) throws IOException {
    stores.storeFor(uri).put(uri, data);
    new DaliIndexer(stores).index(uri, null, IndexOptions.DEFAULT.withOverwrite(true));
  }

  public static StoreRegistry localStores() {
    return new StoreRegistry(StoreConfig.EMPTY);
  }

  public static ObjectUri local(Path p) {
    return ObjectUri.local(ObjectUri.Scheme.FILE, p.toAbsolutePath().toString());
  }

  /** Runs {@code script} with Debian's /usr/bin/python3 (numpy, h5py) in {@code dir}; fails with its output. */
  public static String python(Path dir, String script) throws IOException, InterruptedException {
    Path py = dir.resolve("make.py");
    Files.writeString(py, script);
    Process p = new ProcessBuilder("/usr/bin/python3", py.toString()).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("/usr/bin/python3 failed:\n" + out);
    }
    return out;
  }
}
