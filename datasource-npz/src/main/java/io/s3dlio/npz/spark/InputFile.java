package io.s3dlio.npz.spark;

import java.io.Serializable;

/** One input file and its size, as listed on the driver. */
record InputFile(String uri, long size) implements Serializable {
}
