package io.s3dlio.fs.contract.rgw;

import io.s3dlio.fs.contract.S3dlioContract;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.apache.hadoop.fs.contract.AbstractContractCreateTest;

/** Hadoop's Create contract suite on s3:// against Ceph RGW 16 (opt-in: mvn -Prgw). */
@Tag("rgw-contract")
@EnabledIfSystemProperty(named = "s3dlio.rgw-contract", matches = "true",
    disabledReason = "opt-in: mvn -Prgw")
public class TestRgwContractCreate extends AbstractContractCreateTest {

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, "rgw");
  }
}
