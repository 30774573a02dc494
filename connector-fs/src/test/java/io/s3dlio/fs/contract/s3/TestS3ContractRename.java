package io.s3dlio.fs.contract.s3;

import io.s3dlio.fs.contract.S3ProxyRenameContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's Rename contract suite on s3://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestS3ContractRename extends S3ProxyRenameContract {
  @Override
  protected String scheme() {
    return "s3";
  }
}
