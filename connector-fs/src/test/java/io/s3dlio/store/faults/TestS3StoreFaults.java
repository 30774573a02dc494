package io.s3dlio.store.faults;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTargets;
import io.s3dlio.testing.S3ProxyServer;
import java.net.URI;
import java.util.Map;

/** The seeded fault run of s3:// against S3Proxy (multipart parts of 5 MiB). */
class TestS3StoreFaults extends AbstractStoreFaultRun {
  static final String BUCKET = "faults";

  @Override
  protected StoreConfig viaProxy(FaultProxy proxy) {
    return FaultTargets.s3ViaProxy(proxy);
  }

  @Override
  protected StoreConfig withDeadline(FaultProxy proxy, String deadline, int maxRetries) {
    return viaProxy(proxy).with(Map.of("s3.call-deadline", deadline, "s3.max-retries", String.valueOf(maxRetries),
        "s3.retry-base-delay", "20ms", "s3.retry-throttle-delay", "20ms"));
  }

  @Override
  protected Map<String, String> oneRetry() {
    return Map.of("s3.max-retries", "1", "s3.resume-attempts", "1");
  }

  @Override
  protected StoreConfig direct() {
    return S3ProxyServer.get().storeConfig();
  }

  @Override
  protected URI serverEndpoint() {
    return S3ProxyServer.get().endpoint();
  }

  @Override
  protected ObjectUri root() {
    S3ProxyServer.get().createBucket(BUCKET);
    return ObjectUri.parse("s3://" + BUCKET + "/");
  }

  @Override
  protected FaultPlan.Dialect dialect() {
    return FaultPlan.Dialect.S3;
  }

  @Override
  protected int partSize() {
    return 5 * MIB;
  }

  @Override
  protected ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.S3;
  }
}
