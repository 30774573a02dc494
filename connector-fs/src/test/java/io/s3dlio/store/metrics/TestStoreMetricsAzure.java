package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import java.util.List;
import java.util.Map;

/**
 * Store metrics and the operation log against Azurite, with 1 MiB staged blocks; the failing
 * store uses a forged SAS token, whose signature must not reach the log.
 */
class TestStoreMetricsAzure extends AbstractStoreMetricsTest {
  private static final String CONTAINER = "metrics";
  private static final String FAKE_SIG = "Zm9yZ2VkU2lnbmF0dXJlMTIzNDU2Nzg5MA";
  private static final String SAS = "sv=2021-08-06&ss=b&srt=sco&sp=rwdl&se=2099-01-01T00:00:00Z&sig=" + FAKE_SIG
      + "%3D";

  @Override
  protected ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.AZ;
  }

  @Override
  protected StoreConfig config() {
    return AzuriteServer.get().storeConfig().with("azure.block-size", "1m");
  }

  @Override
  protected ObjectUri root() {
    AzuriteServer.get().createContainer(CONTAINER);
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/");
  }

  @Override
  protected int partSize() {
    return 1 << 20;
  }

  @Override
  protected StoreConfig wrongCredentials(StoreConfig good) {
    return StoreConfig.of(Map.of("azure.auth", "sas", "azure.sas-token", SAS,
        "azure.endpoint", AzuriteServer.get().endpointTemplate(),
        MetricsKeys.OPLOG_FILE, good.get(MetricsKeys.OPLOG_FILE, "")));
  }

  @Override
  protected List<String> secrets() {
    return List.of(AzuriteServer.KEY, FAKE_SIG);
  }
}
