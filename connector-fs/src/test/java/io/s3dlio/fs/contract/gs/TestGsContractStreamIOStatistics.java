package io.s3dlio.fs.contract.gs;

import io.s3dlio.fs.contract.StreamIOStatisticsContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's StreamIOStatistics contract suite on gs://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestGsContractStreamIOStatistics extends StreamIOStatisticsContract {
  @Override
  protected String scheme() {
    return "gs";
  }
}
