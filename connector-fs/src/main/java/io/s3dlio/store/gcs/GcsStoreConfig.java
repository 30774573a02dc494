package io.s3dlio.store.gcs;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreKeys;
import io.s3dlio.store.s3.S3StoreConfig;
import java.net.URI;

/**
 * Settings of gs://, served through GCS's S3-compatible XML API with HMAC keys. Tested against an
 * S3-compatible server (S3Proxy), not against Google Cloud Storage itself. Keys: {@link StoreKeys#GCS}.
 *
 * <p>The keys are the {@code s3.*} keys of {@link S3StoreConfig} with the {@code gcs.} prefix
 * ({@code gcs.max-connections}, {@code gcs.part-size}, {@code gcs.read-timeout}, ...), with these
 * differences:
 * <ul>
 *   <li>{@link #ENDPOINT} defaults to {@value #ENDPOINT_DEFAULT};</li>
 *   <li>{@link #REGION} defaults to {@value #REGION_DEFAULT} (what GCS expects in SigV4);</li>
 *   <li>{@link #ACCESS_KEY} and {@link #SECRET_KEY} (an HMAC key of a service account) are
 *       required: there is no profile or default chain for GCS here;</li>
 *   <li>path-style addressing always;</li>
 *   <li>checksums {@code when_required} both ways by default ({@code gcs.checksum-calculation},
 *       {@code gcs.checksum-validation}): the XML API does not take the SDK's aws-chunked bodies
 *       with trailing flexible checksums;</li>
 *   <li>no DeleteObjects in the XML API: {@code deleteAll} deletes keys one by one,
 *       {@link #DELETE_PARALLELISM} at once;</li>
 *   <li>a conditional create sends {@code x-goog-if-generation-match: 0} on a single PUT; the XML
 *       API takes no preconditions on multipart uploads, so a larger streaming create checks with
 *       HEAD before it starts and before it completes (not atomic).</li>
 * </ul>
 */
public final class GcsStoreConfig {
  public static final String PREFIX = "gcs.";

  /** XML API endpoint: {@value #ENDPOINT_DEFAULT}. */
  public static final String ENDPOINT = StoreKeys.GCS_ENDPOINT.name();
  public static final String ENDPOINT_DEFAULT = StoreKeys.GCS_ENDPOINT.defaultValue();

  /** Signing region: {@value #REGION_DEFAULT}. */
  public static final String REGION = StoreKeys.GCS_REGION.name();
  public static final String REGION_DEFAULT = StoreKeys.GCS_REGION.defaultValue();

  /** HMAC access id (required). */
  public static final String ACCESS_KEY = StoreKeys.GCS_ACCESS_KEY.name();

  /** HMAC secret (required); never printed or logged. */
  public static final String SECRET_KEY = StoreKeys.GCS_SECRET_KEY.name();

  /** Single deletes in flight at once in {@code deleteAll}. Default {@value #DELETE_PARALLELISM_DEFAULT}. */
  public static final String DELETE_PARALLELISM = "gcs." + StoreKeys.S3_DELETE_PARALLELISM.suffix();
  public static final int DELETE_PARALLELISM_DEFAULT = StoreKeys.S3_DELETE_PARALLELISM.intDefault();

  private GcsStoreConfig() {
  }

  /** Resolves the {@code gcs.*} keys of {@code config} into S3-backend settings for gs://. */
  public static S3StoreConfig from(StoreConfig config) {
    if (config.get(ACCESS_KEY).isEmpty() || config.get(SECRET_KEY).isEmpty()) {
      throw new IllegalArgumentException("Cannot open a gs:// store: set " + ACCESS_KEY + " and " + SECRET_KEY
          + " (an HMAC key for GCS's XML API)");
    }
    return S3StoreConfig.builder(ObjectUri.Scheme.GS)
        .endpoint(URI.create(ENDPOINT_DEFAULT))
        .region(REGION_DEFAULT)
        .checksums(S3StoreConfig.ChecksumMode.WHEN_REQUIRED, S3StoreConfig.ChecksumMode.WHEN_REQUIRED)
        .singleDeletes(DELETE_PARALLELISM_DEFAULT)
        .conditionalCreate(S3StoreConfig.ConditionalCreate.GCS_GENERATION_MATCH)
        .read(config, PREFIX)
        .pathStyle(true)
        .build();
  }
}
