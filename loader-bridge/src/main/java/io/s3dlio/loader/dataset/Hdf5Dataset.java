package io.s3dlio.loader.dataset;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.s3dlio.loader.DType;
import io.s3dlio.loader.FetchContext;
import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.Tensor;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.lang.reflect.Array;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Samples along axis 0 of chosen datasets of HDF5 files, read with jhdf (pure Java; contiguous
 * and chunked layouts, gzip/deflate, shuffle, LZF and the other filters jhdf knows): sample
 * {@code i} holds row {@code i - start(f)} of each chosen dataset of file {@code f}, as a tensor
 * of the dataset's type and row shape. A batch's neighbouring rows are read with one slice read.
 *
 * <p>Local files ({@code file://}) are memory-mapped by jhdf. Remote objects (s3, az, gs) are
 * read through jhdf's channel API ({@code HdfFile(SeekableByteChannel, URI)}) over a
 * {@link StoreChannel}: range GETs of {@code blockSize} bytes (default 1 MiB), the last
 * {@code cacheBlocks} (default 16) kept per file. The file's metadata (superblock, object
 * headers, B-trees) is read on open and when a chunk index is first walked; a row read then costs
 * the blocks that hold its chunks or its contiguous bytes. Nothing is downloaded whole, and
 * nothing is written to local disk.
 *
 * <p>jhdf objects are not thread-safe, so reads of one file are serialised (reads of different
 * files run in parallel). Numeric types only (jhdf widens unsigned integers to the next wider
 * signed type, exactly: uint8 comes out as INT16, uint16 as INT32, uint32 as INT64).
 */
public final class Hdf5Dataset extends RowDataset {
  private final HdfFile[] hdf;
  private final StoreChannel[] channels;
  private final Dataset[][] datasets;
  private final String fingerprint;

  private Hdf5Dataset(List<String> paths, String[] names, HdfFile[] hdf, StoreChannel[] channels, Dataset[][] datasets,
      long[] rows, List<FieldSpec> specs, Builder b, String fingerprint) {
    super(paths, names, rows, specs, b.coalesceGap, b.maxRequestBytes);
    this.hdf = hdf;
    this.channels = channels;
    this.datasets = datasets;
    this.fingerprint = fingerprint;
  }

  public static Builder builder(StoreRegistry stores) {
    return new Builder(stores);
  }

  @Override
  Tensor readRows(int f, int a, long first, int count, FetchContext ctx) throws IOException {
    Dataset d = datasets[f][a];
    int[] dims = d.getDimensions();
    long[] offset = new long[dims.length];
    offset[0] = first;
    int[] shape = dims.clone();
    shape[0] = count;
    Object nested;
    synchronized (hdf[f]) {
      if (channels[f] != null) {
        channels[f].context(ctx);
      }
      long t0 = System.nanoTime();
      try {
        nested = dims.length == 1 && count == dims[0] ? d.getData() : d.getData(offset, shape);
      } catch (HdfException e) {
        throw new IOException("Cannot read rows [" + first + ", " + (first + count) + ") of " + d.getPath() + " in "
            + hdf[f].getFile() + ": " + e.getMessage(), e);
      } finally {
        if (channels[f] == null) {
          ctx.request(System.nanoTime() - t0, 0);
        } else {
          channels[f].context(FetchContext.NONE);
        }
      }
    }
    FieldSpec spec = schema().get(names().get(a));
    long[] full = new long[dims.length];
    full[0] = count;
    for (int i = 1; i < dims.length; i++) {
      full[i] = dims[i];
    }
    Object flat = spec.dtype().arrayType() == nested.getClass() ? nested : null;
    if (flat == null) {
      int total = Math.multiplyExact(count, (int) (rowElements(dims)));
      flat = Array.newInstance(spec.dtype().arrayType().getComponentType(), total);
      flatten(nested, flat, 0);
    }
    return Tensor.of(spec.dtype(), flat, full);
  }

  private static long rowElements(int[] dims) {
    long n = 1;
    for (int i = 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Copies a nested Java array (C order) into {@code flat} from {@code at}; returns the next position. */
  private static int flatten(Object nested, Object flat, int at) {
    Class<?> c = nested.getClass().getComponentType();
    if (c.isPrimitive()) {
      int n = Array.getLength(nested);
      System.arraycopy(nested, 0, flat, at, n);
      return at + n;
    }
    for (Object sub : (Object[]) nested) {
      at = flatten(sub, flat, at);
    }
    return at;
  }

  @Override
  long rowOffset(int f, int a, long row) {
    return -1;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  static DType dtype(Class<?> javaType, String where) {
    if (javaType == float.class) {
      return DType.FLOAT32;
    } else if (javaType == double.class) {
      return DType.FLOAT64;
    } else if (javaType == byte.class) {
      return DType.INT8;
    } else if (javaType == short.class) {
      return DType.INT16;
    } else if (javaType == int.class) {
      return DType.INT32;
    } else if (javaType == long.class) {
      return DType.INT64;
    } else if (javaType == boolean.class) {
      throw new IllegalArgumentException("Cannot load " + where + ": boolean HDF5 data is not supported (store it as uint8)");
    }
    throw new IllegalArgumentException("Cannot load " + where + ": its type (" + javaType.getName()
        + ") is not supported by the loader (numeric only)");
  }

  /** Closes the files. */
  public void close() {
    for (HdfFile h : hdf) {
      synchronized (h) {
        h.close();
      }
    }
  }

  /** Builds an {@link Hdf5Dataset}. */
  public static final class Builder {
    private final StoreRegistry stores;
    private List<ObjectUri> fileList;
    private ObjectUri prefix;
    private List<String> paths;
    private long coalesceGap = TfRecordDataset.DEFAULT_COALESCE_GAP;
    private long maxRequestBytes = TfRecordDataset.DEFAULT_MAX_REQUEST_BYTES;
    private int blockSize = 1 << 20;
    private int cacheBlocks = 16;

    private Builder(StoreRegistry stores) {
      this.stores = Objects.requireNonNull(stores, "stores is null");
    }

    public Builder files(List<ObjectUri> uris) {
      this.fileList = List.copyOf(uris);
      return this;
    }

    /** Every {@code .h5} and {@code .hdf5} object under {@code prefix}, in key order. */
    public Builder prefix(ObjectUri p) {
      this.prefix = Objects.requireNonNull(p, "prefix is null");
      return this;
    }

    /** The datasets to take rows of, by path (e.g. {@code /train/images}); required. Field names are the paths. */
    public Builder datasets(String... p) {
      this.paths = List.of(p);
      return this;
    }

    /** Rows at most this many bytes apart are read in one slice (default 64 KiB). */
    public Builder coalesceGap(long bytes) {
      this.coalesceGap = bytes;
      return this;
    }

    /** Longest slice (default 16 MiB). */
    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /** Remote files: bytes per range GET (default 1 MiB). */
    public Builder blockSize(int bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("Cannot use a block size of " + bytes + " bytes (at least 4096)");
      }
      this.blockSize = bytes;
      return this;
    }

    /** Remote files: blocks kept per file (default 16). */
    public Builder cacheBlocks(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Cannot keep " + n + " blocks");
      }
      this.cacheBlocks = n;
      return this;
    }

    /** Opens every file and checks the chosen datasets. */
    public Hdf5Dataset build() throws IOException {
      if (paths == null || paths.isEmpty()) {
        throw new IllegalArgumentException("Cannot build an HDF5 dataset: name the datasets with datasets()");
      }
      List<ObjectStat> stats;
      if (fileList != null) {
        stats = StoreObjects.stat(stores, fileList);
      } else if (prefix != null) {
        stats = StoreObjects.list(stores, prefix, n -> n.endsWith(".h5") || n.endsWith(".hdf5"));
      } else {
        throw new IllegalArgumentException("Cannot build an HDF5 dataset: give files() or prefix()");
      }
      int nf = stats.size();
      HdfFile[] hdf = new HdfFile[nf];
      StoreChannel[] channels = new StoreChannel[nf];
      Dataset[][] sets = new Dataset[nf][paths.size()];
      long[] rows = new long[nf];
      String[] names = new String[nf];
      List<FieldSpec> specs = null;
      Fingerprint fp = new Fingerprint("hdf5");
      paths.forEach(fp::add);
      try {
        for (int f = 0; f < nf; f++) {
          ObjectStat s = stats.get(f);
          fp.add(s);
          names[f] = s.uri().toString();
          hdf[f] = open(s, channels, f);
          List<FieldSpec> here = new ArrayList<>();
          long n = -1;
          for (int a = 0; a < paths.size(); a++) {
            String p = paths.get(a);
            Node node = hdf[f].getByPath(p);
            if (!(node instanceof Dataset d)) {
              throw new IllegalArgumentException("Cannot take rows of " + p + " in " + s.uri() + ": it is a "
                  + node.getType() + ", not a dataset");
            }
            int[] dims = d.getDimensions();
            if (d.isScalar() || dims.length == 0) {
              throw new IllegalArgumentException("Cannot take rows of " + p + " in " + s.uri() + ": it is a scalar");
            }
            if (d.isCompound() || d.isVariableLength()) {
              throw new IllegalArgumentException("Cannot take rows of " + p + " in " + s.uri()
                  + ": compound and variable-length data are not supported");
            }
            if (n >= 0 && dims[0] != n) {
              throw new IllegalArgumentException("Cannot take rows of " + s.uri() + ": " + p + " has " + dims[0]
                  + " rows but " + paths.get(0) + " has " + n);
            }
            n = dims[0];
            long[] rowShape = new long[dims.length - 1];
            for (int i = 1; i < dims.length; i++) {
              rowShape[i - 1] = dims[i];
            }
            sets[f][a] = d;
            here.add(FieldSpec.tensor(p, dtype(d.getJavaType(), s.uri() + " " + p), rowShape));
          }
          rows[f] = n;
          if (specs == null) {
            specs = here;
          } else {
            for (int a = 0; a < here.size(); a++) {
              checkSameSpec(s.uri().toString(), paths.get(a), specs.get(a), here.get(a), names[0]);
            }
          }
        }
      } catch (HdfException e) {
        closeAll(hdf);
        throw new IOException("Cannot open HDF5 dataset: " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        closeAll(hdf);
        throw e;
      }
      if (specs == null) {
        specs = new ArrayList<>();
        for (String p : paths) {
          specs.add(FieldSpec.tensor(p, DType.FLOAT32));
        }
      }
      return new Hdf5Dataset(paths, names, hdf, channels, sets, rows, specs, this, fp.hex());
    }

    private HdfFile open(ObjectStat s, StoreChannel[] channels, int f) throws IOException {
      ObjectUri u = s.uri();
      try {
        if (u.scheme().isLocal()) {
          return new HdfFile(Path.of(u.key()));
        }
        channels[f] = new StoreChannel(stores.storeFor(u), u, s.size(), blockSize, cacheBlocks);
        return new HdfFile(channels[f], new URI(u.scheme().id(), null, "/" + u.bucket() + "/" + u.key(), null));
      } catch (HdfException e) {
        throw new IOException("Cannot open HDF5 file " + u + ": " + e.getMessage(), e);
      } catch (URISyntaxException e) {
        throw new IOException("Cannot open HDF5 file " + u + ": " + e.getMessage(), e);
      }
    }

    private static void closeAll(HdfFile[] hdf) {
      for (HdfFile h : hdf) {
        if (h != null) {
          h.close();
        }
      }
    }
  }
}
