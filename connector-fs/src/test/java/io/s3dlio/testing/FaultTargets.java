package io.s3dlio.testing;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultPlan.RequestKind;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Store settings for fault runs through a {@link FaultProxy}, the same in every module: the test
 * server's credentials, the proxy as endpoint, and short retries with a 1 s read timeout (so that
 * stalls time out fast and a run stays within seconds). Retries ({@code max-retries} 6) outnumber
 * what a {@link FaultPlan} with {@code maxFaultsPerRequest(6)} can throw at one request.
 */
public final class FaultTargets {
  private FaultTargets() {
  }

  /** The seed of the fault runs: {@code -Ds3dlio.faults.seed=N}, default 20261122. */
  public static long seed() {
    return Long.getLong("s3dlio.faults.seed", 20261122L);
  }

  /**
   * The plan of the consumers' read runs (Spark reads, the loader, the bridge): every fault kind in
   * GETs, HEADs and listings (stalls, truncations and trickles in GETs); {@code scale} multiplies
   * every rate (1: normal, 2: harsh).
   */
  public static FaultPlan readPlan(long seed, double scale) {
    return readPlanBuilder(seed, scale).build();
  }

  /**
   * {@link #readPlan}, with at most {@code maxFaultsPerRequest} faults for one request (its first
   * attempt and its retries, counted by identity): below the retries of {@link #s3RetrySettings()}
   * (6), every read must complete, where the uncapped plan can, rarely, fail one request on all
   * 7 attempts (seen in CI: four 503s and three resets on one HEAD).
   */
  public static FaultPlan readPlan(long seed, double scale, int maxFaultsPerRequest) {
    return readPlanBuilder(seed, scale).maxFaultsPerRequest(maxFaultsPerRequest).build();
  }

  private static FaultPlan.Builder readPlanBuilder(long seed, double scale) {
    RequestKind get = RequestKind.GET;
    RequestKind head = RequestKind.HEAD;
    RequestKind list = RequestKind.LIST;
    return FaultPlan.seeded(seed)
        .rate(Fault.THROTTLE, 0.05 * scale, get, head, list).throttleBurst(2)
        .rate(Fault.SERVER_ERROR, 0.03 * scale, get, head, list)
        .rate(Fault.RESET, 0.05 * scale, get, head, list)
        .rate(Fault.DROP_RESPONSE, 0.03 * scale, get, head, list)
        .rate(Fault.STALL, 0.015 * scale, get).stall(Duration.ofMillis(1500))
        .rate(Fault.TRUNCATE, 0.05 * scale, get)
        .rate(Fault.TRICKLE, 0.03 * scale, get).trickle(2048, Duration.ofMillis(1), 64 << 10);
  }

  /** Short retries, 1 s read timeout, 5 MiB parts, for s3://. */
  public static Map<String, String> s3RetrySettings() {
    return Map.of("s3.max-retries", "6", "s3.retry-base-delay", "5ms", "s3.retry-throttle-delay", "20ms",
        "s3.retry-max-delay", "200ms", "s3.read-timeout", "1s", "s3.connect-timeout", "2s",
        "s3.resume-attempts", "4", "s3.call-deadline", "30s", "s3.part-size", "5m");
  }

  /** Short retries, 1 s read timeout, 1 MiB blocks, for az://. */
  public static Map<String, String> azureRetrySettings() {
    return Map.of("azure.max-retries", "6", "azure.retry-base-delay", "5ms", "azure.retry-max-delay", "200ms",
        "azure.read-timeout", "1s", "azure.connect-timeout", "2s", "azure.resume-attempts", "4",
        "azure.call-deadline", "30s", "azure.block-size", "1m");
  }

  /** A proxy in front of the S3 test server (S3Proxy). */
  public static FaultProxy s3Proxy() {
    return FaultProxy.start(S3ProxyServer.get().endpoint());
  }

  /** A proxy in front of the Azure test server (Azurite). */
  public static FaultProxy azureProxy() {
    return FaultProxy.start(URI.create("http://127.0.0.1:" + AzuriteServer.get().port()));
  }

  /** s3:// settings through {@code proxy}. */
  public static StoreConfig s3ViaProxy(FaultProxy proxy) {
    return S3ProxyServer.get().storeConfig().with("s3.endpoint", proxy.endpoint().toString()).with(s3RetrySettings());
  }

  /** az:// settings through {@code proxy}. */
  public static StoreConfig azureViaProxy(FaultProxy proxy) {
    return AzuriteServer.get().storeConfig().with("azure.endpoint", proxy.endpoint() + "/{account}")
        .with(azureRetrySettings());
  }

  /** The same settings as Hadoop keys ({@code fs.s3dlio.<key>}), for a Configuration or Spark's {@code spark.hadoop.}. */
  public static Map<String, String> hadoopKeys(StoreConfig config) {
    Map<String, String> m = new TreeMap<>();
    for (String prefix : new String[] {"s3.", "azure.", "gcs."}) {
      config.withPrefix(prefix).forEach((k, v) -> m.put("fs.s3dlio." + k, v));
    }
    return m;
  }
}
