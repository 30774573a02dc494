package io.s3dlio.fs.contract.s3;

import io.s3dlio.fs.contract.S3dlioContract;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import io.s3dlio.fs.S3dlioFileSystem;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.AbstractContractBulkDeleteTest;
import org.junit.jupiter.api.Test;

/**
 * Hadoop's BulkDelete contract suite on s3://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestS3ContractBulkDelete extends AbstractContractBulkDeleteTest {

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, "s3");
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

  /**
   * Overridden as S3A's ITestS3AContractBulkDelete does: on an object store a directory path
   * names no object, so deleting it succeeds and removes nothing (the base suite expects the
   * local-filesystem outcome, a failure entry for a non-empty directory).
   */
  @Override
  @Test
  public void testBulkDeleteParentDirectoryWithDirectories() throws Exception {
    Path dir = new Path(basePath, "dir");
    Path sub = new Path(dir, "subdir");
    fs.mkdirs(sub);
    assertSuccessfulBulkDelete(org.apache.hadoop.io.wrappedio.WrappedIO.bulkDelete_delete(fs, basePath, List.of(dir)));
    assertIsDirectory(dir);
    assertIsDirectory(sub);
  }

  /** As {@link #testBulkDeleteParentDirectoryWithDirectories()}, with a file under the directory. */
  @Override
  @Test
  public void testBulkDeleteParentDirectoryWithFiles() throws Exception {
    Path dir = new Path(basePath, "dir");
    Path file = new Path(dir, "file");
    fs.mkdirs(dir);
    org.apache.hadoop.fs.contract.ContractTestUtils.touch(fs, file);
    assertSuccessfulBulkDelete(org.apache.hadoop.io.wrappedio.WrappedIO.bulkDelete_delete(fs, basePath, List.of(dir)));
    assertIsDirectory(dir);
    assertIsFile(file);
  }
}
