package io.s3dlio.bridge.upload;

/** One partition of one unit (Spark job) of one run: what the attempts of one task upload. */
public record UploadKey(long run, int unit, int partition) {
}
