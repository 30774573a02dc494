package io.s3dlio.fs.contract.direct;

import io.s3dlio.fs.contract.S3dlioContract;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.apache.hadoop.fs.contract.AbstractContractRootDirectoryTest;

/** Hadoop's RootDirectory contract suite on direct://. */
@Tag("hadoop-contract")
@EnabledIfSystemProperty(named = "s3dlio.hadoop-contract", matches = "true",
    disabledReason = "runs in the hadoop-contract surefire execution")
public class TestDirectContractRootDirectory extends AbstractContractRootDirectoryTest {

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, "direct");
  }
}
