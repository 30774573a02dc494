package io.s3dlio.fs.contract;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The test servers behind the remote schemes, and the store keys that point at them: s3:// and
 * gs:// (through the GCS XML API stand-in) on S3Proxy, az:// on Azurite, and "rgw" (s3:// on Ceph
 * RGW, opt-in). Every contract (one per test) gets a bucket or container of its own, because the
 * root-directory suite empties and lists the whole bucket: nothing another test left behind (for
 * example an empty folder S3Proxy's filesystem store keeps for a moment after a delete) can show up in
 * another test's listing.
 */
final class Servers {
  private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();

  private Servers() {
  }

  /** A bucket name of its own for the next contract of {@code scheme}. */
  private static String fresh(String scheme) {
    return "hfs-contract-" + scheme + "-" + NEXT.incrementAndGet();
  }

  static Map.Entry<URI, Map<String, String>> forScheme(String scheme) {
    String bucket = fresh(scheme);
    switch (scheme) {
      case "s3" -> {
        S3ProxyServer s = S3ProxyServer.get();
        s.createBucket(bucket);
        return Map.entry(URI.create("s3://" + bucket), keys(s.storeConfig()));
      }
      case "gs" -> {
        S3ProxyServer s = S3ProxyServer.get();
        s.createBucket(bucket);
        return Map.entry(URI.create("gs://" + bucket), keys(s.gcsStoreConfig()));
      }
      case "rgw" -> {
        io.s3dlio.testing.RgwServer r = io.s3dlio.testing.RgwServer.get();
        r.createBucket(bucket);
        return Map.entry(URI.create("s3://" + bucket), keys(r.storeConfig()));
      }
      case "az" -> {
        AzuriteServer a = AzuriteServer.get();
        a.createContainer(bucket);
        Map<String, String> m = keys(a.storeConfig());
        m.put("test.container", bucket);
        return Map.entry(URI.create("az://" + a.account()), m);
      }
      default -> throw new IllegalStateException("No test server for " + scheme + "://");
    }
  }

  private static Map<String, String> keys(StoreConfig config) {
    Map<String, String> m = new HashMap<>();
    for (String k : new String[] {"s3.", "gcs.", "azure."}) {
      m.putAll(config.withPrefix(k));
    }
    return m;
  }
}
