package io.s3dlio.bridge.upload;

import java.io.Serializable;

/**
 * Where the executor tasks of one Spark job (one unit of a run) hand their encoded partitions: the
 * feed's inbox, in the same JVM when the task runs in the driver's (local mode), else over TCP at
 * {@code host:port} with the feed's upload secret. Plain values, shipped in the task closure.
 *
 * @param feedId the feed
 * @param run the run's serial number
 * @param unit the unit's index in the run
 * @param host the driver's upload address as executors reach it
 * @param port the driver's upload port
 * @param secret the feed's upload secret (not the ranks' token: it only lets a task upload)
 * @param tcpOnly never hand over in memory, even in the driver's JVM (tests, and measuring the TCP path)
 */
public record UploadTarget(String feedId, long run, int unit, String host, int port, String secret, boolean tcpOnly)
    implements Serializable {

  public UploadKey key(int partition) {
    return new UploadKey(run, unit, partition);
  }

  @Override
  public String toString() { // no secret
    return "UploadTarget[feed " + feedId + ", run " + run + ", unit " + unit + ", " + host + ":" + port + "]";
  }
}
