package io.s3dlio.store.faults;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTargets;
import java.net.URI;
import java.util.Map;

/** The seeded fault run of az:// against Azurite (staged blocks of 1 MiB). */
class TestAzureStoreFaults extends AbstractStoreFaultRun {
  static final String CONTAINER = "faults";

  @Override
  protected StoreConfig viaProxy(FaultProxy proxy) {
    return FaultTargets.azureViaProxy(proxy);
  }

  @Override
  protected StoreConfig withDeadline(FaultProxy proxy, String deadline, int maxRetries) {
    return viaProxy(proxy).with(Map.of("azure.call-deadline", deadline, "azure.max-retries",
        String.valueOf(maxRetries), "azure.retry-base-delay", "20ms"));
  }

  @Override
  protected Map<String, String> oneRetry() {
    return Map.of("azure.max-retries", "1", "azure.resume-attempts", "1");
  }

  @Override
  protected StoreConfig direct() {
    return AzuriteServer.get().storeConfig();
  }

  @Override
  protected URI serverEndpoint() {
    return URI.create("http://127.0.0.1:" + AzuriteServer.get().port());
  }

  @Override
  protected ObjectUri root() {
    AzuriteServer.get().createContainer(CONTAINER);
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/");
  }

  @Override
  protected FaultPlan.Dialect dialect() {
    return FaultPlan.Dialect.AZURE;
  }

  @Override
  protected int partSize() {
    return 1 << 20;
  }

  @Override
  protected ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.AZ;
  }
}
