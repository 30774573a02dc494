package io.s3dlio.store.rgw;

import io.s3dlio.store.AbstractObjectStoreContractTest;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.RgwServer;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The object-store contract for s3:// against Ceph RGW 16 with the settings docs/s3-compatibility.md
 * recommends for it. Opt-in: {@code mvn -Prgw} (needs radosgw, ceph-mon, ceph-osd).
 */
@Tag("rgw")
@EnabledIfSystemProperty(named = "s3dlio.rgw", matches = "true", disabledReason = "opt-in: mvn -Prgw")
class TestRgwObjectStoreContract extends AbstractObjectStoreContractTest {
  static final String BUCKET = "contract";

  @Override
  protected ObjectStore createStore() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.S3, RgwServer.get().storeConfig());
  }

  @Override
  protected ObjectUri testRoot() {
    RgwServer.get().createBucket(BUCKET);
    return ObjectUri.parse("s3://" + BUCKET + "/");
  }
}
