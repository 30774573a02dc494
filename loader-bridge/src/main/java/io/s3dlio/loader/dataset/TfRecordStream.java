package io.s3dlio.loader.dataset;

import io.s3dlio.loader.FetchContext;
import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.IterableDataset;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.SampleException;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The records of TFRecord files read as a stream, file after file, each with one streaming GET:
 * no index is needed, and GZIP/ZLIB files work (compression detected from the first bytes).
 * Sample {@code i} is the {@code i}-th record of the stream. A record with a bad data CRC or an
 * undecodable payload fails alone and the stream goes on; a bad length or a truncated record ends
 * its file (nothing after it can be framed), and the stream goes on with the next file.
 */
public final class TfRecordStream implements IterableDataset {
  private final StoreRegistry stores;
  private final List<ObjectStat> files;
  private final ExampleFields decoder;
  private final String fingerprint;

  private TfRecordStream(StoreRegistry stores, List<ObjectStat> files, List<TfFeature> features) {
    this.stores = stores;
    this.files = List.copyOf(files);
    this.decoder = new ExampleFields(features);
    Fingerprint fp = new Fingerprint("tfrecord-stream");
    files.forEach(fp::add);
    features.forEach(x -> fp.add(x.toString()));
    this.fingerprint = fp.hex();
  }

  /** The files {@code uris}, in order; {@code features} as for {@link TfRecordDataset}. */
  public static TfRecordStream of(StoreRegistry stores, List<ObjectUri> uris, TfFeature... features)
      throws IOException {
    return new TfRecordStream(stores, StoreObjects.stat(stores, uris), List.of(features));
  }

  /**
   * Every object under {@code prefix} except names ending in {@code .idx} and hidden names
   * ({@code _SUCCESS}, checksum files), in key order.
   */
  public static TfRecordStream fromPrefix(StoreRegistry stores, ObjectUri prefix, TfFeature... features)
      throws IOException {
    return new TfRecordStream(stores, StoreObjects.list(stores, prefix, n -> StoreObjects.isTfRecordData(n, ".idx")),
        List.of(features));
  }

  @Override
  public SampleStream open(FetchContext ctx) {
    return new SampleStream() {
      private int file = -1;
      private TfRecordReader reader;
      private long next;

      @Override
      public Sample next() throws IOException {
        while (true) {
          if (reader == null) {
            if (++file >= files.size()) {
              return null;
            }
            ObjectUri uri = files.get(file).uri();
            long t0 = System.nanoTime();
            InputStream in = stores.storeFor(uri).openRange(uri, 0, -1);
            ctx.request(System.nanoTime() - t0, files.get(file).size());
            reader = TfRecordReader.open(in, uri.toString(), ReaderOptions.DEFAULT);
          }
          String uri = reader.source();
          byte[] payload;
          try {
            payload = reader.next();
          } catch (TfRecordFormatException e) {
            if (e.problem() != TfRecordFormatException.Problem.BAD_DATA_CRC) {
              closeReader();
            }
            throw SampleException.of(next++, uri, e.offset(), e);
          }
          if (payload == null) {
            closeReader();
            continue;
          }
          long index = next++;
          try {
            return decoder.decode(index, payload, uri, reader.lastOffset());
          } catch (TfRecordFormatException e) {
            throw SampleException.of(index, uri, e.offset(), e);
          }
        }
      }

      private void closeReader() throws IOException {
        if (reader != null) {
          reader.close();
          reader = null;
        }
      }

      @Override
      public void close() throws IOException {
        closeReader();
        file = files.size();
      }
    };
  }

  @Override
  public Map<String, FieldSpec> schema() {
    return decoder.schema();
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }
}
