package io.s3dlio.fs.contract.file;

import io.s3dlio.fs.contract.S3dlioContract;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import io.s3dlio.fs.S3dlioFileSystem;
import org.apache.hadoop.fs.contract.AbstractContractBulkDeleteTest;

/** Hadoop's BulkDelete contract suite on file://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestFileContractBulkDelete extends AbstractContractBulkDeleteTest {

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, "file");
  }

  /** The store's bulk-delete page size (S3 DeleteObjects: 1000 keys). */
  @Override
  protected int getExpectedPageSize() {
    try {
      return ((S3dlioFileSystem) getFileSystem()).store().bulkDeletePageSize();
    } catch (RuntimeException e) {
      throw e;
    }
  }
}
