package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/mvn-offline-first}, which the bench and helper scripts build with: offline first, once
 * more online only when the local repository lacks an artifact (checked with a stand-in Maven
 * that records its calls); and no script under {@code bin/} or a module's {@code bench/} forces
 * Maven offline by itself (a fresh machine would stop there).
 */
class TestMvnOfflineFirst {
  private static final Path ROOT = repositoryRoot();

  @TempDir
  Path tmp;

  @Test
  void goesOnlineWhenTheLocalRepositoryLacksAnArtifact() throws Exception {
    Run r = run("missing-offline", "-B", "-q", "verify");
    assertThat(r.exit).isZero();
    assertThat(r.calls).containsExactly("-o -B -q verify", "-B -q verify");
    assertThat(r.output).contains("in offline mode", "mvn-offline-first: the local repository lacks an artifact");
  }

  @Test
  void staysOfflineWhenEverythingIsThere() throws Exception {
    Run r = run("ok", "-B", "package");
    assertThat(r.exit).isZero();
    assertThat(r.calls).containsExactly("-o -B package");
  }

  @Test
  void otherFailuresAreFinal() throws Exception {
    Run r = run("compile-error", "-B", "package");
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.calls).containsExactly("-o -B package");
    assertThat(r.output).contains("COMPILATION ERROR");
    // a failure online after the offline miss is reported as such
    Run online = run("missing-always", "-B", "package");
    assertThat(online.exit).isEqualTo(1);
    assertThat(online.calls).containsExactly("-o -B package", "-B package");
  }

  @Test
  void noScriptForcesMavenOffline() throws IOException {
    Pattern offlineMaven = Pattern.compile("\\bmvn\\b[^#]*\\s(-o|--offline)(\\s|$)|MVN_OFFLINE");
    List<Path> scripts = new ArrayList<>();
    try (Stream<Path> bin = Files.list(ROOT.resolve("bin"));
        Stream<Path> modules = Files.list(ROOT)) {
      bin.filter(Files::isRegularFile).forEach(scripts::add);
      modules.map(m -> m.resolve("bench")).filter(Files::isDirectory).forEach(b -> {
        try (Stream<Path> s = Files.list(b)) {
          s.filter(p -> p.toString().endsWith(".sh")).forEach(scripts::add);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    assertThat(scripts).contains(ROOT.resolve("connector-fs/bench/run-fs-bench.sh"));
    List<String> offenders = new ArrayList<>();
    for (Path s : scripts) {
      List<String> lines = Files.readAllLines(s, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (offlineMaven.matcher(lines.get(i)).find()) {
          offenders.add(ROOT.relativize(s) + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertThat(offenders).as("scripts that force Maven offline: use bin/mvn-offline-first").isEmpty();
  }

  private record Run(int exit, List<String> calls, String output) {
  }

  /** Runs the wrapper with a stand-in Maven that behaves as {@code mode} says. */
  private Run run(String mode, String... args) throws Exception {
    Path calls = tmp.resolve(mode + ".calls");
    Path stub = tmp.resolve("mvn-" + mode);
    Files.writeString(stub, String.join("\n",
        "#!/usr/bin/env bash",
        "echo \"$*\" >> '" + calls + "'",
        "case '" + mode + "' in",
        "  ok) exit 0 ;;",
        "  compile-error) echo '[ERROR] COMPILATION ERROR :'; exit 1 ;;",
        "  missing-always) echo '[ERROR] Cannot access central in offline mode and the artifact a:b:jar:1'"
            + " ' has not been downloaded from it before.'; exit 1 ;;",
        "  missing-offline) if [ \"$1\" = -o ]; then",
        "      echo '[ERROR] Cannot access central in offline mode and the artifact a:b:jar:1 has not been'"
            + " ' downloaded from it before.'; exit 1; fi; exit 0 ;;",
        "esac", ""));
    stub.toFile().setExecutable(true);
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/mvn-offline-first").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MVN", stub.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    return new Run(exit, Files.exists(calls) ? Files.readAllLines(calls) : List.of(), out);
  }

  private static Path repositoryRoot() {
    Path golden = Path.of(System.getProperty("s3dlio.golden.dir", "../testdata/golden")).toAbsolutePath().normalize();
    Path root = golden.getParent().getParent();
    if (!Files.isRegularFile(root.resolve("bin/mvn-offline-first"))) {
      throw new IllegalStateException("No bin/mvn-offline-first under " + root + " (from s3dlio.golden.dir)");
    }
    return root;
  }
}
