package io.s3dlio.fs.contract;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractRenameTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Hadoop's Rename contract suite on the schemes tested against S3Proxy (s3, and gs through the
 * XML API): subclasses name the scheme.
 */
public abstract class S3ProxyRenameContract extends AbstractContractRenameTest {

  /** The scheme under test. */
  protected abstract String scheme();

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, scheme());
  }

  /**
   * SKIPPED against S3Proxy only: its filesystem backend stores objects as files, so a HEAD of
   * {@code file/child} (a key under an existing object) answers HTTP 500 instead of 404. The
   * rename itself is refused correctly; only the suite's final "does not exist" probe fails.
   */
  @Override
  @Test
  public void testRenameFileUnderFile() {
    Assumptions.assumeTrue(false, "S3Proxy filesystem backend: HEAD of a key under an object is HTTP 500");
  }

  /** SKIPPED against S3Proxy only: as {@link #testRenameFileUnderFile()}. */
  @Override
  @Test
  public void testRenameFileUnderFileSubdir() {
    Assumptions.assumeTrue(false, "S3Proxy filesystem backend: HEAD of a key under an object is HTTP 500");
  }
}
