package io.s3dlio.npz.spark;

/**
 * Throws a checked exception through a Scala-defined method that declares none, keeping its class
 * (Spark's file readers act on {@code FileNotFoundException} and {@code IOException}).
 */
final class Sneaky {
  private Sneaky() {
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException rethrow(Throwable t) throws E {
    throw (E) t;
  }
}
