package io.s3dlio.loader.dataset;

import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.MapDataset;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.SampleException;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One sample per object: its bytes in the field {@link #FIELD}. The objects are those under a
 * prefix (listed once, in key order) or a given list of URIs (each stat-ed once). Each sample is
 * one GET.
 */
public final class RawObjectDataset implements MapDataset {
  /** The field that holds an object's bytes. */
  public static final String FIELD = "data";

  private final StoreRegistry stores;
  private final List<ObjectStat> objects;
  private final String fingerprint;

  private RawObjectDataset(StoreRegistry stores, List<ObjectStat> objects) {
    this.stores = stores;
    this.objects = List.copyOf(objects);
    Fingerprint f = new Fingerprint("raw");
    objects.forEach(f::add);
    this.fingerprint = f.hex();
  }

  /** Every object under {@code prefix} (recursively), in key order. */
  public static RawObjectDataset fromPrefix(StoreRegistry stores, ObjectUri prefix) throws IOException {
    return new RawObjectDataset(stores, StoreObjects.list(stores, prefix, name -> true));
  }

  /** The objects {@code uris}, in that order. */
  public static RawObjectDataset fromUris(StoreRegistry stores, List<ObjectUri> uris) throws IOException {
    return new RawObjectDataset(stores, StoreObjects.stat(stores, uris));
  }

  /** The object of sample {@code index}. */
  public ObjectUri uri(long index) {
    return objects.get(checkIndex(index)).uri();
  }

  private int checkIndex(long index) {
    if (index < 0 || index >= objects.size()) {
      throw new IndexOutOfBoundsException("Sample " + index + " is outside [0, " + objects.size() + ")");
    }
    return (int) index;
  }

  @Override
  public long size() {
    return objects.size();
  }

  @Override
  public Sample get(long index) throws IOException {
    ObjectUri uri = uri(index);
    try {
      return Sample.ofBytes(index, FIELD, stores.storeFor(uri).get(uri));
    } catch (IOException e) {
      throw SampleException.of(index, uri.toString(), 0, e);
    }
  }

  /** Each object on its own: the loader fetches them at once. */
  @Override
  public List<int[]> split(long[] indices) {
    List<int[]> parts = new java.util.ArrayList<>(indices.length);
    for (int i = 0; i < indices.length; i++) {
      parts.add(new int[] {i});
    }
    return parts;
  }

  @Override
  public String describe(long index) {
    return uri(index).toString();
  }

  @Override
  public long estimateBytes(long index) {
    return objects.get(checkIndex(index)).size();
  }

  @Override
  public Map<String, FieldSpec> schema() {
    return Map.of(FIELD, FieldSpec.bytes(FIELD));
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }
}
