package io.s3dlio.fs.contract.direct;

import io.s3dlio.fs.contract.StoreBulkDeleteContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's BulkDelete contract suite on direct://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestDirectContractBulkDelete extends StoreBulkDeleteContract {
  @Override
  protected String scheme() {
    return "direct";
  }
}
