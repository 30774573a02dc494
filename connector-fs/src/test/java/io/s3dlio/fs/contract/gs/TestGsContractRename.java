package io.s3dlio.fs.contract.gs;

import io.s3dlio.fs.contract.S3ProxyRenameContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's Rename contract suite on gs://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestGsContractRename extends S3ProxyRenameContract {
  @Override
  protected String scheme() {
    return "gs";
  }
}
