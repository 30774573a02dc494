package io.s3dlio.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.s3dlio.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The run {@code bin/s3dlio} makes its class-data sharing archive from
 * ({@code java -XX:ArchiveClassesAtExit=... io.s3dlio.cli.ArchiveWarmUp}): {@code put}, {@code ls} and
 * {@code get} (several ranged GETs at once) of one small object through the S3 client, against a
 * minimal S3 endpoint in this JVM on 127.0.0.1, so that the classes of a successful transfer (the
 * SDK's request and response pipeline, the response models and XML unmarshalling, the download
 * threads) are archived, not only those of a failed connection. An archive made from a request
 * to a closed port left 2,200 of the 4,200 classes of a real {@code get} out of it
 * (docs/performance.md). The endpoint and credentials are set here ({@code bin/cli-jvm.sh} runs it
 * with an empty environment). Prints nothing unless a command fails; the exit code is 0 either way.
 */
public final class ArchiveWarmUp {
  private static final String BUCKET = "s3dlio-warm-up";
  private static final String ETAG = "\"0123456789abcdef0123456789abcdef\"";
  private static final byte[] DATA = new byte[4096];

  private ArchiveWarmUp() {
  }

  public static void main(String[] args) throws IOException {
    for (String failure : run(StoreConfig.fromEnvironment())) {
      System.err.println("s3dlio warm-up: " + failure);
    }
  }

  /** Runs the commands with {@code config} (the endpoint and credentials set here); returns what failed. */
  static List<String> run(StoreConfig config) throws IOException {
    Arrays.fill(DATA, (byte) 'x');
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", ArchiveWarmUp::answer);
    server.start();
    Path dir = Files.createTempDirectory("s3dlio-warm-up");
    List<String> failures = new ArrayList<>();
    try {
      Path file = dir.resolve("object");
      Files.write(file, DATA);
      String[] settings = {"--set", "s3.endpoint=http://127.0.0.1:" + server.getAddress().getPort(),
          "--set", "s3.path-style=true", "--set", "s3.region=us-east-1", "--set", "s3.access-key=warm-up",
          "--set", "s3.secret-key=warm-up", "--set", "s3.max-retries=0"};
      String uri = "s3://" + BUCKET + "/object";
      run(config, settings, failures, "put", file.toString(), uri);
      run(config, settings, failures, "ls", "s3://" + BUCKET + "/");
      // parts of 1 KiB: four ranged GETs on the download threads
      run(config, settings, failures, "get", "--set", "range-part-size=1k", uri, "-o", dir.resolve("copy").toString());
      if (failures.isEmpty() && !Arrays.equals(Files.readAllBytes(dir.resolve("copy")), DATA)) {
        failures.add("get: wrong bytes");
      }
    } finally {
      server.stop(0);
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
    return failures;
  }

  private static void run(StoreConfig config, String[] settings, List<String> failures, String... command) {
    String[] args = new String[settings.length + command.length];
    System.arraycopy(settings, 0, args, 0, settings.length);
    System.arraycopy(command, 0, args, settings.length, command.length);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args, config, new PrintStream(OutputStream.nullOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    if (code != 0) {
      failures.add(String.join(" ", command) + " exited with " + code + ": " + err.toString(StandardCharsets.UTF_8).trim());
    }
  }

  /** The few S3 answers the commands above need: PUT, HEAD, ranged GET of the object, ListObjectsV2. */
  private static void answer(HttpExchange ex) throws IOException {
    try (ex; InputStream in = ex.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
      var h = ex.getResponseHeaders();
      h.set("ETag", ETAG);
      h.set("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
      String method = ex.getRequestMethod();
      boolean list = ex.getRequestURI().getPath().equals("/" + BUCKET + "/")
          || ex.getRequestURI().getPath().equals("/" + BUCKET);
      if (method.equals("PUT")) {
        ex.sendResponseHeaders(200, -1);
      } else if (method.equals("HEAD")) {
        h.set("Content-Length", String.valueOf(DATA.length));
        ex.sendResponseHeaders(200, -1);
      } else if (list) {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult "
            + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name><Prefix></Prefix>"
            + "<KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>"
            + "<Contents><Key>object</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>" + ETAG
            + "</ETag><Size>" + DATA.length + "</Size><StorageClass>STANDARD</StorageClass></Contents>"
            + "</ListBucketResult>").getBytes(StandardCharsets.UTF_8);
        h.set("Content-Type", "application/xml");
        ex.sendResponseHeaders(200, xml.length);
        ex.getResponseBody().write(xml);
      } else {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int to = DATA.length - 1;
        if (range != null && range.startsWith("bytes=")) {
          String[] r = range.substring(6).split("-", 2);
          from = Integer.parseInt(r[0]);
          to = r[1].isEmpty() ? to : Math.min(to, Integer.parseInt(r[1]));
          h.set("Content-Range", "bytes " + from + "-" + to + "/" + DATA.length);
        }
        h.set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(range != null ? 206 : 200, to - from + 1);
        ex.getResponseBody().write(DATA, from, to - from + 1);
      }
    }
  }
}
