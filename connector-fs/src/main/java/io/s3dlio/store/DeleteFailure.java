package io.s3dlio.store;

/** One key a bulk delete could not remove, with the store's reason. */
public record DeleteFailure(ObjectUri uri, String reason) {
}
