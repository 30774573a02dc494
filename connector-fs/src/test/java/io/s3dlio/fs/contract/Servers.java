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
 * RGW, opt-in). Each scheme gets its own
 * bucket or container, because the root-directory suite empties it.
 */
final class Servers {
  static final String S3_BUCKET = "hfs-contract-s3";
  static final String GS_BUCKET = "hfs-contract-gs";
  static final String AZ_CONTAINER = "hfs-contract";
  static final String RGW_BUCKET = "hfs-contract-rgw";

  private Servers() {
  }

  static Map.Entry<URI, Map<String, String>> forScheme(String scheme) {
    switch (scheme) {
      case "s3" -> {
        S3ProxyServer s = S3ProxyServer.get();
        s.createBucket(S3_BUCKET);
        return Map.entry(URI.create("s3://" + S3_BUCKET), keys(s.storeConfig()));
      }
      case "gs" -> {
        S3ProxyServer s = S3ProxyServer.get();
        s.createBucket(GS_BUCKET);
        return Map.entry(URI.create("gs://" + GS_BUCKET), keys(s.gcsStoreConfig()));
      }
      case "rgw" -> {
        io.s3dlio.testing.RgwServer r = io.s3dlio.testing.RgwServer.get();
        r.createBucket(RGW_BUCKET);
        return Map.entry(URI.create("s3://" + RGW_BUCKET), keys(r.storeConfig()));
      }
      case "az" -> {
        AzuriteServer a = AzuriteServer.get();
        a.createContainer(AZ_CONTAINER);
        Map<String, String> m = keys(a.storeConfig());
        m.put("test.container", AZ_CONTAINER);
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
