package io.s3dlio.tfrecord.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.keys.KeyIndex;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store suite on a real S3 server (S3Proxy, run as its own process). */
class TestTfrecordS3Store extends AbstractTfrecordStoreTest {
  private static final String BUCKET = "tfrecord-tests";

  @Override
  protected StoreConfig config() {
    return S3ProxyServer.get().storeConfig().with("s3.max-retries", "1");
  }

  @Override
  protected String testRoot() {
    S3ProxyServer.get().createBucket(BUCKET);
    return "s3://" + BUCKET + "/";
  }

  /** The wire, seen through a recording proxy: a lookup is exactly one ranged GET. */
  @Test
  void keyLookupIsOneRangeGet() throws IOException {
    writeShard("onget/a.tfrecord", Compression.NONE, 0, 200);
    KeyIndex built = KeyIndex.openOrBuild(stores, List.of(root + "onget/"), "id", null, KeyIndex.BuildOptions.DEFAULT);
    try (FaultProxy proxy = FaultProxy.start(S3ProxyServer.get().endpoint());
        StoreRegistry viaProxy = new StoreRegistry(config().with("s3.endpoint", proxy.endpoint().toString()))) {
      KeyIndex idx = KeyIndex.open(viaProxy, built.location());
      proxy.reset();
      assertThat(idx.get(idx.parseKey("id-123"))).isEqualTo(example("id-123", 123, (123 * 37) % 3000));
      List<String> heads = proxy.requestHeads();
      assertThat(heads).hasSize(1);
      assertThat(heads.get(0)).startsWith("GET ").containsIgnoringCase("range: bytes=");
    }
  }
}
