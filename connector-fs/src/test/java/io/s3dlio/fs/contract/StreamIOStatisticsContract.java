package io.s3dlio.fs.contract;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractStreamIOStatisticsTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;

/** Hadoop's StreamIOStatistics contract suite with the statistics our streams publish; subclasses name the scheme. */
public abstract class StreamIOStatisticsContract extends AbstractContractStreamIOStatisticsTest {

  /** The scheme under test. */
  protected abstract String scheme();

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new S3dlioContract(conf, scheme());
  }

  @Override
  public List<String> inputStreamStatisticKeys() {
    return List.of(StreamStatisticNames.STREAM_READ_BYTES, StreamStatisticNames.STREAM_READ_OPERATIONS,
        StreamStatisticNames.STREAM_READ_SEEK_OPERATIONS);
  }

  @Override
  public List<String> outputStreamStatisticKeys() {
    return List.of(StreamStatisticNames.STREAM_WRITE_BYTES, StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
  }
}
