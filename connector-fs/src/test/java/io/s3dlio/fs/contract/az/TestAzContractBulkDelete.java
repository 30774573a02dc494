package io.s3dlio.fs.contract.az;

import io.s3dlio.fs.contract.ObjectStoreBulkDeleteContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's BulkDelete contract suite on az://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestAzContractBulkDelete extends ObjectStoreBulkDeleteContract {
  @Override
  protected String scheme() {
    return "az";
  }
}
