package io.s3dlio.fs.contract.file;

import io.s3dlio.fs.contract.StoreBulkDeleteContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's BulkDelete contract suite on file://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestFileContractBulkDelete extends StoreBulkDeleteContract {
  @Override
  protected String scheme() {
    return "file";
  }
}
