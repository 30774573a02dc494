package io.s3dlio.cli;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.ParallelDownload;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Copies objects: upload (local to store), download (store to local) and store to store, on the
 * same or different backends. Within one remote store the copy is server-side; a download to a
 * {@code file://} target is concurrent ranged GETs written in place ({@link LocalDownload});
 * otherwise bytes are streamed with bounded memory. Targets appear only when complete (each
 * backend's writer commits at close).
 */
@Command(name = "cp", description = "Copy objects between any two URIs (upload, download, backend to backend).")
final class CopyCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @Parameters(arity = "2..*", paramLabel = "SRC... DST")
  List<String> args;

  @Option(names = {"-r", "--recursive"}, description = "Copy every object under each SRC prefix.")
  boolean recursive;

  @Option(names = "--include", paramLabel = "GLOB", description = "Only keys whose path relative to SRC matches this glob (e.g. '**/*.tfrecord').")
  String include;

  @Option(names = "--regex", paramLabel = "RE", description = "Only keys whose path relative to SRC matches this regular expression.")
  String regex;

  @Option(names = {"-j", "--jobs"}, defaultValue = "4", description = "Objects copied in parallel (default ${DEFAULT-VALUE}).")
  int jobs;

  @Option(names = "--no-progress", description = "No progress output.")
  boolean noProgress;

  record Job(ObjectUri source, ObjectUri target, long size) {
  }

  /** How downloads to local files split each object (range-concurrency, range-part-size). */
  private ParallelDownload.Settings downloads;

  @Override
  public Integer call() throws Exception {
    if (jobs < 1) {
      throw new IllegalArgumentException("bad --jobs " + jobs + ": must be at least 1");
    }
    List<String> sources = args.subList(0, args.size() - 1);
    ObjectUri dst = ObjectUri.parseOrLocalPath(args.get(args.size() - 1));
    PathMatcher glob = include == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + include);
    Pattern re = regex == null ? null : Pattern.compile(regex);
    boolean intoDir = sources.size() > 1 || recursive || dst.key().isEmpty() || dst.key().endsWith("/")
        || dst.scheme().isLocal() && java.nio.file.Files.isDirectory(Path.of(dst.key()));

    List<Job> jobList = new ArrayList<>();
    for (String s : sources) {
      ObjectUri src = ObjectUri.parseOrLocalPath(s);
      ObjectStore store = root.context().store(src);
      if (!recursive) {
        ObjectStat st = store.stat(src);
        jobList.add(new Job(src, intoDir ? Uris.asDirectory(dst).child(src.name()) : dst, st.size()));
        continue;
      }
      ObjectUri dir = Uris.asDirectory(src);
      Iterator<ObjectEntry> it = store.list(dir, ListOptions.recursive());
      int before = jobList.size();
      while (it.hasNext()) {
        ObjectEntry e = it.next();
        String rel = e.uri().key().substring(dir.key().length());
        if (rel.isEmpty() || rel.endsWith("/")) {
          continue; // directory markers
        }
        if (glob != null && !glob.matches(Path.of(rel))) {
          continue;
        }
        if (re != null && !re.matcher(rel).find()) {
          continue;
        }
        ObjectUri base = sources.size() > 1 ? Uris.asDirectory(dst).child(dir.name() + "/") : Uris.asDirectory(dst);
        jobList.add(new Job(e.uri(), base.withKey(base.key() + rel), e.size()));
      }
      if (jobList.size() == before && glob == null && re == null) {
        throw new FileNotFoundException("cp " + s + ": no objects under " + dir);
      }
    }

    downloads = ParallelDownload.Settings.from(root.context().config());
    long total = jobList.stream().mapToLong(Job::size).sum();
    Progress progress = noProgress ? Progress.none() : Progress.create(root.context().err(), jobList.size(), total);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, jobList.size())));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Job j : jobList) {
        futures.add(pool.submit(() -> {
          copyOne(j, progress);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          Throwable c = e.getCause();
          throw c instanceof Exception ex ? ex : new IOException(c);
        }
      }
    } finally {
      pool.shutdownNow();
      progress.finish();
    }
    return 0;
  }

  private void copyOne(Job j, Progress progress) throws IOException {
    ObjectStore from = root.context().store(j.source());
    ObjectStore to = root.context().store(j.target());
    boolean sameRemoteStore = from == to && !j.source().scheme().isLocal()
        && j.source().bucket().equals(j.target().bucket());
    if (sameRemoteStore) {
      from.copy(j.source(), j.target());
      progress.add(j.size());
    } else if (j.target().scheme() == ObjectUri.Scheme.FILE) {
      // a download: concurrent ranged GETs written in place
      try {
        LocalDownload.run(from, j.source(), 0, -1, Path.of(j.target().key()), downloads, progress::add);
      } catch (IOException e) {
        throw new IOException("cp " + j.source() + " -> " + j.target() + ": " + e.getMessage(), e);
      }
    } else {
      try (InputStream in = from.openRange(j.source(), 0, -1)) {
        ObjectWriter w = to.openWriter(j.target());
        try {
          byte[] buf = new byte[1 << 20];
          int n;
          while ((n = in.read(buf)) > 0) {
            w.write(buf, 0, n);
            progress.add(n);
          }
        } catch (IOException | RuntimeException e) {
          w.abort();
          throw new IOException("cp " + j.source() + " -> " + j.target() + ": " + e.getMessage(), e);
        }
        w.close();
      }
    }
    progress.fileDone();
  }
}
