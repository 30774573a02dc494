package io.s3dlio.tfrecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The golden files (system property {@code s3dlio.golden.dir}) and their MANIFEST.tsv facts. */
public final class Golden {
  private static final Pattern COUNTS = Pattern.compile("^(\\d+) records; compression=(\\w+);.*");

  private Golden() {
  }

  /**
   * The golden folder: {@code testdata/golden} of the checkout, set as {@code s3dlio.golden.dir}
   * by the parent pom.
   */
  public static Path dir() {
    String prop = System.getProperty("s3dlio.golden.dir");
    if (prop == null) {
      throw new IllegalStateException("System property s3dlio.golden.dir is not set (the parent pom sets it)");
    }
    Path p = Path.of(prop).toAbsolutePath().normalize();
    if (Files.isDirectory(p)) {
      return p;
    }
    throw new IllegalStateException("Golden folder " + p + " (s3dlio.golden.dir) does not exist");
  }

  public static Path file(String relative) {
    return dir().resolve(relative);
  }

  /** A golden TFRecord file and what MANIFEST.tsv says about it. */
  public record TfFile(String path, long records, String compression, String contents) {
    public Path local() {
      return file(path);
    }

    /** The name of its DALI index in dali/generated ("tfrecord/a/b" becomes "a__b"). */
    public String indexStem() {
      return path.substring("tfrecord/".length()).replace("/", "__");
    }

    @Override
    public String toString() {
      return path;
    }
  }

  /** Every good (non-derived) TFRecord file of the manifest, with its record count. */
  public static List<TfFile> goodTfrecordFiles() {
    List<TfFile> out = new ArrayList<>();
    for (Map.Entry<String, String> e : manifestContents().entrySet()) {
      if (!e.getKey().startsWith("tfrecord/") || e.getKey().startsWith("tfrecord/derived/")) {
        continue;
      }
      Matcher m = COUNTS.matcher(e.getValue());
      if (m.matches() && e.getValue().contains("all CRCs ok")) {
        out.add(new TfFile(e.getKey(), Long.parseLong(m.group(1)), m.group(2), e.getValue()));
      }
    }
    return out;
  }

  /** local_file -> contents column of MANIFEST.tsv. */
  public static Map<String, String> manifestContents() {
    try {
      Map<String, String> m = new LinkedHashMap<>();
      List<String> lines = Files.readAllLines(file("MANIFEST.tsv"));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split("\t", -1);
        m.put(f[0], f[f.length - 1]);
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
