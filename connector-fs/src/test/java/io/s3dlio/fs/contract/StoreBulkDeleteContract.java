package io.s3dlio.fs.contract;

import io.s3dlio.fs.S3dlioFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractBulkDeleteTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;

/** Hadoop's BulkDelete contract suite on any of our schemes: subclasses name the scheme. */
public abstract class StoreBulkDeleteContract extends AbstractContractBulkDeleteTest {

  /** The scheme under test. */
  protected abstract String scheme();

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, scheme());
  }

  /** The store's bulk-delete page size (S3 DeleteObjects: 1000 keys; Azure batch: 256; gs: 1; local: 1000). */
  @Override
  protected int getExpectedPageSize() {
    return ((S3dlioFileSystem) getFileSystem()).store().bulkDeletePageSize();
  }
}
