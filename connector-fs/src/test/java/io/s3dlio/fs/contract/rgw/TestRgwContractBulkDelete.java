package io.s3dlio.fs.contract.rgw;

import io.s3dlio.fs.contract.ObjectStoreBulkDeleteContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Hadoop's BulkDelete contract suite on s3:// against Ceph RGW 16 (opt-in: mvn -Prgw). */
@Tag("rgw-contract")
@EnabledIfSystemProperty(named = "s3dlio.rgw-contract", matches = "true",
    disabledReason = "opt-in: mvn -Prgw")
public class TestRgwContractBulkDelete extends ObjectStoreBulkDeleteContract {
  @Override
  protected String scheme() {
    return "rgw";
  }
}
