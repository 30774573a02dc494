package io.s3dlio.tfrecord.keys;

/** What building a key index does when a key is seen again. */
public enum DuplicatePolicy {
  /** Keep the first record (in file order, then offset order); count the later ones per file. */
  FIRST_WINS,
  /** Fail, naming the key and both places. */
  ERROR
}
