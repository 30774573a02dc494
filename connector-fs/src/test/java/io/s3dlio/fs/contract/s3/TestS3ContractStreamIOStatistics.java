package io.s3dlio.fs.contract.s3;

import io.s3dlio.fs.contract.StreamIOStatisticsContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's StreamIOStatistics contract suite on s3://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestS3ContractStreamIOStatistics extends StreamIOStatisticsContract {
  @Override
  protected String scheme() {
    return "s3";
  }
}
