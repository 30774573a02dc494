package io.s3dlio.fs.contract;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.ContractTestUtils;
import org.apache.hadoop.io.wrappedio.WrappedIO;
import org.junit.jupiter.api.Test;

/** Hadoop's BulkDelete contract suite on an object store (s3, gs, az), where a directory names no object. */
public abstract class ObjectStoreBulkDeleteContract extends StoreBulkDeleteContract {

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
    assertSuccessfulBulkDelete(WrappedIO.bulkDelete_delete(fs, basePath, List.of(dir)));
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
    ContractTestUtils.touch(fs, file);
    assertSuccessfulBulkDelete(WrappedIO.bulkDelete_delete(fs, basePath, List.of(dir)));
    assertIsDirectory(dir);
    assertIsFile(file);
  }
}
